package training

import "strings"

// DiffLine is one line of a line diff: Op is ' ' (in both), '-' (only in
// the old text) or '+' (only in the new); Old and New are its line numbers
// (0 where it has none).
type DiffLine struct {
	Op   byte
	Old  int
	New  int
	Text string
}

// maxDiffCells bounds the work of DiffLines: texts whose differing middles
// would need more are shown as the old middle removed and the new added.
const maxDiffCells = 4_000_000

// DiffLines returns a shortest line diff from a to b (a longest common
// subsequence of lines, after the common head and tail are set aside).
func DiffLines(a, b string) []DiffLine {
	x, y := splitLines(a), splitLines(b)
	head := 0
	for head < len(x) && head < len(y) && x[head] == y[head] {
		head++
	}
	tail := 0
	for tail < len(x)-head && tail < len(y)-head && x[len(x)-1-tail] == y[len(y)-1-tail] {
		tail++
	}
	var out []DiffLine
	for i := 0; i < head; i++ {
		out = append(out, DiffLine{Op: ' ', Old: i + 1, New: i + 1, Text: x[i]})
	}
	mx, my := x[head:len(x)-tail], y[head:len(y)-tail]
	out = append(out, diffMiddle(mx, my, head)...)
	for i := 0; i < tail; i++ {
		oi, ni := len(x)-tail+i, len(y)-tail+i
		out = append(out, DiffLine{Op: ' ', Old: oi + 1, New: ni + 1, Text: x[oi]})
	}
	return out
}

func diffMiddle(x, y []string, off int) []DiffLine {
	var out []DiffLine
	if len(x)*len(y) > maxDiffCells {
		for i, s := range x {
			out = append(out, DiffLine{Op: '-', Old: off + i + 1, Text: s})
		}
		for j, s := range y {
			out = append(out, DiffLine{Op: '+', New: off + j + 1, Text: s})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of x[i:] and y[j:].
	w := len(y) + 1
	lcs := make([]int32, (len(x)+1)*w)
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out = append(out, DiffLine{Op: ' ', Old: off + i + 1, New: off + j + 1, Text: x[i]})
			i, j = i+1, j+1
		case j == len(y) || (i < len(x) && lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			out = append(out, DiffLine{Op: '-', Old: off + i + 1, Text: x[i]})
			i++
		default:
			out = append(out, DiffLine{Op: '+', New: off + j + 1, Text: y[j]})
			j++
		}
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
