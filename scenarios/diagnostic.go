package scenarios

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Severity of a diagnostic.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Diagnostic is one problem found in a file.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Source   string   `json:"source,omitempty"` // the source line, for the caret display
	// SourceCol is the caret's column in Source when Source is a window of
	// a very long line (0: Col).
	SourceCol int `json:"source_col,omitempty"`
}

// maxSourceWidth bounds the source line kept in a diagnostic: a minified or
// hostile file can have a line of a megabyte.
const maxSourceWidth = 160

// String formats d as FILE:LINE:COL: CODE: message (FILE: CODE: message when
// the problem has no position, such as an unreadable file).
func (d Diagnostic) String() string {
	sev := ""
	if d.Severity == Warning {
		sev = "warning: "
	}
	if d.Line == 0 {
		return fmt.Sprintf("%s: %s: %s%s", d.File, d.Code, sev, d.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s%s", d.File, d.Line, d.Col, d.Code, sev, d.Message)
}

// Snippet returns the source line and a caret under the column, or "" when
// the diagnostic has no source line.
func (d Diagnostic) Snippet() string {
	if d.Source == "" || d.Line == 0 {
		return ""
	}
	var caret strings.Builder
	target := d.Col
	if d.SourceCol > 0 {
		target = d.SourceCol
	}
	col := 1
	for _, r := range d.Source {
		if col >= target {
			break
		}
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
		col++
	}
	for ; col < target; col++ {
		caret.WriteByte(' ')
	}
	caret.WriteByte('^')
	return "    " + d.Source + "\n    " + caret.String()
}

// Diagnostics is a list of problems, root cause first.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns the diagnostics that are errors.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Err returns nil when there are no errors, else an error listing them.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	var lines []string
	for _, d := range ds {
		if d.Severity == Error {
			lines = append(lines, d.String())
		}
	}
	return fmt.Errorf("%s", strings.Join(lines, "\n"))
}

// Write prints each diagnostic as FILE:LINE:COL: CODE: message followed by
// the source line and a caret.
func (ds Diagnostics) Write(w io.Writer) error {
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
		if s := d.Snippet(); s != "" {
			if _, err := fmt.Fprintln(w, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// rank orders diagnostics so that root causes come first: the file itself,
// then its structure, the policy, references, expressions, and lints last.
func rank(code string) int {
	if len(code) < 3 {
		return 5
	}
	switch code[:3] {
	case "DR1":
		if code == CodeTooMany {
			return 6
		}
		if code < CodeUnknownKey {
			return 0
		}
		return 1
	case "DR3":
		return 2
	case "DR2":
		return 3
	case "DR4":
		return 4
	}
	return 5
}

// sortDiagnostics orders ds root cause first, then by position.
func sortDiagnostics(ds Diagnostics) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return false // keep files in the order they were loaded
		}
		if ra, rb := rank(a.Code), rank(b.Code); ra != rb {
			return ra < rb
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Code < b.Code
	})
}

// MaxDiagnostics bounds the problems reported for one file: a hostile file
// could otherwise produce hundreds of thousands.
const MaxDiagnostics = 200

// diagList collects the diagnostics of one file.
type diagList struct {
	src     *sourceFile
	diags   Diagnostics
	seen    map[string]bool
	dropped int
}

func (l *diagList) add(code string, p Pos, format string, args ...any) {
	if len(l.diags) >= MaxDiagnostics {
		l.dropped++
		return
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	sev, ok := codeSeverity[code]
	if !ok {
		sev = Error
	}
	d := Diagnostic{File: l.src.name, Line: p.Line, Col: p.Col, Code: code, Severity: sev, Message: msg}
	key := d.String()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if l.seen[key] {
		return // the same problem reached twice (a shared expression, say)
	}
	l.seen[key] = true
	if p.Line > 0 && code != CodeBinary && code != CodeTooLarge {
		d.Source, d.SourceCol = window(l.src.line(p.Line), p.Col)
	}
	l.diags = append(l.diags, d)
}

// full reports whether no more diagnostics will be kept, so that callers
// can skip work that would only produce them.
func (l *diagList) full() bool { return len(l.diags) >= MaxDiagnostics }

func (l *diagList) hasErrors() bool { return l.diags.HasErrors() }

func (l *diagList) sorted() Diagnostics {
	sortDiagnostics(l.diags)
	if l.dropped > 0 {
		l.diags = append(l.diags, Diagnostic{File: l.src.name, Line: 1, Col: 1, Code: CodeTooMany, Severity: Error,
			Message: fmt.Sprintf("stopped after %d problems (%d more not shown); fix these first", MaxDiagnostics, l.dropped)})
		l.dropped = 0
	}
	return l.diags
}

// window returns line, or a part of it around col when it is too long to
// show, with the caret column in that part (0 when line is whole).
func window(line string, col int) (string, int) {
	if len(line) <= maxSourceWidth {
		return line, 0
	}
	r := []rune(line)
	if len(r) <= maxSourceWidth {
		return line, 0
	}
	start := col - 1 - maxSourceWidth/2
	if start < 0 {
		start = 0
	}
	end := start + maxSourceWidth
	if end > len(r) {
		end = len(r)
		start = max(0, end-maxSourceWidth)
	}
	out := string(r[start:end])
	caret := col - start
	if start > 0 {
		out = "..." + out
		caret += 3
	}
	if end < len(r) {
		out += "..."
	}
	return out, caret
}
