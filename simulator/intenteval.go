package simulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// CorpusLine is one labelled line of an intent corpus (JSON Lines; the
// format is in simulator/testdata/intents/LABELS.md).
type CorpusLine struct {
	Drill   string   `json:"drill"`
	Text    string   `json:"text"`
	Intents []string `json:"intents"`
	Note    string   `json:"note,omitempty"`
}

// Limits on a corpus file.
const (
	MaxCorpusLines     = 100_000
	maxCorpusLineBytes = 8 << 10
)

// ReadCorpus reads a corpus; an error names the line that is wrong.
func ReadCorpus(r io.Reader) ([]CorpusLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), maxCorpusLineBytes)
	var out []CorpusLine
	for n := 1; sc.Scan(); n++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if len(out) >= MaxCorpusLines {
			return nil, fmt.Errorf("line %d: more than %d lines", n, MaxCorpusLines)
		}
		var l CorpusLine
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if l.Drill == "" || strings.TrimSpace(l.Text) == "" {
			return nil, fmt.Errorf("line %d: drill and text are required", n)
		}
		if l.Intents == nil {
			return nil, fmt.Errorf("line %d: intents is required (an empty list when the line carries none)", n)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, fmt.Errorf("line %d: longer than %d bytes", len(out)+1, maxCorpusLineBytes)
		}
		return nil, err
	}
	return out, nil
}

// IntentStats is one intent's counts and measures in an evaluation.
type IntentStats struct {
	Intent    string  `json:"intent"`
	Support   int     `json:"support"` // lines labelled with it
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// MissedAs counts, over this intent's misses, the intents the line got
	// that it was not labelled with ("(nothing)": none); HitFor, over its
	// false hits, the intents the line was labelled with ("(nothing)": none).
	MissedAs map[string]int `json:"missed_as,omitempty"`
	HitFor   map[string]int `json:"hit_for,omitempty"`
}

// EvalLine is a line the recogniser read differently from its label.
type EvalLine struct {
	Drill   string   `json:"drill"`
	Text    string   `json:"text"`
	Want    []string `json:"want"`
	Got     []string `json:"got"`
	Missing []string `json:"missing,omitempty"`
	Extra   []string `json:"extra,omitempty"`
}

// EvalReport is the result of running a recogniser over a corpus.
type EvalReport struct {
	Lines          int           `json:"lines"`
	ExactSet       float64       `json:"exact_set"`
	MicroPrecision float64       `json:"micro_precision"`
	MicroRecall    float64       `json:"micro_recall"`
	MicroF1        float64       `json:"micro_f1"`
	MacroPrecision float64       `json:"macro_precision"`
	MacroRecall    float64       `json:"macro_recall"`
	MacroF1        float64       `json:"macro_f1"`
	Intents        []IntentStats `json:"intents"`
	Wrong          []EvalLine    `json:"wrong"`
	// Unscored counts the lines that got an intent no line of the corpus
	// is labelled with (a drill's intent the corpus does not cover); they
	// are left out of every figure.
	Unscored map[string]int `json:"unscored,omitempty"`
}

// Evaluate runs each drill's recogniser over the corpus. drill returns the
// prepared drill of an id; a line whose drill is unknown, or labelled with
// an intent the drill does not know, is an error.
func Evaluate(lines []CorpusLine, drill func(id string) (*Drill, bool)) (*EvalReport, error) {
	stats := map[string]*IntentStats{}
	get := func(in string) *IntentStats {
		s := stats[in]
		if s == nil {
			s = &IntentStats{Intent: in, MissedAs: map[string]int{}, HitFor: map[string]int{}}
			stats[in] = s
		}
		return s
	}
	rep := &EvalReport{Lines: len(lines), Wrong: []EvalLine{}}
	labelled := map[string]bool{}
	for _, l := range lines {
		for _, in := range l.Intents {
			labelled[in] = true
		}
	}
	exact := 0
	for i, l := range lines {
		d, ok := drill(l.Drill)
		if !ok {
			return nil, fmt.Errorf("corpus line %d: unknown drill %q", i+1, l.Drill)
		}
		p := d.p
		for _, in := range l.Intents {
			if !p.known[in] {
				return nil, fmt.Errorf("corpus line %d: drill %s has no intent %q", i+1, l.Drill, in)
			}
		}
		var got []string
		for _, in := range p.match(nil, l.Text) {
			if labelled[in] {
				got = append(got, in)
			} else {
				if rep.Unscored == nil {
					rep.Unscored = map[string]int{}
				}
				rep.Unscored[in]++
			}
		}
		want := slices.Sorted(slices.Values(dedup(l.Intents)))
		var missing, extra []string
		for _, in := range want {
			s := get(in)
			s.Support++
			if slices.Contains(got, in) {
				s.TP++
			} else {
				s.FN++
				missing = append(missing, in)
			}
		}
		for _, in := range got {
			if !slices.Contains(want, in) {
				get(in).FP++
				extra = append(extra, in)
			}
		}
		for _, m := range missing {
			for _, e := range extra {
				get(m).MissedAs[e]++
			}
			if len(extra) == 0 {
				get(m).MissedAs["(nothing)"]++
			}
		}
		for _, e := range extra {
			for _, w := range want {
				get(e).HitFor[w]++
			}
			if len(want) == 0 {
				get(e).HitFor["(nothing)"]++
			}
		}
		if len(missing) == 0 && len(extra) == 0 {
			exact++
			continue
		}
		if got == nil {
			got = []string{}
		}
		rep.Wrong = append(rep.Wrong, EvalLine{Drill: l.Drill, Text: l.Text, Want: want, Got: got, Missing: missing, Extra: extra})
	}
	var tp, fp, fn int
	names := make([]string, 0, len(stats))
	for k := range stats {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		s := stats[n]
		s.Precision, s.Recall, s.F1 = prf(s.TP, s.FP, s.FN)
		tp, fp, fn = tp+s.TP, fp+s.FP, fn+s.FN
		rep.MacroPrecision += s.Precision
		rep.MacroRecall += s.Recall
		rep.MacroF1 += s.F1
		rep.Intents = append(rep.Intents, *s)
	}
	if n := float64(len(names)); n > 0 {
		rep.MacroPrecision /= n
		rep.MacroRecall /= n
		rep.MacroF1 /= n
	}
	rep.MicroPrecision, rep.MicroRecall, rep.MicroF1 = prf(tp, fp, fn)
	if len(lines) > 0 {
		rep.ExactSet = float64(exact) / float64(len(lines))
	}
	return rep, nil
}

// prf is precision, recall and F1; an empty denominator counts as 1 (no
// false hits, no misses), as is usual.
func prf(tp, fp, fn int) (p, r, f float64) {
	p, r = 1, 1
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}
