package simulator

// The recogniser's line scoring as it was before it was made cheaper
// (issue 21), kept word for word as the reference that
// TestScoreLineMatchesReference compares the optimised code with, bit for
// bit: reading the line (with its stemming), its segments, weights and
// the scan of the examples. Only the names changed (ref...). What the
// change left as it was (segFeatures, countInto, correct, similarity,
// decide, matchScored, lowerCase for text that is not ASCII: lowerRunes)
// is shared. TestModelMatchesReference checks the
// model it reads (examples' weights and lengths) against the same.

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func refAnalyse(text string, st *stemmer, correct corrector) analysis {
	if len(text) > maxLineBytes {
		text = text[:maxLineBytes]
	}
	var a analysis
	start := 0
	for i := 0; i <= len(text) && len(a.sentences) < maxSentences; i++ {
		if i < len(text) && !isSentenceEnd(text, i) {
			continue
		}
		if s, ok := refReadSentence(text[start:min(i+1, len(text))], st, correct); ok {
			a.sentences = append(a.sentences, s)
		}
		start = i + 1
	}
	return a
}

func refReadSentence(text string, st *stemmer, correct corrector) (sentence, bool) {
	s := sentence{text: strings.TrimSpace(text)}
	s.question = strings.HasSuffix(strings.TrimRight(s.text, " \"'"), "?")
	var piece []word
	var mark byte
	sinceIf := 0 // words since the condition that opened the scope
	first := true
	flush := func() {
		if len(piece) > 0 {
			s.pieces = append(s.pieces, piece)
		}
		piece, mark = nil, 0
	}
	lower, caps := lowerRunes(text)
	if strings.Contains(lower, "in case") {
		// Same length, so caps still lines up.
		lower = strings.ReplaceAll(lower, "in case ", "incase  ")
	}
	for i := 0; i < len(lower); {
		c := lower[i]
		if c == ',' || c == ':' || c == '(' || c == ')' || c == '-' && i+1 < len(lower) && lower[i+1] == ' ' {
			flush()
			i++
			continue
		}
		if c == '{' { // {name} in an example stands for any name
			if j := strings.IndexByte(lower[i:], '}'); j > 0 {
				piece = append(piece, word{raw: lower[i : i+j+1], stem: "#name", mark: mark})
				first = false
				i += j + 1
				continue
			}
		}
		if !isWordByte(c) {
			i += skipNonWord(lower, i)
			continue
		}
		capital := !first && caps[i]
		j := i
		for j < len(lower) && (isWordByte(lower[j]) || isApostrophe(lower, j) || isDecimalPoint(lower, j)) {
			if lower[j] == 0xe2 { // ’ is three bytes
				j += 3
			} else {
				j++
			}
		}
		tok := strings.ReplaceAll(strings.ReplaceAll(lower[i:j], "’", "'"), "‘", "'")
		i = j
		tok = strings.Trim(tok, "'")
		if tok == "" {
			continue
		}
		words := refExpand(tok)
		if first {
			// "Don't use the lift" starts with do but asks nothing.
			s.question = s.question || questionStarts[words[0]] && !(len(words) > 1 && words[1] == "not")
			first = false
		}
		for _, w := range words {
			if w == "" { // "n't" alone
				continue
			}
			if joiners[w] {
				flush()
				if !conditions[w] {
					continue
				}
			}
			if m, ok := spellings[w]; ok {
				w = m
			}
			w = correct(w, capital)
			for _, part := range strings.Fields(w) { // a mapping may give two words
				stem := refStem(st, part)
				if negators[part] || stem == "not" {
					mark = 'n'
					piece = append(piece, word{raw: part, stem: "not"})
					continue
				}
				if conditions[part] {
					// "Do you know if...", "check whether...": an embedded
					// question, not a condition.
					if n := len(piece); n == 0 || !knowing[piece[n-1].stem] {
						mark, sinceIf = 'h', 0
					}
					continue
				}
				if mark == 'h' && (scopeEnds[stem] || subjects[stem] && sinceIf > 0) {
					mark = 0
				}
				sinceIf++
				if stem == "" {
					continue
				}
				piece = append(piece, word{raw: part, stem: stem, mark: mark})
			}
		}
	}
	flush()
	return s, len(s.pieces) > 0
}

func refExpand(tok string) []string {
	if e, ok := contractions[tok]; ok {
		return strings.Fields(e)
	}
	if strings.HasSuffix(tok, "n't") {
		return []string{strings.TrimSuffix(tok, "n't"), "not"}
	}
	for _, suf := range []string{"'re", "'ve", "'ll", "'d", "'m"} {
		if strings.HasSuffix(tok, suf) {
			return []string{strings.TrimSuffix(tok, suf)}
		}
	}
	if strings.HasSuffix(tok, "'s") {
		return []string{strings.TrimSuffix(tok, "'s")}
	}
	return []string{tok}
}

func refWeigh(r *recogniser, v []fw) ([]fw, float64) {
	var norm2 float64
	for i := range v {
		id, ok := r.feats[v[i].f]
		idf := r.unknown
		if ok {
			idf = r.idf[id]
		} else {
			id = -1
		}
		w := idf
		if isFunction(v[i].f) {
			w = float64(w * functionWeight) // grammar weighs less
		}
		if strings.IndexByte(v[i].f, ' ') >= 0 {
			w = float64(w * pairWeight)
		}
		if tf := v[i].w; tf > 1 {
			w = float64(w * quantise(1+math.Log(tf)))
		} else {
			w = float64(w * tf)
		}
		v[i].id, v[i].w = id, w
		norm2 = float64(norm2 + float64(w*w))
	}
	return v, norm2
}

func refScoreLine(r *recogniser, text string) scored {
	a := refAnalyse(text, &r.st, r.correct)
	sc := scored{a: a, segs: refSegments(a)}
	sc.score = make([][]segScore, len(sc.segs))
	rows := make([]segScore, len(sc.segs)*len(r.intents))
	sims := make([]float64, len(r.examples))
	content := make([]bool, len(r.examples)) // shares a word that is not grammar
	for si, sg := range sc.segs {
		fs := sg.features(nil, a)
		v, seg2 := refWeigh(r, countInto(nil, fs))
		clear(sims)
		clear(content)
		for _, x := range v {
			if x.id < 0 {
				continue
			}
			// Only what is said outright makes a match: a condition
			// alone ("if it gets worse") carries no intent.
			c := r.content[x.id] && x.solid
			for _, p := range r.postings[x.id] {
				sims[p.ex] = float64(sims[p.ex] + float64(x.w*p.w))
				content[p.ex] = content[p.ex] || c
			}
		}
		row := rows[si*len(r.intents) : (si+1)*len(r.intents) : (si+1)*len(r.intents)]
		for i := range row {
			row[i] = segScore{posEx: -1, negEx: -1, seg: si}
		}
		for ei, dot := range sims {
			if dot == 0 || !content[ei] || int32(ei) == r.skip {
				continue
			}
			ex := &r.examples[ei]
			s := similarity(dot, ex.norm2, seg2)
			c := &row[ex.intent]
			if ex.counter {
				if s > c.neg {
					c.neg, c.negEx = s, int32(ei)
				}
			} else if s > c.pos {
				c.pos, c.posEx = s, int32(ei)
			}
		}
		sc.score[si] = row
	}
	return sc
}

func refMatch(r *recogniser, dst []string, text string) []string {
	if len(text) > maxLineBytes {
		text = text[:maxLineBytes]
	}
	var sc *scored
	if len(r.examples) > 0 {
		s := refScoreLine(r, text)
		sc = &s
	}
	return r.matchScored(dst, text, sc)
}

func refSegments(a analysis) []segment {
	var segs []segment
	defer func() {
		if len(a.sentences) > 1 {
			segs = append(segs, segment{sent: -1})
		}
	}()
	for si, s := range a.sentences {
		n := len(s.pieces)
		for i := range n {
			segs = append(segs, segment{sent: si, from: i, to: i + 1})
		}
		for i := 0; i+1 < n; i++ {
			segs = append(segs, segment{sent: si, from: i, to: i + 2})
		}
		if n > 2 {
			segs = append(segs, segment{sent: si, from: 0, to: n})
		}
	}
	return segs
}

func refStem(s *stemmer, w string) string {
	if st, ok := s.known[w]; ok {
		return st
	}
	st := stemWord(w)
	if s.fill {
		s.known[w] = st
	}
	return st
}

// refLines are the lines the optimised recogniser is compared on: every
// line of both labelled corpora, and variants of them that exercise
// questions, negation, conditions, capitals, several sentences and typos.
func refLines(t testing.TB) []CorpusLine {
	t.Helper()
	var out []CorpusLine
	for _, f := range []string{"testdata/intents/corpus-dev.jsonl", "testdata/intents/corpus-heldout.jsonl"} {
		out = append(out, readCorpusFile(t, f)...)
	}
	n := len(out)
	for i := range n {
		l, next := out[i], out[(i+1)%n]
		for _, v := range []string{
			strings.ToUpper(l.Text),
			strings.ToLower(l.Text),
			"If it gets worse, " + l.Text,
			"Don't worry, " + l.Text + " and then call me back?",
			l.Text + " " + next.Text,
			l.Text + "; " + strings.TrimRight(next.Text, ".?!") + ", in case the " + l.Text,
			strings.ReplaceAll(strings.ReplaceAll(l.Text, "a", "e"), "'", "’"),
			l.Text[:len(l.Text)/2],
		} {
			out = append(out, CorpusLine{Drill: l.Drill, Text: v})
		}
	}
	return out
}

// sameScored reports where a differs from the reference b, bit for bit.
func sameScored(a, b scored) string {
	if !reflect.DeepEqual(a.a, b.a) {
		return fmt.Sprintf("analysis %+v, reference %+v", a.a, b.a)
	}
	if !slices.Equal(a.segs, b.segs) {
		return fmt.Sprintf("segments %v, reference %v", a.segs, b.segs)
	}
	if len(a.score) != len(b.score) {
		return fmt.Sprintf("%d score rows, reference %d", len(a.score), len(b.score))
	}
	for si := range a.score {
		if len(a.score[si]) != len(b.score[si]) {
			return fmt.Sprintf("segment %d: %d intents, reference %d", si, len(a.score[si]), len(b.score[si]))
		}
		for i, x := range a.score[si] {
			y := b.score[si][i]
			if math.Float64bits(x.pos) != math.Float64bits(y.pos) || math.Float64bits(x.neg) != math.Float64bits(y.neg) ||
				x.posEx != y.posEx || x.negEx != y.negEx || x.seg != y.seg {
				return fmt.Sprintf("segment %d intent %d: %+v, reference %+v", si, i, x, y)
			}
		}
	}
	return ""
}

// The optimised scoring gives every score, example and intent of the
// reference, bit for bit, on every corpus line and its variants, against
// the line's own drill and another, and with examples left out as the
// lints leave them out.
func TestScoreLineMatchesReference(t *testing.T) {
	ds, err := libraryDrills()
	if err != nil {
		t.Fatal(err)
	}
	ids := slices.Sorted(maps.Keys(ds))
	lines := refLines(t)
	if testing.Short() {
		lines = lines[:len(lines)/8]
	}
	for i, l := range lines {
		drills := []string{l.Drill}
		if i%3 == 0 {
			drills = append(drills, ids[i%len(ids)])
		}
		for _, id := range drills {
			r := ds[id].p.intents
			check := func(r *recogniser) {
				t.Helper()
				if d := sameScored(r.scoreLine(l.Text), refScoreLine(r, l.Text)); d != "" {
					t.Fatalf("%s, skip %d, %q: %s", id, r.skip, l.Text, d)
				}
				if got, want := r.match(nil, l.Text), refMatch(r, nil, l.Text); !slices.Equal(got, want) {
					t.Fatalf("%s, skip %d, %q: intents %v, reference %v", id, r.skip, l.Text, got, want)
				}
			}
			check(r)
			if i%5 == 0 {
				// Leave out the nearest example (or counterexample) of
				// the line, as the lints do.
				best, skip := 0.0, int32(-1)
				for _, row := range refScoreLine(r, l.Text).score {
					for _, s := range row {
						if i%2 == 0 && s.pos > best {
							best, skip = s.pos, s.posEx
						} else if i%2 == 1 && s.neg > best {
							best, skip = s.neg, s.negEx
						}
					}
				}
				if skip >= 0 {
					r2 := *r
					r2.skip = skip
					check(&r2)
				}
			}
		}
	}
}

func FuzzScoreLineMatchesReference(f *testing.F) {
	for _, s := range []string{"Don't use the lift", "If we get cut off, what number?", "Sorry, which floor?", "{name}", "’‘", "a.b.c", "\xff\xfe", "İ", "If you call if you call, call", "Ring the AMBULNCE now. Is he brething? and then",
		"Don't, can't't n't it’s ‘tis", "In case it In case", "A\u00a0B", "x\u0085y call", "ÀB Cd Ém", "Ok u r gonna be ok, cheers"} {
		f.Add(s)
	}
	d := libraryDrill(f, "gas-smell-flats")
	r := d.p.intents
	f.Fuzz(func(t *testing.T, text string) {
		if diff := sameScored(r.scoreLine(text), refScoreLine(r, text)); diff != "" {
			t.Fatalf("%q: %s", text, diff)
		}
	})
}

// Equal scores go to the first example, as the reference's scan in order
// gives them, and a feature an example has twice (said outright and in a
// condition, with a key sorting between: "call back if you call") adds
// twice: a model of many like examples, with duplicates and reorderings,
// where features are in most examples and scores tie.
func TestScoreLineTiesMatchReference(t *testing.T) {
	nouns := []string{"engineer", "ambulance", "supplier", "neighbour", "manager", "driver", "plumber", "doctor"}
	src := intentSource{examples: map[string][]string{}, counters: map[string][]string{}}
	var lines []string
	for i := range 96 {
		n, m := nouns[i%len(nouns)], nouns[(i/len(nouns))%len(nouns)]
		intent := fmt.Sprintf("intent%d", i%5)
		text := fmt.Sprintf("I will call the %s now and tell the %s", n, m)
		switch i % 4 {
		case 1:
			text = fmt.Sprintf("tell the %s and I will call the %s now", m, n) // the same words
		case 2:
			text = fmt.Sprintf("call back the %s if you call the %s", n, m)
		case 3:
			text = fmt.Sprintf("Will you call the %s now?", n)
		}
		if i%6 == 5 {
			src.counters[intent] = append(src.counters[intent], text, text)
		} else {
			src.examples[intent] = append(src.examples[intent], text, text)
		}
		lines = append(lines, text, strings.ToUpper(text), "If the "+m+" calls, "+text, text+". Call the "+n+" back")
	}
	r, err := newRecogniser(src)
	if err != nil {
		t.Fatal(err)
	}
	dense := 0
	for _, c := range r.denseCol {
		if c >= 0 {
			dense++
		}
	}
	if dense == 0 {
		t.Fatal("no feature read from the dense columns")
	}
	ties := 0
	for _, l := range lines {
		got, want := r.scoreLine(l), refScoreLine(r, l)
		if d := sameScored(got, want); d != "" {
			t.Fatalf("%q: %s", l, d)
		}
		for _, row := range want.score {
			for _, s := range row {
				if s.posEx > 0 && r.examples[s.posEx-1].text == r.examples[s.posEx].text {
					t.Fatalf("%q: the second of two equal examples won", l)
				}
				if s.posEx >= 0 && r.examples[s.posEx+1].text == r.examples[s.posEx].text {
					ties++
				}
			}
		}
	}
	if ties == 0 {
		t.Fatal("no tie between equal examples")
	}
	// A tie where the later example is met first: "doctor" sorts before
	// "driver", and "driver now" is the first example.
	r, err = newRecogniser(intentSource{examples: map[string][]string{"x": {"driver now", "doctor now"}, "y": {"the manager"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"doctor now, driver now", "Doctor now and driver now?"} {
		got, want := r.scoreLine(l), refScoreLine(r, l)
		if d := sameScored(got, want); d != "" {
			t.Fatalf("%q: %s", l, d)
		}
		last := want.score[len(want.score)-1][0]
		if last.posEx != 0 || math.Float64bits(r.examples[0].norm2) != math.Float64bits(r.examples[1].norm2) {
			t.Fatalf("%q: no tie won by the first example: %+v", l, last)
		}
	}
}

// The model a line is scored against is the reference's: every example
// reads the same, and its weights, its squared length and the posting
// lists are what the reference's weigh gives, bit for bit.
func TestModelMatchesReference(t *testing.T) {
	ds, err := libraryDrills()
	if err != nil {
		t.Fatal(err)
	}
	ident := func(w string, _ bool) string { return w }
	for id, d := range ds {
		r := d.p.intents
		postings := make([][]posting, len(r.postings))
		for i, ex := range r.examples {
			st, refSt := stemmer{known: map[string]string{}, fill: true}, stemmer{known: map[string]string{}, fill: true}
			a, want := analyse(ex.text, &st, ident), refAnalyse(ex.text, &refSt, ident)
			if !reflect.DeepEqual(a, want) {
				t.Fatalf("%s: example %q reads %+v, reference %+v", id, ex.text, a, want)
			}
			var fs []string
			for _, s := range want.sentences {
				fs = segFeatures(fs, s, 0, len(s.pieces))
			}
			v, n2 := refWeigh(r, countInto(nil, fs))
			if math.Float64bits(n2) != math.Float64bits(ex.norm2) {
				t.Fatalf("%s: example %q: squared length %v, reference %v", id, ex.text, ex.norm2, n2)
			}
			for _, x := range v {
				if x.id >= 0 {
					postings[x.id] = append(postings[x.id], posting{ex: int32(i), w: x.w})
				}
			}
		}
		for f := range postings {
			if !slices.EqualFunc(postings[f], r.postings[f], func(a, b posting) bool {
				return a.ex == b.ex && math.Float64bits(a.w) == math.Float64bits(b.w)
			}) {
				t.Fatalf("%s: feature %d: postings %v, reference %v", id, f, r.postings[f], postings[f])
			}
		}
	}
}

// A remembered stem is the stem: every word of the corpora's lines, and
// its misspellings, stems the same from the cache as from Snowball, the
// first time and the second.
func TestLineStemsRemembered(t *testing.T) {
	n := 0
	for _, l := range refLines(t) {
		for _, w := range strings.FieldsFunc(strings.ToLower(l.Text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			for _, v := range []string{w, w + "s", w + "xyzzy"} {
				want := stemWord(v)
				if a, b := lineStem(v), lineStem(v); a != want || b != want {
					t.Fatalf("%q: stems %q then %q, Snowball %q", v, a, b, want)
				}
				n++
			}
		}
	}
	if _, ok := lineStems.Load("ambulances"); !ok {
		t.Errorf("ambulances was not remembered (%d words stemmed, %d remembered)", n, lineStemsSize.Load())
	}
}
