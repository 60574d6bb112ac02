package simulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// WriteLog writes events as JSON Lines, one event per line.
func WriteLog(w io.Writer, events []Event) error {
	bw := bufio.NewWriter(w)
	for _, ev := range events {
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("write log: event seq %d: %w", ev.Seq, err)
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// MaxLogLine is the longest line ReadLog accepts.
const MaxLogLine = 1 << 20

// ReadLog reads a JSON Lines event log. Blank lines are skipped. Errors
// name the first bad line ("line 7: ..."): invalid JSON, an event without
// a type, or a sequence number that does not follow the previous one.
func ReadLog(r io.Reader) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLogLine)
	var out []Event
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var ev Event
		if err := json.Unmarshal(b, &ev); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if ev.Type == "" {
			return nil, fmt.Errorf("line %d: event without a type", line)
		}
		if n := len(out); n > 0 && ev.Seq != out[n-1].Seq+1 {
			return nil, fmt.Errorf("line %d: seq %d does not follow %d", line, ev.Seq, out[n-1].Seq)
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}
