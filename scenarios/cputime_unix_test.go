//go:build unix

package scenarios

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used (user and system, all
// threads). Benchmarks report it per operation besides wall time: on a
// shared machine wall time measures the neighbours too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
