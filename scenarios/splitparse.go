package scenarios

import (
	"bytes"
	"runtime"

	"go.yaml.in/yaml/v3"
)

// splitMinSize is the smallest file worth parsing in two halves: below it
// the second goroutine costs more than it saves.
const splitMinSize = 32 << 10

// parseSplit parses a large file in two halves on two cores, cut at a
// top-level key, and joins the two root mappings into the tree a single
// parse gives (comments aside, which the loader does not read). yaml.v3
// parses on one core only, and parsing is half of loading a big drill.
//
// It only cuts where the two halves cannot interact: a block mapping at
// column 0 with no directives or document markers, cut before a line that
// starts a plain key. A construct that would run on past the cut (a quoted
// scalar or a flow collection) leaves the first half unterminated, and an
// alias to an anchor of the first half is unknown in the second: both are
// errors, and then, as for any error, it returns ok false and the caller
// parses the whole file, so diagnostics come from one parse as before.
func parseSplit(data []byte) (doc *yaml.Node, ok bool) {
	if len(data) < splitMinSize || runtime.GOMAXPROCS(0) < 2 {
		return nil, false
	}
	return parseHalves(data)
}

// parseHalves is parseSplit at any size.
func parseHalves(data []byte) (doc *yaml.Node, ok bool) {
	sp := splitPoint(data)
	if sp.cut <= 0 {
		return nil, false
	}
	var first yaml.Node
	firstOK := make(chan bool, 1)
	go func() {
		defer func() {
			if recover() != nil {
				firstOK <- false
			}
		}()
		firstOK <- yaml.Unmarshal(data[:sp.cut], &first) == nil && blockRoot(&first)
	}()
	if sp.seqIndent < 0 {
		var second yaml.Node
		secondOK := yaml.Unmarshal(data[sp.cut:], &second) == nil && blockRoot(&second)
		if !<-firstOK || !secondOK {
			return nil, false
		}
		shiftLines(second.Content[0], sp.line-1)
		root := first.Content[0]
		root.Content = append(root.Content, second.Content[0].Content...)
		return &first, true
	}
	// Cut between two items of a top-level list: the rest of the list, then
	// the rest of the file from the next top-level key.
	var items, rest yaml.Node
	itemsOK := yaml.Unmarshal(data[sp.cut:sp.restAt], &items) == nil && blockSeqRoot(&items, sp.seqIndent)
	restOK := sp.restAt == len(data) || yaml.Unmarshal(data[sp.restAt:], &rest) == nil && blockRoot(&rest)
	if !<-firstOK || !itemsOK || !restOK {
		return nil, false
	}
	root := first.Content[0]
	list := root.Content[len(root.Content)-1]
	if len(root.Content)%2 != 0 || list.Kind != yaml.SequenceNode || list.Style != 0 || list.Anchor != "" ||
		list.Tag != "!!seq" || list.Column != sp.seqIndent+1 {
		return nil, false // the cut is not between items of the last key's list
	}
	shiftLines(items.Content[0], sp.line-1)
	list.Content = append(list.Content, items.Content[0].Content...)
	if sp.restAt < len(data) {
		shiftLines(rest.Content[0], sp.restLine-1)
		root.Content = append(root.Content, rest.Content[0].Content...)
	}
	return &first, true
}

// blockRoot reports whether doc is a document whose root is an untagged,
// unanchored block mapping, as the halves of a split file must be.
func blockRoot(doc *yaml.Node) bool {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return false
	}
	r := doc.Content[0]
	return r.Kind == yaml.MappingNode && r.Style == 0 && r.Anchor == "" && r.Tag == "!!map" && r.Column == 1
}

// blockSeqRoot reports whether doc is a document whose root is an untagged,
// unanchored block list indented by indent.
func blockSeqRoot(doc *yaml.Node, indent int) bool {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return false
	}
	r := doc.Content[0]
	return r.Kind == yaml.SequenceNode && r.Style == 0 && r.Anchor == "" && r.Tag == "!!seq" && r.Column == indent+1
}

// split is where parseHalves cuts a file: at cut (line line), before a
// top-level key when seqIndent is -1, else before an item of a top-level
// list indented by seqIndent, whose rest ends at restAt (line restLine),
// the next top-level key or the end of the file.
type split struct {
	cut, line        int
	seqIndent        int
	restAt, restLine int
}

// splitPoint returns the cut nearest the middle of data: a line that starts
// a top-level plain key, or an item of a list that is the value of one. Its
// cut is 0 when the file must not be split: it has a directive, a document
// marker, a tab at the start of a line, or does not start with a top-level
// plain key.
func splitPoint(data []byte) split {
	mid := len(data) / 2
	best := split{seqIndent: -1}
	sawContent := false
	listIndent := -2 // indentation of the items of the current key's list; -1 not known yet
	n := 0
	for off := 0; off < len(data); {
		n++
		next := len(data)
		if end := bytes.IndexByte(data[off:], '\n'); end >= 0 {
			next = off + end + 1
		}
		switch b := data[off]; {
		case b == '%' || b == '-' || b == '.' || b == '\t':
			return split{} // a directive, a document marker, a top-level list or a tab
		case plainKeyStart(b):
			if best.seqIndent >= 0 && best.restAt == 0 {
				best.restAt, best.restLine = off, n
			}
			if sawContent && (best.cut == 0 || absDiff(off, mid) < absDiff(best.cut, mid)) {
				best = split{cut: off, line: n, seqIndent: -1}
			}
			sawContent = true
			listIndent = -1
		case b == ' ':
			t := bytes.TrimLeft(data[off:next], " ")
			indent := next - off - len(t)
			if !sawContent && len(t) > 0 && t[0] != '#' && t[0] != '\n' && t[0] != '\r' {
				return split{} // indented content first: the root is not at column 0
			}
			isItem := len(t) >= 2 && t[0] == '-' && (t[1] == ' ' || t[1] == '\n' || t[1] == '\r')
			if listIndent == -1 && len(t) > 0 && t[0] != '#' && t[0] != '\n' && t[0] != '\r' {
				listIndent = -2 // the key's value is not a list
				if isItem {
					listIndent = indent // the first item: not a cut, the list starts here
					break
				}
			}
			if isItem && indent == listIndent && absDiff(off, mid) < absDiff(best.cut, mid) {
				best = split{cut: off, line: n, seqIndent: indent}
			}
		case b == '\r' || b == '\n' || b == '#':
		default:
			if !sawContent {
				return split{} // the root is not a plain block mapping
			}
			listIndent = -2
		}
		off = next
	}
	if best.seqIndent >= 0 && best.restAt == 0 {
		best.restAt, best.restLine = len(data), n+1
	}
	if best.seqIndent >= 0 && !listLines(data[best.cut:best.restAt], best.seqIndent) {
		return split{}
	}
	return best
}

// listLines reports whether every line of the items after a cut reads the
// same alone as after the lines before it: none is indented less than the
// items, and those indented as much are items. (Parsed alone, a line
// indented less than the items would end the list quietly instead of
// being an error.)
func listLines(data []byte, indent int) bool {
	for len(data) > 0 {
		line := data
		if end := bytes.IndexByte(data, '\n'); end >= 0 {
			line, data = data[:end], data[end+1:]
		} else {
			data = nil
		}
		t := bytes.TrimLeft(line, " ")
		if len(t) == 0 || t[0] == '#' || t[0] == '\r' {
			continue
		}
		in := len(line) - len(t)
		if in < indent || in == indent && !(t[0] == '-' && (len(t) == 1 || t[1] == ' ' || t[1] == '\r')) {
			return false
		}
	}
	return true
}

func plainKeyStart(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

// shiftLines adds delta to the line of n and of every node below it. Each
// node sits in one Content list, so a walk over Content sees it once.
func shiftLines(n *yaml.Node, delta int) {
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n.Line += delta
		stack = append(stack, n.Content...)
	}
}
