package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// checkDebugAddr refuses a --debug-addr that is not on the loopback
// interface: the profiles show the process's internals (stacks, the heap's
// call sites) and pprof's handlers have no authentication.
func checkDebugAddr(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--debug-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--debug-addr %q: must be a loopback address (127.0.0.1:PORT or [::1]:PORT)", addr)
	}
	return nil
}

// serveDebug serves Go's profiles (net/http/pprof, under /debug/pprof/) on
// addr until ctx is cancelled. The address is printed on stdout as
// "drillroom: debug on http://HOST:PORT", so port 0 may be used.
func serveDebug(ctx context.Context, addr string, stdio IO, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--debug-addr: %w", err)
	}
	// The block and mutex profiles record nothing unless asked to: a
	// blocking event of 100 µs or more is sampled, and one mutex
	// contention in 100, which costs little beside a live drill's work.
	runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	runtime.SetMutexProfileFraction(100)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// Profiles take up to their seconds parameter (pprof's default is 30 s).
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 5 * time.Minute}
	fmt.Fprintf(stdio.Stdout, "drillroom: debug on http://%s\n", ln.Addr())
	log.Info("debug: serving profiles", "addr", ln.Addr().String())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Warn("debug server", "err", err)
		}
	}()
	return func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		hs.Shutdown(cctx)
		<-done
	}, nil
}
