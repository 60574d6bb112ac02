package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
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
