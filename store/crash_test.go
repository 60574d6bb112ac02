package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/storetest"
)

// crashEnv names the database the helper process appends to.
const crashEnv = "DRILLROOM_STORE_CRASH_HELPER_DB"

// TestCrashHelper is not a test: TestCrashDurability re-executes the test
// binary to run it as a separate process that it then kills with SIGKILL.
// It appends to every live session forever and prints "ack SESSION SEQ CMD"
// after each append has returned, i.e. after the store acknowledged it.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("helper process for TestCrashDurability")
	}
	ctx := context.Background()
	s, err := Open(ctx, path, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: open:", err)
		os.Exit(2)
	}
	live, err := s.LiveSessions(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: live sessions:", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, x := range live {
		wg.Go(func() {
			next := x.LastSeq + 1
			for k := 0; ; k++ {
				n := 1 + k%3
				cmd := fmt.Sprintf("c%d", next)
				if err := s.AppendEvents(ctx, x.ID, drillroom.Command{ID: cmd, Result: []byte(`{"ok":true}`)}, storetest.Events(next, n)); err != nil {
					fmt.Fprintln(os.Stderr, "helper: append:", err)
					os.Exit(3)
				}
				next += int64(n)
				line := fmt.Sprintf("ack %s %d %s\n", x.ID, next-1, cmd)
				mu.Lock()
				os.Stdout.WriteString(line) // one write per line: a kill never splits one
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// TestCrashDurability kills a process that is appending events with SIGKILL
// at an arbitrary point, reopens the database and checks that every append
// the store acknowledged is there, with no gap, in a database that passes
// PRAGMA integrity_check. It does this over several kill/reopen rounds.
func TestCrashDurability(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("inside the helper")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	s := openUnmanaged(t, path)
	const sessions = 6
	storetest.FixtureSessions(t, s, sessions)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	acked := map[string]int64{}        // session -> highest acknowledged seq
	ackedCmds := map[string][]string{} // session -> acknowledged command ids
	for round := 1; round <= 4; round++ {
		killAfter := 40 + round*53 // acks seen before the kill, varied per round
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		seen, killed := 0, false
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 4 || f[0] != "ack" {
				continue // test framework output
			}
			seq, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				t.Fatalf("helper line %q: %v", sc.Text(), err)
			}
			if seq <= acked[f[1]] {
				t.Fatalf("helper acknowledged seq %d of %s after %d", seq, f[1], acked[f[1]])
			}
			acked[f[1]] = seq
			ackedCmds[f[1]] = append(ackedCmds[f[1]], f[3])
			seen++
			if seen == killAfter && !killed {
				// Lines already in the pipe are acknowledged too; keep reading to EOF.
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		err = cmd.Wait()
		if !killed {
			t.Fatalf("round %d: helper exited after %d acks without being killed: %v\n%s", round, seen, err, stderr.String())
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: helper ended with %v, want killed by SIGKILL\n%s", round, err, stderr.String())
		}

		s, err := Open(ctx, path, nil)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		var integrity string
		if err := s.rdb.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
			t.Errorf("round %d: integrity_check: %q, %v", round, integrity, err)
		}
		live, err := s.LiveSessions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != sessions {
			t.Fatalf("round %d: %d live sessions, want %d", round, len(live), sessions)
		}
		for _, x := range live {
			if x.LastSeq < acked[x.ID] {
				t.Errorf("round %d: session %s: LastSeq %d, but seq %d was acknowledged", round, x.ID, x.LastSeq, acked[x.ID])
			}
			got, err := s.Events(ctx, x.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(got)) != x.LastSeq {
				t.Errorf("round %d: session %s: %d events, LastSeq %d", round, x.ID, len(got), x.LastSeq)
			}
			for i, e := range got {
				if e.Seq != int64(i)+1 {
					t.Errorf("round %d: session %s: event %d has seq %d (gap)", round, x.ID, i, e.Seq)
					break
				}
			}
			for _, c := range ackedCmds[x.ID] {
				if _, err := s.CommandResult(ctx, x.ID, c); err != nil {
					t.Errorf("round %d: session %s: acknowledged command %s: %v", round, x.ID, c, err)
				}
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after %d acks; highest acknowledged seqs %v", round, seen, acked)
	}
}
