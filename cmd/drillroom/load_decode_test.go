package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The load generator reads tens of thousands of server messages a second
// on the same two cores as the server it measures. encoding/json checks a
// message whole and then decodes it by reflection; decodeServerMsg reads it
// once, keeps the few fields the generator judges the server by (serverMsg)
// and steps over the rest, which spares the server's cores that much.
// For a message whose keys are written as drillroom.v1 writes them
// (exactly; encoding/json would also match them regardless of case) it
// gives what encoding/json gives, and it refuses what encoding/json
// refuses as malformed (FuzzDecodeServerMsg compares the two).

var errBadJSON = errors.New("invalid JSON")

// decodeServerMsg reads one server message into m.
func decodeServerMsg(b []byte, m *serverMsg) error {
	d := msgDecoder{b: b}
	*m = serverMsg{}
	if err := d.object(func(key []byte) error {
		switch string(key) {
		case "type":
			return d.str(&m.Type)
		case "seq":
			return d.int(&m.Seq)
		case "prev":
			return d.int(&m.Prev)
		case "t":
			return d.int(&m.T)
		case "id":
			return d.str(&m.ID)
		case "first_seq":
			return d.int(&m.FirstSeq)
		case "last_seq":
			return d.int(&m.LastSeq)
		case "code":
			return d.str(&m.Code)
		case "event":
			return d.event(m)
		}
		return d.skip()
	}); err != nil {
		return err
	}
	d.ws()
	if d.i != len(d.b) {
		return fmt.Errorf("%w: data after the message at offset %d", errBadJSON, d.i)
	}
	return nil
}

type msgDecoder struct {
	b []byte
	i int
}

func (d *msgDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *msgDecoder) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", errBadJSON, what, d.i)
}

// null reports whether a null is next, and steps over it.
func (d *msgDecoder) null() bool {
	d.ws()
	if d.i+4 <= len(d.b) && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object reads an object, calling field for each key with the decoder at
// its value, which field must consume. A null is an object without keys.
func (d *msgDecoder) object(field func(key []byte) error) error {
	if d.null() {
		return nil
	}
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return d.fail("want an object")
	}
	if d.empty('}') {
		return nil
	}
	for {
		d.ws()
		key, err := d.rawString()
		if err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return d.fail("want ':'")
		}
		d.i++
		if err := field(key); err != nil {
			return err
		}
		if more, err := d.more('}', "object"); !more {
			return err
		}
	}
}

// empty steps over the opening bracket at d.i and reports whether closing
// follows it at once, stepping over that too.
func (d *msgDecoder) empty(closing byte) bool {
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == closing {
		d.i++
		return true
	}
	return false
}

// more steps over what follows a member of an object or an element of an
// array: a ',' (more reports true) or closing, which ends the kind.
func (d *msgDecoder) more(closing byte, kind string) (bool, error) {
	d.ws()
	if d.i >= len(d.b) {
		return false, d.fail("unterminated " + kind)
	}
	switch d.b[d.i] {
	case ',':
		d.i++
		return true, nil
	case closing:
		d.i++
		return false, nil
	}
	return false, d.fail("want ',' or '" + string(closing) + "'")
}

// rawString reads a string and returns its contents, unescaped.
func (d *msgDecoder) rawString() ([]byte, error) {
	raw, plain, err := d.scanString()
	if err != nil {
		return nil, err
	}
	if plain {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, d.fail("bad string")
	}
	return []byte(s), nil
}

// scanString steps over a string and returns it quoted as it was written;
// plain says it has no escape and is all ASCII, so its contents are the
// bytes between the quotes.
func (d *msgDecoder) scanString() (raw []byte, plain bool, err error) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false, d.fail("want a string")
	}
	start := d.i
	plain = true
	d.i++
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return d.b[start:d.i], plain, nil
		case c == '\\':
			plain = false
			if d.i+1 >= len(d.b) {
				return nil, false, d.fail("unterminated string")
			}
			switch d.b[d.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i += 2
			case 'u':
				if d.i+6 > len(d.b) {
					return nil, false, d.fail("short unicode escape")
				}
				for _, h := range d.b[d.i+2 : d.i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return nil, false, d.fail("bad unicode escape")
					}
				}
				d.i += 6
			default:
				return nil, false, d.fail("bad escape")
			}
		case c < 0x20:
			return nil, false, d.fail("control character in a string")
		default:
			if c >= 0x80 {
				plain = false
			}
			d.i++
		}
	}
	return nil, false, d.fail("unterminated string")
}

func (d *msgDecoder) str(out *string) error {
	if d.null() {
		return nil
	}
	s, err := d.rawString()
	if err != nil {
		return err
	}
	*out = string(s)
	return nil
}

// number steps over a number as JSON writes it and returns it.
func (d *msgDecoder) number() ([]byte, error) {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.b) && d.b[d.i] == '0':
		d.i++
	case digits() == 0:
		return nil, d.fail("bad number")
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, d.fail("bad number")
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, d.fail("bad number")
		}
	}
	return d.b[start:d.i], nil
}

func (d *msgDecoder) int(out *int64) error {
	if d.null() {
		return nil
	}
	num, err := d.number()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return d.fail("want an integer")
	}
	*out = n
	return nil
}

// event reads the event's type and its action's command id.
func (d *msgDecoder) event(m *serverMsg) error {
	return d.object(func(key []byte) error {
		switch string(key) {
		case "type":
			return d.str(&m.Event.Type)
		case "action":
			if d.null() {
				m.Event.Action = nil
				return nil
			}
			if m.Event.Action == nil {
				m.Event.Action = &struct {
					Cmd string `json:"cmd"`
				}{}
			}
			a := m.Event.Action
			return d.object(func(key []byte) error {
				if string(key) == "cmd" {
					return d.str(&a.Cmd)
				}
				return d.skip()
			})
		}
		return d.skip()
	})
}

// skip steps over one value of any kind.
func (d *msgDecoder) skip() error {
	d.ws()
	if d.i >= len(d.b) {
		return d.fail("want a value")
	}
	switch c := d.b[d.i]; {
	case c == '"':
		_, _, err := d.scanString()
		return err
	case c == '{':
		return d.object(func([]byte) error { return d.skip() })
	case c == '[':
		if d.empty(']') {
			return nil
		}
		for {
			if err := d.skip(); err != nil {
				return err
			}
			if more, err := d.more(']', "array"); !more {
				return err
			}
		}
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if d.i+len(lit) <= len(d.b) && string(d.b[d.i:d.i+len(lit)]) == lit {
				d.i += len(lit)
				return nil
			}
		}
		return d.fail("bad literal")
	case c == '-' || c >= '0' && c <= '9':
		_, err := d.number()
		return err
	}
	return d.fail("want a value")
}

// FuzzDecodeServerMsg: on any input, decodeServerMsg refuses what
// encoding/json refuses as malformed, and where both decode, they agree;
// on messages built as the server writes them (the seeds, and the fuzzed
// fields put in such a message), both decode and agree.
func FuzzDecodeServerMsg(f *testing.F) {
	for _, seed := range []string{
		`{"type":"hello","protocol":"drillroom.v1","role":"trainee","session":{"id":"s1","state":"live"},"clock":{"t":0,"scale":1,"running":false},"last_seq":0,"heartbeat_ms":25000,"vocabulary":{"intents":["a","b"]},"limits":{"command_rate":10}}`,
		`{"type":"event","seq":7,"prev":6,"t":15250,"event":{"seq":7,"t":15250,"type":"action","action":{"kind":"say","text":"Please \"leave\" the flat \u003cnow\u003e","intents":["safety_advice"],"cmd":"L3"}}}`,
		`{"type":"event","seq":8,"prev":7,"t":16000,"event":{"seq":8,"t":16000,"type":"line","from":"caller","text":"It's getting worse – I can smell it in the hall.","mood":-0.5}}`,
		`{"type":"ack","id":"L3","first_seq":7,"last_seq":9}`,
		`{"type":"reject","id":"L4","code":"rate_limited","reason":"too many commands","seq":0}`,
		`{"type":"ended","ending":"resolved","kind":"close","last_seq":40}`,
		`{"type":"resync","reason":"too far behind","last_seq":12,"snapshot":{"vars":{"x":1.5e3,"y":null,"z":[true,false,{}]}}}`,
		`{"type":"event","seq":1,"prev":0,"t":0,"event":{"type":"start","action":null}}`,
		`null`, `{}`, `{"seq":1.5}`, `{"seq":01}`, `{"type":"a\/b\u00e9"}`, `[1]`, `{"type":"x"} x`,
	} {
		f.Add([]byte(seed), "event", int64(3), "L1", "a \"quoted\" text")
	}
	f.Fuzz(func(t *testing.T, b []byte, typ string, seq int64, cmd, text string) {
		compare := func(b []byte, mustDecode bool) {
			var want, got serverMsg
			wantErr := json.Unmarshal(b, &want)
			gotErr := decodeServerMsg(b, &got)
			var syntax *json.SyntaxError
			switch {
			case errors.As(wantErr, &syntax) && gotErr == nil:
				t.Fatalf("%q: decoded, but encoding/json finds it malformed: %v", b, wantErr)
			case mustDecode && (wantErr != nil || gotErr != nil):
				t.Fatalf("%q: a server's message: encoding/json %v, decodeServerMsg %v; want both nil", b, wantErr, gotErr)
			case wantErr == nil && gotErr == nil && !reflect.DeepEqual(want, got) && !foldedKeys(b):
				t.Fatalf("%q: decodeServerMsg %+v, encoding/json %+v", b, got, want)
			}
		}
		compare(b, false)
		msg := map[string]any{"type": typ, "seq": seq, "prev": seq - 1, "t": seq * 250, "id": cmd, "code": text,
			"first_seq": seq, "last_seq": seq + 2, "reason": text,
			"event": map[string]any{"seq": seq, "type": typ, "text": text, "mood": 0.25, "vars": []any{1, "x", nil, true},
				"action": map[string]any{"kind": "say", "text": text, "cmd": cmd, "intents": []string{text}}}}
		built, err := json.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		compare(built, true)
	})
}

// foldedKeys reports whether the message has a key that only matches one
// of serverMsg's fields regardless of case (which encoding/json accepts
// and the server never writes).
func foldedKeys(b []byte) bool {
	lower := strings.ToLower(string(b))
	for _, k := range []string{"type", "seq", "prev", "t", "id", "first_seq", "last_seq", "code", "event", "action", "cmd"} {
		if strings.Count(lower, `"`+k+`"`) != strings.Count(string(b), `"`+k+`"`) {
			return true
		}
	}
	return !utf8.Valid(b) || strings.ContainsAny(string(b), "\u017f\u212a") || strings.Contains(lower, `\u`)
}

// BenchmarkDecodeServerMsg compares the load generator's reading of a
// typical event message with encoding/json's.
func BenchmarkDecodeServerMsg(b *testing.B) {
	msg := []byte(`{"type":"event","seq":8,"prev":7,"t":16000,"event":{"seq":8,"t":16000,"type":"line","from":"caller","channel":"call","text":"It's getting worse \u2013 I can smell it in the hall, and the neighbour's door is open.","mood":-0.5,"intents":["escalating"]}}`)
	b.Run("decodeServerMsg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m serverMsg
			if err := decodeServerMsg(msg, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m serverMsg
			if err := json.Unmarshal(msg, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// bucketQuantile reads a quantile of what a histogram observed between
// two scrapes, to the bucket's upper bound.
func TestBucketQuantile(t *testing.T) {
	inf := math.Inf(1)
	before := map[float64]uint64{0.001: 5, 0.01: 10, inf: 10}
	after := map[float64]uint64{0.001: 55, 0.01: 108, inf: 110} // in the window: 50, 48, 2
	for _, c := range []struct {
		q    float64
		want float64
	}{{0.5, 0.001}, {0.51, 0.01}, {0.98, 0.01}, {0.99, inf}} {
		got, n, ok := bucketQuantile(before, after, c.q)
		if !ok || n != 100 || got != c.want {
			t.Errorf("q %g: %g of %d (%v), want %g of 100", c.q, got, n, ok, c.want)
		}
	}
	if _, _, ok := bucketQuantile(after, after, 0.5); ok {
		t.Error("nothing observed, yet a quantile")
	}
	// A scrape before the family existed, one with other buckets, a
	// restarted server: no quantile rather than one of the wrong span.
	for name, b := range map[string]map[float64]uint64{
		"empty":        {},
		"other bounds": {0.002: 5, 0.01: 10, inf: 10},
		"restarted":    {0.001: 60, 0.01: 110, inf: 112},
	} {
		if _, _, ok := bucketQuantile(b, after, 0.5); ok {
			t.Errorf("%s: a quantile", name)
		}
	}
}
