package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// Pos is a 1-based line and column in a source file.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// Millis is virtual time or a span of it, in milliseconds.
type Millis = int64

// Duration is a span of virtual time, written "90s", "2m", "1h30m", "500ms"
// or a plain number of seconds. It is stored in milliseconds.
type Duration int64

// Seconds returns d in seconds, the unit expressions use.
func (d Duration) Seconds() float64 { return float64(d) / 1000 }

// Millis returns d in milliseconds.
func (d Duration) Millis() int64 { return int64(d) }

// String formats d the way authors write it (2m30s).
func (d Duration) String() string { return FormatSeconds(d.Seconds()) }

// ParseDuration reads a duration as written in a scenario file.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty duration")
	}
	// A unit letter at the end rules out a plain number: most durations are
	// written 90s or 2m, and ParseFloat would allocate an error for each.
	if last := s[len(s)-1]; last != 's' && last != 'm' && last != 'h' {
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			if n < 0 || n > 30*24*3600 {
				return 0, fmt.Errorf("duration %s out of range (0 to 30 days)", s)
			}
			return Duration(n * 1000), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: write it like 90s, 2m or 1h30m", s)
	}
	if d < 0 || d > 30*24*time.Hour {
		return 0, fmt.Errorf("duration %s out of range (0 to 30 days)", s)
	}
	return Duration(d.Milliseconds()), nil
}

// FormatSeconds formats a number of seconds as 4m10s, 45s, 1h2m or 1.5s.
func FormatSeconds(sec float64) string {
	if sec < 0 {
		return "-" + FormatSeconds(-sec)
	}
	d := time.Duration(sec * float64(time.Second)).Round(time.Millisecond)
	if d < time.Minute && d%time.Second != 0 {
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
	}
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if s > 0 || (h == 0 && m == 0) {
		fmt.Fprintf(&b, "%ds", s)
	}
	return b.String()
}

// FormatClock formats a time in milliseconds as the drill's clock reads:
// m:ss, or h:mm:ss past an hour; a negative time ("never") as a dash. It is
// the one format of times and durations that people read (pages, the
// console, feedback's dur).
func FormatClock(ms int64) string {
	if ms < 0 {
		return "–"
	}
	s := ms / 1000
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Expr is an expression as written in a scenario, with where it was written.
// The loader compiles it against the environment its field declares (the
// env struct tag: guard, reaction or rule).
type Expr struct {
	Src string
	Pos Pos
	// Lines holds the file position of the start of each line of Src when
	// Src spans lines (a block scalar), so errors map to the right line.
	Lines []Pos

	prog *vm.Program
	// runes holds the file position of every rune of Src (and one past its
	// end) when Src was not written as is on one line: quoted with escapes,
	// folded, or a block scalar. The loader fills it.
	runes posTable
}

// PosAt returns the file position of the rune at offset i of Src (expr's
// file.Location offsets count runes).
func (e Expr) PosAt(i int) Pos {
	if i < 0 {
		i = 0
	}
	if e.runes.n > 0 {
		if i >= e.runes.n {
			i = e.runes.n - 1
		}
		return e.runes.at(i)
	}
	return Pos{Line: e.Pos.Line, Col: e.Pos.Col + i}
}

// IsSet reports whether the expression was written.
func (e Expr) IsSet() bool { return strings.TrimSpace(e.Src) != "" }

// Compiled reports whether the expression has a compiled program.
func (e Expr) Compiled() bool { return e.prog != nil }

// Program returns the compiled program (nil if not compiled).
func (e Expr) Program() *vm.Program { return e.prog }

var vmPool = sync.Pool{New: func() any { return &vm.VM{} }}

// MemoryBudget bounds what one evaluation may allocate (expr's default).
const MemoryBudget = 1_000_000

// MaxNodes bounds the size of one expression.
const MaxNodes = 2000

// MaxExprLen and MaxExprDepth bound the source of one expression before
// expr parses it: its parser recurses once per nesting level and per
// prefix operator, so "((((..." or "!!!!..." a megabyte long would exhaust
// the stack, which no recover can catch. Real expressions are a few
// hundred characters with a handful of levels.
const (
	MaxExprLen   = 4096
	MaxExprDepth = 64
)

// checkExprSource rejects expressions too long or too deeply nested to
// hand to the parser, with a position in src.
func checkExprSource(src string) error {
	if len(src) > MaxExprLen {
		fe := &file.Error{Location: file.Location{From: 0, To: 1},
			Message: fmt.Sprintf("expression is %d characters long; the limit is %d", len(src), MaxExprLen)}
		return fe.Bind(file.NewSource(src))
	}
	depth, run, i := 0, 0, -1
	var quote rune
	for _, r := range src {
		i++ // rune offset, as expr counts
		if quote != 0 {
			if r == quote {
				quote = 0
			}
			continue
		}
		switch r {
		case '"', '\'', '`':
			quote = r
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		}
		switch r {
		case '!', '-', '+', '~':
			run++
		case ' ', '\t', '\n':
		default:
			run = 0
		}
		if depth > MaxExprDepth || run > MaxExprDepth {
			fe := &file.Error{Location: file.Location{From: i, To: i + 1},
				Message: fmt.Sprintf("expression is nested more than %d levels deep", MaxExprDepth)}
			return fe.Bind(file.NewSource(src))
		}
	}
	return nil
}

// Eval runs the compiled expression against env. It never panics: a runtime
// failure (such as an exhausted memory budget) is returned as an error.
func (e Expr) Eval(env map[string]any) (out any, err error) {
	if e.prog == nil {
		return nil, fmt.Errorf("expression %q was not compiled", e.Src)
	}
	v := vmPool.Get().(*vm.VM)
	v.MemoryBudget = MemoryBudget
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expression %q: %v", e.Src, r)
		}
		vmPool.Put(v)
	}()
	return v.Run(e.prog, env)
}

// Bool evaluates a boolean expression. An unset expression is false.
func (e Expr) Bool(env map[string]any) (bool, error) {
	if !e.IsSet() {
		return false, nil
	}
	out, err := e.Eval(env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("expression %q gave %T, want bool", e.Src, out)
	}
	return b, nil
}

// Compile compiles e against the environment of kind k for scenario s
// (s may be nil for names that need no scenario). want is the result type:
// "bool", "float", "string" or "" for any.
func (e *Expr) Compile(s *Scenario, k EnvKind, want string) error {
	opts := []expr.Option{
		expr.Env(EnvTypes(s, k)),
		expr.DisableBuiltin("now"),
		expr.Timezone("UTC"),
		expr.MaxNodes(MaxNodes),
	}
	switch want {
	case "bool":
		opts = append(opts, expr.AsBool())
	case "float":
		opts = append(opts, expr.AsFloat64())
	}
	if err := checkExprSource(e.Src); err != nil {
		return err
	}
	p, err := expr.Compile(e.Src, opts...)
	if err != nil {
		return err
	}
	e.prog = p
	return nil
}

// ExprErrorPos maps an error from Compile to a position in the file and a
// message without expr's own snippet. ok is false when the error carries no
// position.
func (e Expr) ExprErrorPos(err error) (pos Pos, msg string, ok bool) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return e.Pos, err.Error(), false
	}
	msg = fe.Message
	if e.runes.n > 0 {
		return e.PosAt(fe.From), msg, true
	}
	line, col := fe.Line, fe.Column // expr: 1-based line, 0-based column
	if line < 1 {
		line = 1
	}
	if len(e.Lines) >= line {
		p := e.Lines[line-1]
		return Pos{Line: p.Line, Col: p.Col + col}, msg, true
	}
	if line == 1 {
		return Pos{Line: e.Pos.Line, Col: e.Pos.Col + col}, msg, true
	}
	return Pos{Line: e.Pos.Line + line - 1, Col: col + 1}, msg, true
}

// Text is a line of text that may interpolate expressions: "Flat {{vary.flat}}".
type Text struct {
	Src   string
	Pos   Pos
	Parts []TextPart

	runes posTable // as Expr.runes
}

// PosAt returns the file position of the rune at offset i of Src.
func (t Text) PosAt(i int) Pos {
	return Expr{Pos: t.Pos, runes: t.runes}.PosAt(i)
}

// TextError is a malformed {{ }} in a Text; Offset is the byte offset in Src.
type TextError struct {
	Offset int
	Msg    string
}

func (e *TextError) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset) }

// TextPart is a literal (Expr unset) or an interpolated expression.
type TextPart struct {
	Lit  string
	Expr Expr
}

// IsSet reports whether the text was written.
func (t Text) IsSet() bool { return t.Src != "" }

// Parse splits the text into literals and {{ expressions }}, giving each
// expression its position in the file. It does not compile them.
func (t *Text) Parse() error {
	if t.Parts == nil {
		t.Parts = make([]TextPart, 0, 2*strings.Count(t.Src, "{{")+1)
	}
	t.Parts = t.Parts[:0]
	s := t.Src
	off := 0
	cur := textCursor{line: t.Pos.Line, col: t.Pos.Col}
	for {
		i := strings.Index(s[off:], "{{")
		if i < 0 {
			if off < len(s) {
				t.Parts = append(t.Parts, TextPart{Lit: s[off:]})
			}
			return nil
		}
		i += off
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			return &TextError{Offset: i, Msg: "unclosed {{"}
		}
		j += i + 2
		if i > off {
			t.Parts = append(t.Parts, TextPart{Lit: s[off:i]})
		}
		inner := s[i+2 : j]
		if strings.TrimSpace(inner) == "" {
			return &TextError{Offset: i, Msg: "empty {{ }}"}
		}
		cur.advance(s, i+2)
		t.Parts = append(t.Parts, TextPart{Expr: t.sub(cur, j)})
		off = j + 2
	}
}

// textCursor walks a Text's source once, so that placing every {{ }} of
// a long text stays linear.
type textCursor struct {
	byteOff, runeOff int
	line, col        int // as if the text were written as is from Text.Pos
}

func (c *textCursor) advance(s string, to int) {
	for _, r := range s[c.byteOff:to] {
		c.runeOff++
		if r == '\n' {
			c.line++
			c.col = 1
			continue
		}
		c.col++
	}
	c.byteOff = to
}

// sub is the expression in bytes [c.byteOff, to) of Src, with its positions.
func (t Text) sub(c textCursor, to int) Expr {
	e := Expr{Src: t.Src[c.byteOff:to]}
	if t.runes.n == 0 {
		e.Pos = Pos{Line: c.line, Col: c.col}
		return e
	}
	r0 := c.runeOff
	r1 := r0 + utf8.RuneCountInString(e.Src)
	if r1 < t.runes.n {
		e.runes = t.runes.slice(r0, r1+1)
		e.Pos = e.runes.at(0)
		e.Lines = linesOf(e.Src, e.runes)
	} else {
		e.Pos = Pos{Line: c.line, Col: c.col}
	}
	return e
}

// linesOf returns the position of the start of each line of src.
func linesOf(src string, runes posTable) []Pos {
	if !strings.Contains(src, "\n") || runes.n == 0 {
		return nil
	}
	lines := []Pos{runes.at(0)}
	k := 0
	for _, r := range src {
		k++
		if r == '\n' && k < runes.n {
			lines = append(lines, runes.at(k))
		}
	}
	return lines
}

// Render interpolates the text. Values are formatted plainly: floats without
// trailing zeros, lists joined with ", ".
func (t Text) Render(env map[string]any) (string, error) {
	if len(t.Parts) == 0 {
		return t.Src, nil
	}
	if len(t.Parts) == 1 && !t.Parts[0].Expr.IsSet() {
		return t.Parts[0].Lit, nil
	}
	var b strings.Builder
	for _, p := range t.Parts {
		if !p.Expr.IsSet() {
			b.WriteString(p.Lit)
			continue
		}
		v, err := p.Expr.Eval(env)
		if err != nil {
			return "", err
		}
		b.WriteString(FormatValue(v))
	}
	return b.String(), nil
}

// FormatValue formats an expression value for text.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []string:
		return strings.Join(x, ", ")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = FormatValue(e)
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(x)
	}
}
