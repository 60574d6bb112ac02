package scenarios

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The fast parser's scalars: plain, quoted and block, and aliases.

// plain parses a plain scalar in block context, which goes on over the
// lines below indented more than ind, and moves to the next line with
// content. Lines are joined with a space, or with a line break for each
// empty line between them; a comment ends the scalar.
func (p *fastParser) plain(ind, i int) *yaml.Node {
	line, col := p.lineNo, p.col(i)
	end, comment := p.plainLine(i, true)
	v := p.s[i:end]
	var b []byte
	for !comment {
		p.nextLine()
		empties := 0
		for !p.eof() && p.ls+p.ind == p.le {
			empties++
			p.nextLine()
		}
		start := p.ls + p.ind
		if p.eof() || p.ind <= ind || p.d[start] == '#' {
			break
		}
		if b == nil {
			b = append(make([]byte, 0, 2*len(v)), v...)
		}
		if empties == 0 {
			b = append(b, ' ')
		}
		for range empties {
			b = append(b, '\n')
		}
		end, comment = p.plainLine(start, false)
		b = append(b, p.d[start:end]...)
	}
	if b != nil {
		v = string(b)
	}
	n := p.node(yaml.ScalarNode, plainTag(v), line, col)
	n.Value = v
	if comment {
		p.nextLine()
	}
	p.skipBlank()
	return n
}

// plainLine scans one line of a plain scalar from i: end is the end of its
// text, trailing spaces aside, and comment whether a comment ends it.
func (p *fastParser) plainLine(i int, first bool) (end int, comment bool) {
	end = i
	for j := i; j < p.le; j++ {
		switch p.d[j] {
		case ' ':
			continue
		case '#':
			if j > i && p.d[j-1] == ' ' {
				return end, true
			}
		case ':':
			if !p.blank(j + 1) {
				break
			}
			if first {
				p.fail(j, "\": \" inside a value: YAML reads the text before it as a key; put the value in quotes")
			}
			p.fail(i, "this line is indented more than the key above it, so YAML reads it as more of that key's value, which cannot contain \": \"; give the keys of a mapping the same indentation")
		}
		end = j + 1
	}
	return end, false
}

func (p *fastParser) alias(i int) (*yaml.Node, int) {
	k := i + 1
	for k < p.le && (isAlnum(p.d[k]) || p.d[k] == '_' || p.d[k] == '-') {
		k++
	}
	name := p.s[i+1 : k]
	if k == i+1 || !p.blank(k) {
		p.decline()
	}
	target, defined := p.anchors[name]
	if !defined {
		p.fail(i, "*%s: no anchor &%s is defined above this alias", name, name)
	}
	if target == nil {
		p.decline() // inside the node it names
	}
	n := p.node(yaml.AliasNode, "", p.lineNo, p.col(i))
	n.Value, n.Alias = p.s[i+1:k], target
	return n, k
}

// quoted parses single- or double-quoted text that ends on its line.
func (p *fastParser) quoted(i int) (*yaml.Node, int) {
	if p.d[i] == '"' {
		return p.doubleQuoted(i)
	}
	return p.singleQuoted(i)
}

// singleQuoted parses a single-quoted scalar that ends on its line.
func (p *fastParser) singleQuoted(i int) (*yaml.Node, int) {
	var b []byte
	from := i + 1
	for j := i + 1; j < p.le; j++ {
		if p.d[j] != '\'' {
			continue
		}
		if j+1 < p.le && p.d[j+1] == '\'' {
			b = append(b, p.d[from:j+1]...)
			from = j + 2
			j++
			continue
		}
		v := p.s[from:j]
		if b != nil {
			v = string(append(b, p.d[from:j]...))
		}
		return p.scalar("!!str", v, yaml.SingleQuotedStyle, i), j + 1
	}
	p.unclosed(i)
	return nil, 0
}

// doubleQuoted parses a double-quoted scalar that ends on its line.
func (p *fastParser) doubleQuoted(i int) (*yaml.Node, int) {
	var b []byte
	from := i + 1
	for j := i + 1; j < p.le; j++ {
		switch p.d[j] {
		case '"':
			v := p.s[from:j]
			if b != nil {
				v = string(append(b, p.d[from:j]...))
			}
			return p.scalar("!!str", v, yaml.DoubleQuotedStyle, i), j + 1
		case '\\':
			if j+1 >= p.le {
				p.decline()
			}
			b = append(b, p.d[from:j]...)
			var size int
			b, size = p.escape(b, j+1)
			j += size
			from = j + 1
		}
	}
	p.unclosed(i)
	return nil, 0
}

// unclosed declines a quoted scalar that goes on past its line. YAML
// allows that, so it is the likely mistake only when yaml.v3 fails before
// the scalar ends, reading what was meant as keys as text. A bad escape on
// the way would make yaml.v3 fail there too, at the line of the opening
// quote, whether or not the quote was meant to go on: the fast parser then
// leaves the report to yaml.v3.
func (p *fastParser) unclosed(i int) {
	q := p.d[i]
	line := p.lineNo
	for j := p.le; j < len(p.d); j++ {
		switch c := p.d[j]; {
		case c == '\n':
			line++
		case c == '\\' && q == '"':
			if j+1 < len(p.d) && p.d[j+1] == '\n' {
				line++
			} else if j+1 == len(p.d) || strings.IndexByte("0abtnvfre \"'\\N_LP\r", p.d[j+1]) < 0 {
				p.decline() // unknown, or \x, \u, \U, which would need checking
			}
			j++
		case c == q && q == '\'' && j+1 < len(p.d) && p.d[j+1] == '\'':
			j++
		case c == q:
			p.failUntil(line, i, "the %c that opens this text is not closed on its line: YAML reads on to the next %c, on line %d; close it on this line", q, q, line)
		}
	}
	p.fail(i, "the %c that opens this text is never closed: YAML reads on to the end of the file", q)
}

// yamlEscapes are the one-character escapes of double-quoted text, as
// yaml.v3 reads them (it has no \/).
var yamlEscapes = [256]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r", 'e': "\x1b",
	' ': " ", '"': "\"", '\'': "'", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// escape appends the character the escape at i (after the backslash)
// stands for, and returns how many bytes it takes.
func (p *fastParser) escape(b []byte, i int) ([]byte, int) {
	c := p.d[i]
	if s := yamlEscapes[c]; s != "" {
		return append(b, s...), 1
	}
	var width int
	switch c {
	case 'x':
		width = 2
	case 'u':
		width = 4
	case 'U':
		width = 8
	}
	if width == 0 {
		r, _ := utf8.DecodeRune(p.d[i:])
		p.fail(i-1, "unknown escape \\%c in double-quoted text: write \\\\ for a backslash, or use single quotes", r)
	}
	if i+width >= p.le {
		p.decline()
	}
	v, err := strconv.ParseUint(p.s[i+1:i+1+width], 16, 32)
	if err != nil || v >= 0xD800 && v <= 0xDFFF || v > 0x10FFFF {
		p.decline()
	}
	return utf8.AppendRune(b, rune(v)), 1 + width
}

// blockScalar parses a literal (|) or folded (>) scalar, clipped or
// stripped (-), whose lines are indented more than ind, and moves to the
// next line with content.
func (p *fastParser) blockScalar(ind, i int) *yaml.Node {
	style := yaml.LiteralStyle
	if p.d[i] == '>' {
		style = yaml.FoldedStyle
	}
	j := i + 1
	strip := j < p.le && p.d[j] == '-'
	if strip {
		j++
	}
	if j < p.le && p.d[j] != ' ' {
		p.decline() // keep (+), an indentation digit, or something else
	}
	line, col := p.lineNo, p.col(i)
	if k := p.skipSpaces(j); k < p.le && p.d[k] != '#' {
		p.fail(k, "text after %c on its line: the text of a block starts on the next line, indented", p.d[i])
	}
	p.nextLine()
	indent := -1
	var b []byte
	empties := 0        // empty lines since the last content line
	terminated := false // the last content line ends with a line break
	for !p.eof() {
		if p.ls+p.ind == p.le {
			if indent < 0 || p.ind > indent {
				p.decline() // empty lines first, or spaces that would be content
			}
			empties++
			p.nextLine()
			continue
		}
		if indent < 0 {
			if p.ind <= ind {
				p.decline() // an empty block scalar
			}
			indent = p.ind
		} else if p.ind < indent {
			break
		}
		text := p.d[p.ls+indent : p.le]
		switch {
		case style == yaml.FoldedStyle && text[0] == ' ':
			p.decline() // a more-indented line keeps its breaks
		case b == nil:
		case style == yaml.LiteralStyle:
			for k := 0; k <= empties; k++ {
				b = append(b, '\n')
			}
		default:
			if empties == 0 {
				b = append(b, ' ')
			}
			for k := 0; k < empties; k++ {
				b = append(b, '\n')
			}
		}
		b = append(b, text...)
		empties = 0
		terminated = p.nl <= len(p.d)
		p.nextLine()
	}
	if indent < 0 {
		p.decline()
	}
	if !strip && terminated {
		b = append(b, '\n')
	}
	n := p.node(yaml.ScalarNode, "!!str", line, col)
	n.Value, n.Style = string(b), style
	p.skipBlank()
	return n
}
