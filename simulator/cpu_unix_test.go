//go:build unix

package simulator

import "syscall"

// cpuTime is the CPU time the process has used (user + system), in ns.
// Benchmarks report it beside the wall time because the build machines
// are shared: wall time per op rises with other load, CPU time much less.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
