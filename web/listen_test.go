package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom/runner"
)

// flood opens n connections from 127.0.0.2 to addr, every other one
// trickling a request's headers a byte at a time, and holds them for
// hold. It reports how many it opened and how many the server refused at
// once (reset while connecting).
func flood(addr string, n int, hold time.Duration) (opened, refused int, firstErr error) {
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 5 * time.Second}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, err := dialer.Dial("tcp", addr)
		if err != nil {
			if refused++; firstErr == nil {
				firstErr = err
			}
			continue
		}
		if i%2 == 1 {
			c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "))
		}
		conns = append(conns, c)
	}
	for end := time.Now().Add(hold); time.Now().Before(end); {
		time.Sleep(250 * time.Millisecond)
		for i, c := range conns {
			if i%2 == 1 {
				c.SetWriteDeadline(time.Now().Add(time.Millisecond))
				c.Write([]byte("a"))
			}
		}
	}
	return len(conns), refused, firstErr
}

// TestFloodChild is the flooding process of TestConnectionFlood; it does
// nothing unless that test started it.
func TestFloodChild(t *testing.T) {
	addr := os.Getenv("DRILLROOM_FLOOD_ADDR")
	if addr == "" {
		t.Skip("run by TestConnectionFlood")
	}
	n, _ := strconv.Atoi(os.Getenv("DRILLROOM_FLOOD_N"))
	opened, refused, err := flood(addr, n, 2*time.Second)
	fmt.Printf("flood: opened %d refused %d first error %v\n", opened, refused, err)
}

// TestConnectionFlood opens 20,000 connections from one address
// (127.0.0.2) to the real server as serve builds it (HTTPServer on
// Listen), half of them idle and half sending a request's headers one
// byte at a time, and probes /healthz from another address (127.0.0.1)
// meanwhile. The server must keep at most MaxConnsPerAddr of them, close
// the slow ones after ReadHeaderTimeout, and answer every probe. Without
// a read timeout or per-address cap, 20,000 slow requests exhausted the
// file limit and /healthz stopped answering.
//
// The flood comes from two child processes of 10,000 connections each
// (the open-file limit here is 20,000 per process and cannot be raised).
// It lasts about 2 s. With DRILLROOM_LOAD=1 the test also asserts that
// every probe answered within 100 ms (docs/performance.md has the run).
func TestConnectionFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 20,000 connections")
	}
	probe, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address to flood from: %v", err)
	}
	probe.Close()

	_, _, srv := newTestServer(t, Config{ReadHeaderTimeout: time.Second}, runner.Config{}) // the default cap of serve
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := srv.Listen(ln).(*addrLimiter)
	hs := srv.HTTPServer()
	go hs.Serve(lim)
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(cctx)
	})
	addr := ln.Addr().String()

	// The prober: a fresh connection each time, as a load balancer does.
	var mu sync.Mutex
	var lat []time.Duration
	var failures []string
	stopProbe := make(chan struct{})
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		for {
			select {
			case <-stopProbe:
				return
			case <-time.After(50 * time.Millisecond):
			}
			began := time.Now()
			res, err := c.Get("http://" + addr + "/healthz")
			d := time.Since(began)
			mu.Lock()
			if err != nil {
				failures = append(failures, err.Error())
			} else {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failures = append(failures, res.Status)
				}
				lat = append(lat, d)
			}
			mu.Unlock()
		}
	}()

	// The flood, from 127.0.0.2, in two child processes of 10,000
	// connections each, so that neither the server's process nor a child
	// needs more than the usual 20,000 open files. Half of the
	// connections stay idle, half trickle a request's headers.
	began := time.Now()
	var children []*exec.Cmd
	var outs []*strings.Builder
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFloodChild$", "-test.v")
		cmd.Env = append(os.Environ(), "DRILLROOM_FLOOD_ADDR="+addr, "DRILLROOM_FLOOD_N=10000")
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children, outs = append(children, cmd), append(outs, out)
	}
	// Sample what the server holds from the flooding address while it lasts.
	held := 0
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		held = max(held, lim.connsFrom("127.0.0.2"))
	}
	for _, c := range children {
		if err := c.Wait(); err != nil {
			t.Errorf("flood child: %v", err)
		}
	}
	opened := time.Since(began)
	for _, o := range outs {
		for _, line := range strings.Split(o.String(), "\n") {
			if strings.HasPrefix(line, "flood:") {
				t.Log(line)
			}
		}
	}
	heldAfter := lim.connsFrom("127.0.0.2")
	close(stopProbe)
	<-probed

	mu.Lock()
	defer mu.Unlock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	t.Logf("20,000 connections from 127.0.0.2 over %v: the server held at most %d at once, %d after; refused at accept %d; /healthz from 127.0.0.1: %d probes, p50 %v, p95 %v, max %v, %d failures",
		opened.Round(time.Millisecond), held, heldAfter, srv.metrics.connsRefused.Load(),
		len(lat), pct(0.5), pct(0.95), pct(1), len(failures))
	if held > DefaultMaxConnsPerAddr || heldAfter > DefaultMaxConnsPerAddr {
		t.Errorf("the server held %d (then %d) connections from one address, want at most %d", held, heldAfter, DefaultMaxConnsPerAddr)
	}
	if len(failures) > 0 {
		t.Errorf("/healthz failed %d times during the flood: %v", len(failures), failures[:min(3, len(failures))])
	}
	if len(lat) == 0 {
		t.Fatal("no /healthz probe answered")
	}
	if os.Getenv("DRILLROOM_LOAD") == "1" && pct(1) > 100*time.Millisecond {
		t.Errorf("slowest /healthz during the flood %v, want within 100 ms", pct(1))
	}
}
