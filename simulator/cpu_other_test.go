//go:build !unix

package simulator

func cpuTime() int64 { return 0 }
