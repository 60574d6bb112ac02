package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	_ "modernc.org/sqlite"
)

// The floor: what a websocket message with a durable write costs on this
// machine with nothing of drillroom in the way. A bare gorilla websocket
// server that, for each text message, commits one SQLite row (WAL,
// synchronous=FULL: one fsync per commit, no batching) and then echoes the
// message. The load test measures it in the same run as the server, with
// the same number of connections sending at the same rate, so that
// drillroom's ack latency and memory per socket can be read against it.

const envFloorDir = "DRILLROOM_LOAD_FLOOR_DIR"

// TestLoadFloorServer is not a test: the load test runs the test binary
// again with DRILLROOM_LOAD_FLOOR_DIR set, to serve the floor in a process
// of its own (so that its memory is measured alone). It serves until its
// stdin closes.
func TestLoadFloorServer(t *testing.T) {
	dir := os.Getenv(envFloorDir)
	if dir == "" {
		t.Skip("the load test's floor server; runs only as its child process")
	}
	raiseFileLimit()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "floor.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one writer, as SQLite has
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, conn INTEGER NOT NULL, body BLOB NOT NULL, at INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}
	var mu sync.Mutex
	next := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		mu.Lock()
		next++
		id := next
		mu.Unlock()
		for {
			_, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			if _, err := db.Exec("INSERT INTO messages (conn, body, at) VALUES (?, ?, ?)", id, b, time.Now().UnixMilli()); err != nil {
				return
			}
			if err := c.WriteMessage(websocket.TextMessage, b); err != nil {
				return
			}
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("floor: listening on http://%s\n", ln.Addr())
	go http.Serve(ln, mux)
	io.Copy(io.Discard, os.Stdin)
}

var floorListenRE = regexp.MustCompile(`^floor: listening on (http://\S+)$`)

// floorServer is the floor's process.
type floorServer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	base  string
}

func startFloor(t *testing.T) *floorServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadFloorServer$", "-test.v=false")
	cmd.Env = append(os.Environ(), envFloorDir+"="+t.TempDir())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := &floorServer{cmd: cmd, stdin: stdin}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := floorListenRE.FindStringSubmatch(lines.Text()); m != nil {
			f.base = m[1]
			break
		}
	}
	if f.base == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the floor server did not print its address")
	}
	go io.Copy(io.Discard, stdout)
	return f
}

func (f *floorServer) stop() {
	f.stdin.Close()
	done := make(chan struct{})
	go func() { f.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		f.cmd.Process.Kill()
		<-done
	}
}

// floorConn is one connection to the floor: it sends a command-sized
// message at the drills' rate and times the echo.
type floorConn struct {
	*timedConn
}

func dialFloor(ctx context.Context, d *websocket.Dialer, base string) (*floorConn, error) {
	conn, _, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(base, "http")+"/echo", nil)
	if err != nil {
		return nil, fmt.Errorf("dial floor: %w", err)
	}
	f := &floorConn{newTimedConn(conn)}
	go f.readLoop(func(b []byte, now time.Time) error {
		// The id sits between the first two quotes after "id":".
		id := ""
		if i := strings.Index(string(b), `"id":"`); i >= 0 {
			rest := string(b[i+6:])
			if j := strings.IndexByte(rest, '"'); j >= 0 {
				id = rest[:j]
			}
		}
		f.mu.Lock()
		f.answered[id] = now
		f.mu.Unlock()
		return nil
	})
	return f, nil
}

func (f *floorConn) close() { f.hangUp("") }
