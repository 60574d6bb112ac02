package scenarios

import (
	"strconv"
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
	end, comment := p.plainLine(i)
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
		end, comment = p.plainLine(start)
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
func (p *fastParser) plainLine(i int) (end int, comment bool) {
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
			if p.blank(j + 1) {
				p.decline() // a mapping where a scalar was expected
			}
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
	target := p.anchors[p.s[i+1:k]]
	if k == i+1 || !p.blank(k) || target == nil {
		p.decline()
	}
	n := p.node(yaml.AliasNode, "", p.lineNo, p.col(i))
	n.Value, n.Alias = p.s[i+1:k], target
	return n, k
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
	p.decline()
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
	p.decline()
	return nil, 0
}

// escape appends the character the escape at i (after the backslash)
// stands for, and returns how many bytes it takes.
func (p *fastParser) escape(b []byte, i int) ([]byte, int) {
	var width int
	switch c := p.d[i]; c {
	case '0':
		return append(b, 0), 1
	case 'a':
		return append(b, '\a'), 1
	case 'b':
		return append(b, '\b'), 1
	case 't':
		return append(b, '\t'), 1
	case 'n':
		return append(b, '\n'), 1
	case 'v':
		return append(b, '\v'), 1
	case 'f':
		return append(b, '\f'), 1
	case 'r':
		return append(b, '\r'), 1
	case 'e':
		return append(b, 0x1b), 1
	case ' ', '"', '\'', '\\':
		return append(b, c), 1
	case 'N':
		return append(b, "\u0085"...), 1
	case '_':
		return append(b, "\u00a0"...), 1
	case 'L':
		return append(b, "\u2028"...), 1
	case 'P':
		return append(b, "\u2029"...), 1
	case 'x':
		width = 2
	case 'u':
		width = 4
	case 'U':
		width = 8
	}
	if width == 0 || i+width >= p.le {
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
		p.decline()
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
