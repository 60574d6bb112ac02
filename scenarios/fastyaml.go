package scenarios

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// fastParse parses the YAML that drills are written in, about four times
// faster than yaml.v3 and with a thirtieth of its allocations (BenchmarkParse):
// block mappings and lists, plain scalars on one line or more, quoted
// scalars on one line, literal and folded block scalars, flow collections
// on one line, anchors and aliases, LF or CRLF line ends. It returns the
// tree yaml.v3 would build, comments aside (the loader does not read them),
// or ok false for anything outside that subset, and then the caller parses
// with yaml.v3, which also reports the errors. It never reports an error
// itself: whatever it accepts, yaml.v3 accepts with the same tree, which
// FuzzFastParse checks on every input it tries. It accepts no directive or
// document marker, so what it accepts is one document.
//
// Parsing was about half the cost of loading a big drill with yaml.v3, whose
// scanner, parser and composer each copy every token. It still earns its
// place: on the 100 KB benchmark drill it parses in 1.12 to 1.25 ms with 984
// allocations where yaml.v3 takes 4.68 to 4.97 ms with 33,608
// (docs/performance.md, "Scenario loading"), which keeps a load under the
// 10 ms target, and where it declines it finds the line of the mistake
// (diagnoseSyntax) that yaml.v3 reports late.
func fastParse(data []byte) (doc *yaml.Node, ok bool) {
	p := fastParser{d: data}
	return p.run()
}

// syntaxProblem is a mistake the fast parser found where it declined: a
// position, and a message for the author. It applies only when yaml.v3
// also rejects the file, no later than line until (0: anywhere).
type syntaxProblem struct {
	pos   Pos
	msg   string
	until int
}

// diagnoseSyntax looks for the first mistake in a file yaml.v3 rejected.
// yaml.v3 reports the line where its parser noticed, often the start of
// the mapping the mistake is in and sometimes many lines after it (an
// unclosed quote reads on to the next quote); the fast parser knows where
// the lines stopped making sense. ok is false when it declined for another
// reason than a mistake, or took the whole file.
func diagnoseSyntax(data []byte) (syntaxProblem, bool) {
	p := fastParser{d: data, diagnose: true}
	if _, ok := p.run(); ok || p.problem == nil {
		return syntaxProblem{}, false
	}
	return *p.problem, true
}

func (p *fastParser) run() (doc *yaml.Node, ok bool) {
	if !p.prescan() {
		return nil, false
	}
	defer func() {
		if r := recover(); r != nil {
			if _, declined := r.(fastDecline); !declined && fastStrict {
				panic(r)
			}
			doc, ok = nil, false
		}
	}()
	return p.document(), true
}

// fastStrict makes fastParse re-panic on a panic that is not a decline, so
// that tests and fuzzing see a bug that production turns into a fallback.
var fastStrict = false

// fastDecline is the panic value with which the parser gives the input
// back to yaml.v3.
type fastDecline struct{}

// maxFastDepth bounds the parser's recursion; deeper files go to yaml.v3
// and then to checkTree's limit.
const maxFastDepth = MaxDepth + 2

type fastParser struct {
	d     []byte
	s     string // d as a string: most scalars are substrings of it
	ascii bool   // every byte < 0x80, so a column is a byte offset

	// The current line: lineNo (from 1) starts at ls and ends at le (its
	// line break or the end of the data); the next starts at nl (past the
	// end of the data when there is no line break); ind is its count of
	// leading spaces.
	lineNo, ls, le, nl, ind int

	// The column of colOff on line colLine, from which col counts on.
	colLine, colOff, colN int

	depth   int
	anchors map[string]*yaml.Node // nil for a name whose node is being built

	diagnose bool // record why when declining for a mistake
	problem  *syntaxProblem

	nodes []yaml.Node  // a slab the nodes are cut from
	kids  []*yaml.Node // the children of the collections being built
	arena []*yaml.Node // a slab their Content slices are cut from
}

func (p *fastParser) decline() { panic(fastDecline{}) }

// fail declines for a mistake at off on the current line.
func (p *fastParser) fail(off int, format string, args ...any) {
	p.failUntil(0, off, format, args...)
}

// failUntil declines for what is a mistake only if yaml.v3 fails no later
// than line until.
func (p *fastParser) failUntil(until, off int, format string, args ...any) {
	if p.diagnose {
		p.problem = &syntaxProblem{pos: Pos{Line: p.lineNo, Col: p.col(off)}, msg: fmt.Sprintf(format, args...), until: until}
	}
	p.decline()
}

// prescan declines what yaml.v3 treats specially anywhere in a file: tabs,
// carriage returns and other line breaks, characters YAML does not allow,
// a byte order mark, directives and document markers.
func (p *fastParser) prescan() bool {
	d := p.d
	p.ascii = true
	lineStart := true
	for i := 0; i < len(d); {
		c := d[i]
		if lineStart {
			if c == '%' || (c == '-' || c == '.') && i+2 < len(d) && d[i+1] == c && d[i+2] == c {
				return false
			}
			lineStart = false
		}
		switch {
		case c == '\n':
			lineStart = true
			i++
		case c == '\r' && i+1 < len(d) && d[i+1] == '\n':
			i++ // a Windows line break; yaml.v3 reads it as '\n'
		case c >= 0x20 && c < 0x7f:
			i++
		case c < 0x80:
			return false // a tab, a carriage return or another control character
		default:
			p.ascii = false
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 || !yamlPrintable(r) || r == 0xFEFF || r == 0x85 || r == 0x2028 || r == 0x2029 {
				return false
			}
			i += size
		}
	}
	p.s = string(d)
	p.anchors = nil
	return true
}

// yamlPrintable reports whether YAML allows r in a file (beyond ASCII).
func yamlPrintable(r rune) bool {
	return r == 0x85 || r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// document parses the whole file: a block mapping at column 1.
func (p *fastParser) document() *yaml.Node {
	p.nodes = make([]yaml.Node, 0, 256)
	p.setLine(0, 1)
	p.skipBlank()
	if p.eof() || p.ind != 0 {
		p.decline()
	}
	doc := p.node(yaml.DocumentNode, "", p.lineNo, 1)
	root := p.blockNode(-1, false)
	if root.Kind != yaml.MappingNode || !p.eof() {
		p.decline()
	}
	doc.Content = []*yaml.Node{root}
	return doc
}

// setLine makes the line starting at off, numbered n, current.
func (p *fastParser) setLine(off, n int) {
	p.ls, p.lineNo = min(off, len(p.d)), n
	off = p.ls
	p.le, p.nl = len(p.d), len(p.d)+1
	if i := strings.IndexByte(p.s[off:], '\n'); i >= 0 {
		p.le, p.nl = off+i, off+i+1
		if p.le > off && p.d[p.le-1] == '\r' {
			p.le--
		}
	}
	p.ind = 0
	for off+p.ind < p.le && p.d[off+p.ind] == ' ' {
		p.ind++
	}
}

func (p *fastParser) eof() bool { return p.ls >= len(p.d) }

func (p *fastParser) nextLine() {
	if p.eof() {
		return
	}
	p.setLine(p.nl, p.lineNo+1)
}

// skipBlank moves to the next line with content: not blank, not only a
// comment.
func (p *fastParser) skipBlank() {
	for !p.eof() && (p.ls+p.ind == p.le || p.d[p.ls+p.ind] == '#') {
		p.nextLine()
	}
}

// col is the column (from 1, in characters, as yaml.v3 counts) of the byte
// at off on the current line.
func (p *fastParser) col(off int) int {
	if p.ascii {
		return off - p.ls + 1
	}
	// Count on from the last column asked for on this line, so that a
	// long line of many values costs linear time, not quadratic.
	if p.colLine != p.lineNo || off < p.colOff {
		p.colLine, p.colOff, p.colN = p.lineNo, p.ls, 1
	}
	p.colN += utf8.RuneCount(p.d[p.colOff:off])
	p.colOff = off
	return p.colN
}

func (p *fastParser) node(kind yaml.Kind, tag string, line, col int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]yaml.Node, 0, 512)
	}
	p.nodes = append(p.nodes, yaml.Node{Kind: kind, Tag: tag, Line: line, Column: col})
	return &p.nodes[len(p.nodes)-1]
}

func (p *fastParser) scalar(tag, value string, style yaml.Style, off int) *yaml.Node {
	n := p.node(yaml.ScalarNode, tag, p.lineNo, p.col(off))
	n.Value, n.Style = value, style
	return n
}

// content returns the children collected since base as a slice of their
// own (cut from the arena, full to capacity so that appending copies).
func (p *fastParser) content(base int) []*yaml.Node {
	n := len(p.kids) - base
	if n == 0 {
		return nil
	}
	if len(p.arena) < n {
		p.arena = make([]*yaml.Node, max(n, 2048))
	}
	c := p.arena[:n:n]
	p.arena = p.arena[n:]
	copy(c, p.kids[base:])
	p.kids = p.kids[:base]
	return c
}

func (p *fastParser) enter() {
	p.depth++
	if p.depth > maxFastDepth {
		p.decline()
	}
}

// blank reports whether the byte at i ends a token: a space or the end of
// the line.
func (p *fastParser) blank(i int) bool { return i >= p.le || p.d[i] == ' ' }

func (p *fastParser) skipSpaces(i int) int {
	for i < p.le && p.d[i] == ' ' {
		i++
	}
	return i
}

// dash reports whether the byte at i is a list item's '-'.
func (p *fastParser) dash(i int) bool { return i < p.le && p.d[i] == '-' && p.blank(i+1) }

// blockNode parses the block mapping or list that starts on the current
// line, after skipBlank, indented more than parent. inMap allows a list at
// the same indentation as the mapping it is a value of.
func (p *fastParser) blockNode(parent int, inMap bool) *yaml.Node {
	i := p.ls + p.ind
	if p.dash(i) {
		return p.list(p.ind, inMap && p.ind == parent)
	}
	if p.ind > parent {
		if _, ok := p.keyEnd(i); ok {
			return p.mapping(p.ind, i)
		}
	}
	p.decline()
	return nil
}

// keyEnd finds the ':' that ends a plain key starting at i on the current
// line. ok is false when the line does not start with a plain key.
func (p *fastParser) keyEnd(i int) (colon int, ok bool) {
	if !p.plainStart(i, false) {
		return 0, false
	}
	for j := i; j < p.le; j++ {
		switch p.d[j] {
		case ':':
			if p.blank(j + 1) {
				return j, j-i <= maxKeySpan || !p.ascii && utf8.RuneCount(p.d[i:j]) <= maxKeySpan
			}
		case '#':
			if p.d[j-1] == ' ' {
				return 0, false
			}
		}
	}
	return 0, false
}

// maxKeySpan is how far from the start of a key, in characters, yaml.v3
// looks for its ':'; further on, the key is a mistake. Where it only
// declines, the parser counts bytes, which is as strict or stricter.
const maxKeySpan = 1024

// plainStart reports whether a plain scalar may start at i: not with an
// indicator, except -, ? and : followed by a non-blank.
func (p *fastParser) plainStart(i int, flow bool) bool {
	if i >= p.le {
		return false
	}
	switch p.d[i] {
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	case '-', '?', ':':
		if p.blank(i + 1) {
			return false
		}
		if flow {
			return p.d[i] == '-' && isAlnum(p.d[i+1])
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// mapping parses a block mapping whose keys are indented by ind, the first
// at i on the current line.
func (p *fastParser) mapping(ind, i int) *yaml.Node {
	p.enter()
	m := p.node(yaml.MappingNode, "!!map", p.lineNo, p.col(i))
	base := len(p.kids)
	for {
		colon, ok := p.keyEnd(i)
		if !ok {
			p.notKey(i)
		}
		end := colon
		for p.d[end-1] == ' ' {
			end--
		}
		key := p.s[i:end]
		p.kids = append(p.kids, p.scalar(plainTag(key), key, 0, i))
		p.kids = append(p.kids, p.value(ind, colon+1, true))
		if p.eof() || p.ind < ind {
			break
		}
		if p.ind > ind {
			p.decline()
		}
		i = p.ls + ind
	}
	m.Content = p.content(base)
	p.depth--
	return m
}

// notKey declines a line at the indentation of a mapping's keys that does
// not start with a plain key.
func (p *fastParser) notKey(i int) {
	if p.dash(i) {
		p.fail(i, "a list item where a key was expected: a list is the value of a key, on the lines below it")
	}
	if !p.plainStart(i, false) {
		p.decline() // a quoted or complex key, a tag, ...
	}
	for j := i; j < p.le; j++ {
		if p.d[j] == ':' && p.blank(j+1) {
			p.decline() // a key too long for yaml.v3
		}
		if p.d[j] == '#' && p.d[j-1] == ' ' {
			break
		}
	}
	p.fail(i, "a key was expected here, at the indentation of the keys above, but this line has no ':'")
}

// list parses a block list whose '-' are indented by ind. An indentless
// list (the value of a key at the same indentation) ends at the first line
// at ind that is not an item; any other list must not have one.
func (p *fastParser) list(ind int, indentless bool) *yaml.Node {
	p.enter()
	l := p.node(yaml.SequenceNode, "!!seq", p.lineNo, p.col(p.ls+ind))
	base := len(p.kids)
	for {
		dash := p.ls + ind
		j := p.skipSpaces(dash + 1)
		var item *yaml.Node
		switch {
		case p.dash(j):
			p.decline() // a list in a list item on one line
		case j < p.le && p.d[j] != '#' && p.d[j] != '&':
			if _, ok := p.keyEnd(j); ok {
				item = p.mapping(j-p.ls, j) // the line holds only spaces and a '-' before j
				break
			}
			fallthrough
		default:
			item = p.value(ind, dash+1, false)
		}
		p.kids = append(p.kids, item)
		if p.eof() || p.ind < ind {
			break
		}
		if p.ind > ind {
			p.decline()
		}
		if !p.dash(p.ls + ind) {
			if indentless {
				break
			}
			if c := p.d[p.ls+ind]; c == '|' || c == '>' {
				p.decline() // yaml.v3 takes a block scalar here as the value of an empty item above
			}
			p.fail(p.ls+ind, "a list item (\"- \") was expected here, in line with the items above; to end the list, indent this line less")
		}
	}
	l.Content = p.content(base)
	p.depth--
	return l
}

// value parses the value after a key's ':' or an item's '-' (i is just
// after it) in a collection indented by ind, and moves to the next line
// with content, which must not be indented more than ind.
func (p *fastParser) value(ind, i int, inMap bool) *yaml.Node {
	j := p.skipSpaces(i)
	var anchor string
	var aLine, aCol int
	if j < p.le && p.d[j] == '&' {
		k := j + 1
		for k < p.le && (isAlnum(p.d[k]) || p.d[k] == '_' || p.d[k] == '-') {
			k++
		}
		if k == j+1 || !p.blank(k) {
			p.decline()
		}
		anchor, aLine, aCol = p.s[j+1:k], p.lineNo, p.col(j)
		// yaml.v3 names the node before reading inside it, where an alias
		// to this name means the node itself (an error checkTree reports):
		// nil marks the name as taken by a node not yet built.
		if p.anchors == nil {
			p.anchors = map[string]*yaml.Node{}
		}
		p.anchors[anchor] = nil
		j = p.skipSpaces(k)
		if !inMap {
			if _, ok := p.keyEnd(j); ok {
				p.decline() // "- &a key: value": the anchor is on the key of a mapping
			}
		}
	}
	var n *yaml.Node
	if j == p.le || p.d[j] == '#' && j > i {
		// The value is on the lines below, or empty.
		line, col := p.lineNo, p.col(i)
		p.nextLine()
		p.skipBlank()
		if !p.eof() && (p.ind > ind || inMap && p.ind == ind && p.dash(p.ls+ind)) {
			n = p.blockNode(ind, inMap)
		} else if anchor != "" {
			p.decline()
		} else {
			return p.node(yaml.ScalarNode, "!!null", line, col)
		}
	} else {
		n = p.inline(ind, j)
	}
	if anchor != "" {
		if n.Kind == yaml.AliasNode {
			p.decline()
		}
		n.Anchor, n.Line, n.Column = anchor, aLine, aCol
		// A node inside that took the same name took it after this one.
		if p.anchors[anchor] == nil {
			p.anchors[anchor] = n
		}
	}
	if !p.eof() && p.ind > ind {
		what := "the items of its list"
		if inMap {
			what = "the keys of its mapping"
		}
		p.fail(p.ls+p.ind, "this line is indented %d spaces, more than %s (%d), but it is not part of the value above it: line it up with them, or put it under a key ending with ':'", p.ind, what, ind)
	}
	return n
}

// inline parses a value that starts at i on the current line, and moves to
// the next line with content.
func (p *fastParser) inline(ind, i int) *yaml.Node {
	var n *yaml.Node
	j := 0
	switch p.d[i] {
	case '"', '\'':
		n, j = p.quoted(i)
	case '[', '{':
		n, j = p.flow(i)
	case '|', '>':
		return p.blockScalar(ind, i)
	case '*':
		n, j = p.alias(i)
	default:
		if !p.plainStart(i, false) {
			p.notPlain(i)
		}
		return p.plain(ind, i)
	}
	p.endLine(j)
	return n
}

// notPlain declines a value that starts with an indicator.
func (p *fastParser) notPlain(i int) {
	switch c := p.d[i]; c {
	case '-':
		p.fail(i, "a list cannot start on the line of its key: put each \"- item\" on a line of its own below it")
	case '%', '@', '`', ',', ']', '}':
		p.fail(i, "a value cannot start with %c unless it is quoted", c)
	}
	p.decline()
}

// endLine checks that only spaces and a comment follow j on the current
// line, and moves to the next line with content.
func (p *fastParser) endLine(j int) {
	k := p.skipSpaces(j)
	if k < p.le && (p.d[k] != '#' || k == j) {
		if p.d[k] == '#' || p.d[k] == ':' && p.blank(k+1) {
			p.decline() // a comment without a space, a key in quotes
		}
		p.fail(k, "text after the end of the value: quote the whole value, or start a comment with \" #\"")
	}
	p.nextLine()
	p.skipBlank()
}

// flow parses a flow list or mapping that ends on its line.
func (p *fastParser) flow(i int) (*yaml.Node, int) {
	p.enter()
	kind, tag, closer := yaml.SequenceNode, "!!seq", byte(']')
	if p.d[i] == '{' {
		kind, tag, closer = yaml.MappingNode, "!!map", '}'
	}
	n := p.node(kind, tag, p.lineNo, p.col(i))
	n.Style = yaml.FlowStyle
	base := len(p.kids)
	j := p.skipSpaces(i + 1)
	if j < p.le && p.d[j] == closer {
		j++
	} else {
		for {
			var item *yaml.Node
			if kind == yaml.MappingNode {
				key := j
				item, j = p.flowItem(j, true)
				if j >= p.le || p.d[j] != ':' || !p.blank(j+1) || j-key > maxKeySpan {
					p.decline()
				}
				p.kids = append(p.kids, item)
				j = p.skipSpaces(j + 1)
			}
			item, j = p.flowItem(j, false)
			p.kids = append(p.kids, item)
			j = p.skipSpaces(j)
			if j >= p.le {
				p.decline()
			}
			if p.d[j] == closer {
				j++
				break
			}
			if p.d[j] != ',' {
				p.decline()
			}
			j = p.skipSpaces(j + 1)
		}
	}
	n.Content = p.content(base)
	p.depth--
	return n, j
}

// flowItem parses a scalar or a nested collection at i inside a flow
// collection, and returns the offset after it, spaces skipped.
func (p *fastParser) flowItem(i int, key bool) (*yaml.Node, int) {
	if i >= p.le {
		p.decline()
	}
	var n *yaml.Node
	j := 0
	switch p.d[i] {
	case '"', '\'':
		n, j = p.quoted(i)
	case '[', '{':
		if key {
			p.decline()
		}
		n, j = p.flow(i)
	default:
		if !p.plainStart(i, true) {
			p.decline()
		}
		end := i
		for j = i; j < p.le; j++ {
			c := p.d[j]
			if c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '?' || c == ':' || c == '#' {
				break
			}
			if c != ' ' {
				end = j + 1
			}
		}
		if j < p.le && (p.d[j] == '?' || p.d[j] == '#' || p.d[j] == '[' || p.d[j] == '{' || p.d[j] == ':' && !key) {
			p.decline()
		}
		v := p.s[i:end]
		n = p.scalar(plainTag(v), v, 0, i)
	}
	return n, p.skipSpaces(j)
}
