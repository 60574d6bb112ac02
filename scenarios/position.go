package scenarios

import (
	"bytes"
	"sort"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// sourceFile is a file being loaded, indexed by line so that positions can
// be turned into byte offsets and source lines for caret displays.
type sourceFile struct {
	name  string
	data  []byte
	lines []int // byte offset of the start of each line; lines[0] is line 1
}

func newSourceFile(name string, data []byte) *sourceFile {
	f := &sourceFile{name: name, data: data, lines: make([]int, 1, bytes.Count(data, []byte{'\n'})+1)}
	for i, b := range data {
		if b == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// line returns the text of line n (1-based) without its line break.
func (f *sourceFile) line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.data)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	if end > start && f.data[end-1] == '\r' {
		end--
	}
	if end < start {
		end = start
	}
	return string(f.data[start:end])
}

// offset returns the byte offset of p (columns count runes), or -1 when p is
// outside the file.
func (f *sourceFile) offset(p Pos) int {
	if p.Line < 1 || p.Line > len(f.lines) || p.Col < 1 {
		return -1
	}
	i := f.lines[p.Line-1]
	for col := 1; col < p.Col; col++ {
		if i >= len(f.data) || f.data[i] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(f.data[i:])
		i += size
	}
	return i
}

// scalarPos works out where the characters of a scalar's value were written.
// start is the position of the first character of the value; runes is empty
// when the value was written as is on one line (so rune k is at start.Col+k),
// else it holds the position of every rune of the value plus one for its end.
// When the layout cannot be worked out, start is the node's position and
// runes is empty.
func (f *sourceFile) scalarPos(n *yaml.Node) (start Pos, runes posTable) {
	nodePos := Pos{Line: n.Line, Col: n.Column}
	off := f.offset(nodePos)
	if off < 0 {
		return nodePos, posTable{}
	}
	style := n.Style &^ (yaml.TaggedStyle | yaml.FlowStyle)
	if n.Style&yaml.TaggedStyle != 0 {
		// The tag comes first: "!!str value". The value starts after it.
		for off < len(f.data) && f.data[off] != ' ' && f.data[off] != '\n' {
			off++
			nodePos.Col++
		}
		for off < len(f.data) && f.data[off] == ' ' {
			off++
			nodePos.Col++
		}
	}
	switch style {
	case 0:
		if bytes.HasPrefix(f.data[off:], []byte(n.Value)) && !containsNewline(n.Value) {
			return nodePos, posTable{}
		}
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := byte('"')
		if style == yaml.SingleQuotedStyle {
			q = '\''
		}
		rest := f.data[off+1:]
		if off < len(f.data) && f.data[off] == q && bytes.HasPrefix(rest, []byte(n.Value)) &&
			len(rest) > len(n.Value) && rest[len(n.Value)] == q && !containsNewline(n.Value) {
			return Pos{Line: nodePos.Line, Col: nodePos.Col + 1}, posTable{}
		}
	}
	a := aligner{f: f, i: off, line: nodePos.Line, col: nodePos.Col, style: style}
	runes, ok := a.align(n.Value)
	if !ok || runes.n == 0 {
		return nodePos, posTable{}
	}
	return runes.at(0), runes
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			return true
		}
	}
	return false
}

// aligner walks a scalar's source and its decoded value side by side,
// undoing quoting, escapes, folding and block indentation.
type aligner struct {
	f         *sourceFile
	i         int // byte offset in the source
	line, col int
	style     yaml.Style
	indent    int // block scalars: indentation of the content
}

func (a *aligner) peek() (rune, int) {
	if a.i >= len(a.f.data) {
		return -1, 0
	}
	return utf8.DecodeRune(a.f.data[a.i:])
}

func (a *aligner) advance() {
	r, size := a.peek()
	if size == 0 {
		return
	}
	a.i += size
	if r == '\n' {
		a.line++
		a.col = 1
		a.skipIndent()
		return
	}
	a.col++
}

// skipIndent skips the indentation at the start of a line: exactly the
// content indentation in block scalars (more is content), any blanks in
// flow scalars (folding trims them).
func (a *aligner) skipIndent() {
	block := a.style == yaml.LiteralStyle || a.style == yaml.FoldedStyle
	for n := 0; a.i < len(a.f.data); n++ {
		c := a.f.data[a.i]
		if block && (n >= a.indent || c != ' ') {
			return
		}
		if !block && c != ' ' && c != '\t' {
			return
		}
		a.i++
		a.col++
	}
}

func (a *aligner) pos() Pos { return Pos{Line: a.line, Col: a.col} }

func (a *aligner) align(value string) (posTable, bool) {
	switch a.style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		a.i++ // the opening quote
		a.col++
	case yaml.LiteralStyle, yaml.FoldedStyle:
		if !a.blockHeader() {
			return posTable{}, false
		}
	}
	var out posTable
	for _, r := range value {
		for {
			c, size := a.peek()
			if size == 0 {
				return posTable{}, false
			}
			if a.style == yaml.DoubleQuotedStyle && c == '\\' {
				if a.i+1 < len(a.f.data) && (a.f.data[a.i+1] == '\n' || a.f.data[a.i+1] == '\r') {
					a.i++ // an escaped line break joins the lines
					a.col++
					if a.f.data[a.i] == '\r' {
						a.i++
					}
					a.advance()
					continue
				}
				er, n, ok := decodeEscape(a.f.data[a.i:])
				if !ok || er != r {
					return posTable{}, false
				}
				out.add(a.pos())
				a.i += n
				a.col += n
				break
			}
			if a.style == yaml.SingleQuotedStyle && c == '\'' {
				if r != '\'' || a.i+1 >= len(a.f.data) || a.f.data[a.i+1] != '\'' {
					return posTable{}, false
				}
				out.add(a.pos())
				a.i += 2
				a.col += 2
				break
			}
			if a.style == yaml.DoubleQuotedStyle && c == '"' {
				return posTable{}, false
			}
			if c == r {
				out.add(a.pos())
				a.advance()
				break
			}
			switch c {
			case '\n':
				if r == ' ' {
					// a folded line break
					out.add(a.pos())
					a.advance()
					goto next
				}
				a.advance() // a line break dropped by folding
			case '\r', ' ', '\t':
				a.i++ // blanks trimmed by folding
				a.col++
			default:
				return posTable{}, false
			}
		}
	next:
	}
	out.add(a.pos())
	return out, true
}

// blockHeader skips the | or > line and works out the content indentation.
func (a *aligner) blockHeader() bool {
	for a.i < len(a.f.data) && a.f.data[a.i] != '\n' {
		c := a.f.data[a.i]
		if c >= '1' && c <= '9' {
			return false // an explicit indentation indicator: rare, not worth mapping
		}
		a.i++
	}
	if a.i >= len(a.f.data) {
		return false
	}
	a.i++
	a.line++
	a.col = 1
	// The first non-blank line sets the indentation.
	j := a.i
	for j < len(a.f.data) {
		n := 0
		for j+n < len(a.f.data) && a.f.data[j+n] == ' ' {
			n++
		}
		if j+n < len(a.f.data) && a.f.data[j+n] != '\n' && a.f.data[j+n] != '\r' {
			a.indent = n
			break
		}
		j += n
		for j < len(a.f.data) && a.f.data[j] != '\n' {
			j++
		}
		j++
	}
	a.skipIndent()
	return true
}

var (
	simpleEscapes = map[byte]rune{
		'0': 0, 'a': '\a', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r',
		'e': 0x1b, ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': 0x85, '_': 0xa0, 'L': 0x2028, 'P': 0x2029,
	}
	hexEscapes = map[byte]int{'x': 2, 'u': 4, 'U': 8}
)

// decodeEscape decodes a double-quoted escape sequence at the start of b.
func decodeEscape(b []byte) (r rune, n int, ok bool) {
	if len(b) < 2 || b[0] != '\\' {
		return 0, 0, false
	}
	if r, ok := simpleEscapes[b[1]]; ok {
		return r, 2, true
	}
	width := hexEscapes[b[1]]
	if width == 0 || len(b) < 2+width {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(string(b[2:2+width]), 16, 32)
	if err != nil {
		return 0, 0, false
	}
	return rune(v), 2 + width, true
}

// posTable holds the file position of each rune of a scalar's value (and
// one past its end) when the value was not written as is on one line. It
// stores runs of runes written one column after another, not a position per
// rune: most values break the run only at an escape or a line break, and a
// 16-byte position per rune was the loader's largest allocation of its own.
type posTable struct {
	base, n int // the table covers runes base to base+n of runs
	runs    []posRun
}

// posRun is a run of runes on one line: rune from+k is at column pos.Col+k.
type posRun struct {
	from int
	pos  Pos
}

// add appends the position of the next rune.
func (t *posTable) add(p Pos) {
	i := t.base + t.n
	t.n++
	if k := len(t.runs); k > 0 {
		if r := t.runs[k-1]; p.Line == r.pos.Line && p.Col == r.pos.Col+i-r.from {
			return
		}
	}
	t.runs = append(t.runs, posRun{from: i, pos: p})
}

// at returns the position of rune i (0 <= i < t.n).
func (t posTable) at(i int) Pos {
	i += t.base
	j := sort.Search(len(t.runs), func(j int) bool { return t.runs[j].from > i }) - 1
	r := t.runs[j]
	return Pos{Line: r.pos.Line, Col: r.pos.Col + i - r.from}
}

// slice returns the table of runes [from, to).
func (t posTable) slice(from, to int) posTable {
	return posTable{base: t.base + from, n: to - from, runs: t.runs}
}
