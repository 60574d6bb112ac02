package web

import (
	"bytes"
	"errors"
	"net"
	"testing"
)

// countingConn records each Write it is given.
type countingConn struct {
	net.Conn
	writes [][]byte
	err    error
}

func (c *countingConn) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

func TestCorkConnGathersARun(t *testing.T) {
	under := &countingConn{}
	c := &corkConn{Conn: under}

	c.Write([]byte("alone"))
	if len(under.writes) != 1 {
		t.Fatalf("uncorked: got %d writes, want 1", len(under.writes))
	}

	c.cork()
	c.Write([]byte("a"))
	c.cork() // nested: a drain inside a command's answer
	c.Write([]byte("b"))
	if err := c.uncork(); err != nil {
		t.Fatal(err)
	}
	if len(under.writes) != 1 {
		t.Fatalf("inner uncork: got %d writes, want still 1 (the outer run goes on)", len(under.writes))
	}
	c.Write([]byte("c"))
	if err := c.uncork(); err != nil {
		t.Fatal(err)
	}
	if len(under.writes) != 2 || string(under.writes[1]) != "abc" {
		t.Fatalf("the run: got writes %q, want one write \"abc\" after \"alone\"", under.writes)
	}

	c.cork()
	if err := c.uncork(); err != nil || len(under.writes) != 2 {
		t.Errorf("an empty run: err %v, %d writes; want nil and no write", err, len(under.writes))
	}
	if err := c.uncork(); err == nil {
		t.Error("uncork without cork: got nil, want an error")
	}
}

// A run that cannot be written reports the error at uncork.
func TestCorkConnReportsTheRunsError(t *testing.T) {
	broken := errors.New("connection reset")
	under := &countingConn{}
	c := &corkConn{Conn: under}
	c.cork()
	if _, err := c.Write([]byte("event")); err != nil {
		t.Fatalf("a write while corked: %v, want nil (kept)", err)
	}
	under.err = broken
	if err := c.uncork(); !errors.Is(err, broken) {
		t.Errorf("uncork: got %v, want %v", err, broken)
	}
}

// A close frame written while another goroutine's run is gathering goes
// out at flush, with the run, before the connection is closed; the run's
// own uncork then has nothing left to write.
func TestCorkConnFlushesTheCloseFrame(t *testing.T) {
	under := &countingConn{}
	c := &corkConn{Conn: under}
	c.cork() // a drain is gathering events
	c.Write([]byte("event"))
	c.Write([]byte("close")) // gorilla's WriteControl from stop
	if len(under.writes) != 0 {
		t.Fatalf("corked: %d writes, want 0", len(under.writes))
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	if len(under.writes) != 1 || string(under.writes[0]) != "eventclose" {
		t.Fatalf("flush: writes %q, want one \"eventclose\"", under.writes)
	}
	if err := c.uncork(); err != nil || len(under.writes) != 1 {
		t.Errorf("the drain's uncork: err %v, %d writes; want nil and no more", err, len(under.writes))
	}
	if err := c.flush(); err != nil || len(under.writes) != 1 {
		t.Errorf("a flush with nothing gathered: err %v, %d writes; want nil and none", err, len(under.writes))
	}
}
