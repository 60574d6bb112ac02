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
	cut, cutLine := splitPoint(data)
	if cut <= 0 {
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
		firstOK <- yaml.Unmarshal(data[:cut], &first) == nil && blockRoot(&first)
	}()
	var second yaml.Node
	secondOK := yaml.Unmarshal(data[cut:], &second) == nil && blockRoot(&second)
	if !<-firstOK || !secondOK {
		return nil, false
	}
	shiftLines(second.Content[0], cutLine-1)
	root := first.Content[0]
	root.Content = append(root.Content, second.Content[0].Content...)
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

// splitPoint returns the byte offset and line number of the line nearest the
// middle of data that starts a top-level plain key, or 0 when the file must
// not be split: it has a directive or document marker, or does not start
// with a top-level plain key.
func splitPoint(data []byte) (cut, line int) {
	mid := len(data) / 2
	sawContent := false
	n := 0
	for off := 0; off < len(data); {
		n++
		next := len(data)
		if end := bytes.IndexByte(data[off:], '\n'); end >= 0 {
			next = off + end + 1
		}
		switch b := data[off]; {
		case b == '%' || b == '-' || b == '.' || b == '\t':
			return 0, 0 // a directive, a document marker, a top-level list or a tab
		case plainKeyStart(b):
			if sawContent && (cut == 0 || absDiff(off, mid) < absDiff(cut, mid)) {
				cut, line = off, n
			}
			sawContent = true
		case b == ' ':
			if t := bytes.TrimSpace(data[off:next]); !sawContent && len(t) > 0 && t[0] != '#' {
				return 0, 0 // indented content first: the root is not at column 0
			}
		case b == '\r' || b == '\n' || b == '#':
		default:
			if !sawContent {
				return 0, 0 // the root is not a plain block mapping
			}
		}
		off = next
	}
	return cut, line
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
