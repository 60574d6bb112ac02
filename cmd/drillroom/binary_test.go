package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// buildBinary builds this command into the test's temporary directory and
// returns its path: the restart, failover and load tests run the real
// binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "drillroom")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// server is one run of the binary.
type server struct {
	cmd      *exec.Cmd
	base     string // http://127.0.0.1:PORT
	password string // the demo trainee's, when it serves --demo on new data
	debug    string // the debug address, when it serves one (--debug-addr)
	done     chan error
}

// What serve prints as it starts.
var (
	listenRE    = regexp.MustCompile(`^drillroom: listening on (http://\S+)$`)
	passwordRE  = regexp.MustCompile(`^demo account: trainee\s+username=trainee\s+password=(\S+)$`)
	debugAddrRE = regexp.MustCompile(`^drillroom: debug on (http://\S+)$`)
)

// startServe starts the binary's server on port 0 with args after serve's
// own and returns it once it prints its listen address; a server that has
// not printed it within patience is killed and the test fails. Its done
// channel receives the process's exit.
func startServe(t *testing.T, bin string, patience time.Duration, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	lines := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(patience, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for s.base == "" && lines.Scan() {
		line := lines.Text()
		if m := passwordRE.FindStringSubmatch(line); m != nil {
			s.password = m[1]
		}
		if m := debugAddrRE.FindStringSubmatch(line); m != nil {
			s.debug = m[1]
		}
		if m := listenRE.FindStringSubmatch(line); m != nil {
			s.base = m[1]
		}
	}
	if s.base == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the server did not print its listen address")
	}
	go func() {
		io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	return s
}

// rounds is how many rounds a repeated test runs: the environment variable
// env, or 1.
func rounds(t *testing.T, env string) int {
	t.Helper()
	s := os.Getenv(env)
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", env, s)
	}
	return n
}
