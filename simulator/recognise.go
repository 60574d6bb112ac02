package simulator

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/drillroom/drillroom/scenarios"
)

// A recogniser decides which intents a line of the trainee's carries. It
// is built once per scenario from five sources:
//
//   - examples (intent_examples) and counterexamples
//     (intent_counterexamples): the line is cut into segments (its
//     sentences, the pieces of each between commas and conjunctions,
//     adjacent pairs of pieces, and the whole line); a segment carries an
//     intent when its nearest example of the intent scores at least the
//     threshold and no counterexample of the intent scores as much on it
//     or on a segment that contains it. The score weighs how much of the
//     example the segment covers against how much of the segment the
//     example covers (see similarity), over stems, pairs of stems and a
//     question-or-statement mark, each weighted by how few intents'
//     examples have it; a segment must share a word said outright with
//     the example, not only grammar;
//   - never patterns (intent_never): a line one matches never carries the
//     intent, whatever else says so;
//   - always patterns (intents): a line one matches carries the intent;
//   - implications (intent_implies): an intent brings the ones it implies.
//
// Everything is computed in a fixed order from the scenario alone, so the
// same line and drill version give the same intents on every machine:
// weights are rounded to 1/1024 (math.Log may differ in its last bit
// between architectures), scores are compared without transcendental
// functions, and explicit conversions stop the compiler fusing
// multiply-adds differently per architecture.

// DefaultIntentThreshold is the similarity at which an example's intent is
// recognised when the policy does not set intent_threshold.
const DefaultIntentThreshold = 0.55

// limits on what a recogniser is built from (the loader reports examples
// beyond them).
const (
	maxExampleBytes = scenarios.MaxIntentExampleBytes
	maxExamples     = scenarios.MaxIntentExamples
)

type example struct {
	text    string
	intent  int32 // index into recogniser.intents
	counter bool
	norm2   float64 // squared length of its weight vector
}

type posting struct {
	ex int32
	w  float64
}

// recogniser is one scenario's intent model.
type recogniser struct {
	intents   []string
	examples  []example
	feats     map[string]int32
	idf       []float64
	base      []float64           // by feature id: its weight before its count (see baseWeight)
	lex       map[string]*lexWord // the words its lines mostly have, read once (see newLexicon)
	unknown   float64             // idf of a feature no example has
	postings  [][]posting
	content   []bool // by feature id: a word that is not grammar, or a pair with one
	st        stemmer
	vocab     map[string]bool // raw words of the examples
	stems     map[string]bool
	deletes   map[string]string // a vocabulary word with one letter deleted -> the word (first in order)
	always    *intentIndex
	never     *intentIndex
	implies   map[string][]string
	alwaysSrc map[string][]string // the always patterns, for lints
	skip      int32               // an example left out of scoring (-1: none), for lints
	// dense holds, for the features most examples have, every example's
	// weight (0 without it), column by column: a segment scores only the
	// few examples it shares a word with, and reads their weights for
	// these features instead of walking the long posting lists.
	denseCol   []int32 // by feature id: its column in dense, or -1
	dense      []float64
	threshold  float64
	threshold5 float64 // threshold to the fifth power, as similarity scores
	// scratch pools the buffers scoring a line needs (*lineScratch): a
	// line to the caller allocated about 10 KB of them, for every session
	// of a drill that the recogniser serves at once.
	scratch *sync.Pool
}

// lineScratch holds the working buffers of scoring a line, kept between
// lines so that a line allocates little beyond its words.
type lineScratch struct {
	ab analysisBuf
	// By example.
	sims []float64 // the segment's dot product with it
	cand []bool    // shares a word that is not grammar with the segment
	// The line's features (see lineFeatures).
	keys    []string   // each piece's features, as count sorts them
	rank    []int32    // by key: its place among the distinct keys
	pieceAt []int32    // by piece (sentences in turn): its first key; one more at the end
	sentAt  []int32    // by sentence: its first piece; one more at the end
	mark    []int32    // by sentence: the rank of its "?" or "."
	refs    []keyRef   // the keys and "?" and ".", sorted
	table   []lineFeat // by rank
	n       []int32    // by rank: how often the segment has it
	// A segment's features and candidates.
	v     []fw
	base  []float64 // by feature of v: its weight before its count
	cands []int32
	// The result.
	sc   scored
	rows []segScore
}

// lineFeat is one distinct feature key of a line: the string count sorts
// on and what weigh makes of it.
type lineFeat struct {
	f    string  // the feature without its "~"
	inc  float64 // what one occurrence counts: 1, or hypWeight for a key with "~"
	id   int32   // feature id, -1 when no example has it
	base float64 // its weight before its count (see baseWeight)
}

// intentSource is what a recogniser is built from.
type intentSource struct {
	always, never, examples, counters, implies map[string][]string
	threshold                                  float64
}

func newRecogniser(src intentSource) (*recogniser, error) {
	r := &recogniser{
		feats:     map[string]int32{},
		vocab:     map[string]bool{},
		stems:     map[string]bool{},
		deletes:   map[string]string{},
		threshold: src.threshold,
		implies:   src.implies,
		alwaysSrc: src.always,
		skip:      -1,
		st:        stemmer{known: map[string]string{}},
		scratch:   &sync.Pool{New: func() any { return new(lineScratch) }},
	}
	if r.threshold <= 0 {
		r.threshold = DefaultIntentThreshold
	}
	r.threshold5 = fifth(r.threshold)
	names := map[string]bool{}
	for _, m := range []map[string][]string{src.always, src.examples, src.counters, src.implies} {
		for k := range m {
			names[k] = true
		}
	}
	for k := range names {
		r.intents = append(r.intents, k)
	}
	sort.Strings(r.intents)

	var err error
	if r.always, err = newIntentIndex(sortedKeys(src.always), src.always); err != nil {
		return nil, err
	}
	if r.never, err = newIntentIndex(sortedKeys(src.never), src.never); err != nil {
		return nil, &neverError{err}
	}

	for i, name := range r.intents {
		for _, counter := range []bool{false, true} {
			m := src.examples
			if counter {
				m = src.counters
			}
			for _, t := range m[name] {
				if len(r.examples) >= maxExamples {
					break
				}
				if len(t) > maxExampleBytes {
					t = t[:maxExampleBytes]
				}
				r.examples = append(r.examples, example{text: t, intent: int32(i), counter: counter})
			}
		}
	}

	vecs := make([][]fw, len(r.examples))
	df := make(map[string]int, 8*len(r.examples))     // examples with the feature (the vocabulary of features)
	cf := make(map[string][]int32, 8*len(r.examples)) // classes (intent, or its counterexamples) with the feature
	memo := stemmer{known: make(map[string]string, 2*len(r.examples)), fill: true}
	for i, ex := range r.examples {
		info := readExample(ex.text, &memo)
		for _, w := range info.words {
			r.vocab[w.raw] = true
			r.stems[w.stem] = true
			r.st.known[w.raw] = w.stem
		}
		f := slices.Clone(info.feats) // weigh writes to it
		vecs[i] = f
		class := 2 * ex.intent
		if ex.counter {
			class++
		}
		for _, x := range f {
			df[x.f]++
			if c := cf[x.f]; len(c) == 0 || c[len(c)-1] != class {
				cf[x.f] = append(c, class)
			}
		}
	}
	// Feature ids in sorted order, so nothing depends on map order.
	all := sortedKeys(df)
	nc := float64(2*len(r.intents) + 1)
	r.idf = make([]float64, len(all))
	r.postings = make([][]posting, len(all))
	r.content = make([]bool, len(all))
	for i, f := range all {
		r.feats[f] = int32(i)
		r.content[i] = f != "?" && f != "." && !isFunction(f)
		// A feature weighs by how few intents' examples (or
		// counterexamples) have it: a word every intent uses says little.
		r.idf[i] = quantise(1 + math.Log(nc/float64(len(cf[f])+1)))
	}
	r.unknown = quantise((1 + math.Log(nc)) * unknownWeight)
	base := make([]float64, len(all))
	for i, f := range all {
		_, base[i] = r.baseWeight(f)
	}
	r.base = base
	for i, f := range vecs {
		v, n2 := r.weigh(f)
		r.examples[i].norm2 = n2
		for _, x := range v {
			if x.id >= 0 {
				r.postings[x.id] = append(r.postings[x.id], posting{ex: int32(i), w: x.w})
			}
		}
	}
	r.buildDense()
	r.deletes = make(map[string]string, 8*len(r.vocab))
	for w := range r.vocab {
		if len(w) < 5 {
			continue
		}
		for i := range len(w) {
			d := w[:i] + w[i+1:]
			if old, ok := r.deletes[d]; !ok || w < old {
				r.deletes[d] = w
			}
		}
	}
	r.lex = newLexicon(r.vocab, &r.st, r.correct)
	return r, nil
}

// Dense columns: features in at least denseMin examples and an eighth of
// them, at most maxDense of them (those in most examples).
const (
	denseMin = 32
	maxDense = 16
)

// buildDense fills denseCol and dense from the postings.
func (r *recogniser) buildDense() {
	r.denseCol = make([]int32, len(r.postings))
	var ids []int32
	for id, ps := range r.postings {
		r.denseCol[id] = -1
		if len(ps) < denseMin || len(ps) < len(r.examples)/8 {
			continue
		}
		// An example with the feature twice (count keeps "f" and "f~"
		// apart when a key sorts between them) adds two products; a
		// column holds one weight per example.
		once := true
		for i := 1; i < len(ps); i++ {
			once = once && ps[i].ex != ps[i-1].ex
		}
		if once {
			ids = append(ids, int32(id))
		}
	}
	slices.SortStableFunc(ids, func(a, b int32) int { return len(r.postings[b]) - len(r.postings[a]) })
	ids = ids[:min(len(ids), maxDense)]
	ne := len(r.examples)
	r.dense = make([]float64, len(ids)*ne)
	for col, id := range ids {
		r.denseCol[id] = int32(col)
		for _, p := range r.postings[id] {
			r.dense[col*ne+int(p.ex)] = p.w
		}
	}
}

type neverError struct{ err error }

func (e *neverError) Error() string { return "intent_never: " + e.err.Error() }
func (e *neverError) Unwrap() error { return e.err }

// exampleInfo is an example read for the model: its counted features and
// its words. It depends on the text alone, so it is computed once per
// text and shared by every drill whose policy has the example.
type exampleInfo struct {
	feats []fw
	words []word
}

var (
	exampleCache     sync.Map // text -> *exampleInfo
	exampleCacheSize atomic.Int64
)

// maxExampleCache bounds the texts kept: a server that loads version
// after version of drills keeps at most this many.
const maxExampleCache = 100_000

func readExample(text string, st *stemmer) *exampleInfo {
	if v, ok := exampleCache.Load(text); ok {
		return v.(*exampleInfo)
	}
	ident := func(w string, _ bool) string { return w }
	a := analyse(text, st, ident)
	info := &exampleInfo{feats: exampleFeatures(a)}
	for _, s := range a.sentences {
		for _, p := range s.pieces {
			info.words = append(info.words, p...)
		}
	}
	if exampleCacheSize.Load() < maxExampleCache {
		if _, loaded := exampleCache.LoadOrStore(text, info); !loaded {
			exampleCacheSize.Add(1)
		}
	}
	return info
}

// correct maps a word the examples do not have to one they do that is one
// edit away, when the word is long enough for that to be safe and its
// stem is unknown too ("adress", "ambulnce"); otherwise it returns w.
func (r *recogniser) correct(w string, capital bool) string {
	if w == "" || r.vocab[w] || w[0] >= '0' && w[0] <= '9' {
		return w
	}
	if capital && w != "i" {
		return "#name"
	}
	if len(w) < 6 {
		return w
	}
	if r.stems[r.st.stem(w)] {
		return w
	}
	best := ""
	consider := func(c string) {
		if c != "" && (best == "" || c < best) {
			best = c
		}
	}
	consider(r.deletes[w]) // w lacks a letter of a vocabulary word
	for i := range len(w) {
		d := w[:i] + w[i+1:]
		if r.vocab[d] {
			consider(d) // w has a letter too many
		}
		consider(r.deletes[d]) // a letter changed, or two swapped
	}
	if best == "" {
		return w
	}
	return best
}

// fw is a feature with its count or weight.
type fw struct {
	f     string
	id    int32
	w     float64
	solid bool // said outright at least once, not only in a condition's scope
}

// segment is a stretch of a sentence the model scores on its own.
type segment struct {
	sent, from, to int // pieces [from, to) of sentence sent
}

// segments lists the pieces of each sentence, adjacent pairs of pieces,
// and whole sentences of three or more pieces.
//
// The whole line (sent -1) is not a segment, though this comment once said
// it was: the first version appended it in a deferred function to a result
// that was not named, so it never reached the caller, and the library's
// examples, thresholds and calibrated scores were tuned without it. Adding
// it changes what lines are recognised (a two-sentence line can reach an
// intent neither sentence reaches), so it needs its own change and
// recalibration; contains, features and segmentVector still read sent -1.
func segments(a analysis) []segment { return appendSegments(nil, a) }

// appendSegments is segments appending to segs.
func appendSegments(segs []segment, a analysis) []segment {
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

// contains reports whether segment a contains segment b.
func (a segment) contains(b segment) bool {
	return a.sent == -1 || a.sent == b.sent && a.from <= b.from && b.to <= a.to
}

// features appends the features of segment sg of a.
func (sg segment) features(dst []string, a analysis) []string {
	if sg.sent >= 0 {
		return segFeatures(dst, a.sentences[sg.sent], sg.from, sg.to)
	}
	for _, s := range a.sentences {
		dst = segFeatures(dst, s, 0, len(s.pieces))
	}
	return dst
}

// segFeatures appends the features of pieces [from, to) of s: each word's
// feature, each adjacent pair within a piece, and "?" for a question or
// "." for a statement.
func segFeatures(dst []string, s sentence, from, to int) []string {
	for _, p := range s.pieces[from:to] {
		prev, prevHyp := "", false
		for _, w := range p {
			f := w.key()
			hyp := w.mark == 'h'
			if hyp {
				dst = append(dst, "~"+f)
			} else {
				dst = append(dst, f)
			}
			if prev != "" {
				if hyp || prevHyp {
					dst = append(dst, "~"+prev+" "+f)
				} else {
					dst = append(dst, prev+" "+f)
				}
			}
			prev, prevHyp = f, hyp
		}
	}
	if s.question {
		dst = append(dst, "?")
	} else {
		dst = append(dst, ".")
	}
	return dst
}

// exampleFeatures is the feature bag of a whole example.
func exampleFeatures(a analysis) []fw {
	var fs []string
	for _, s := range a.sentences {
		fs = segFeatures(fs, s, 0, len(s.pieces))
	}
	return count(fs)
}

// count turns a list of features into sorted (feature, count) pairs.
func count(fs []string) []fw { return countInto(nil, fs) }

// countInto is count appending to out (fs is sorted in place).
func countInto(out []fw, fs []string) []fw {
	// A hypothetical word ("~" before it) counts hypWeight of a word.
	for i, f := range fs {
		if strings.HasPrefix(f, "~") {
			fs[i] = f[1:] + "~"
		}
	}
	slices.Sort(fs)
	for _, f := range fs {
		inc := 1.0
		if strings.HasSuffix(f, "~") {
			f, inc = f[:len(f)-1], hypWeight
		}
		if n := len(out); n > 0 && out[n-1].f == f {
			out[n-1].w += inc
			out[n-1].solid = out[n-1].solid || inc == 1
			continue
		}
		out = append(out, fw{f: f, w: inc, solid: inc == 1})
	}
	return out
}

// hypWeight is how much a word in a condition's scope counts: "if you
// tether a laptop..." still suggests tethering, but less than saying it.
const hypWeight = 0.5

// weigh gives counted features their TF-IDF weights and returns the
// squared length of the vector; features no example has get id -1 (they
// count in the length).
func (r *recogniser) weigh(v []fw) ([]fw, float64) {
	var norm2 float64
	for i := range v {
		id, base := r.baseWeight(v[i].f)
		w := tfWeight(base, v[i].w)
		v[i].id, v[i].w = id, w
		norm2 = float64(norm2 + float64(w*w))
	}
	return v, norm2
}

// baseWeight is feature f's id (-1 when no example has it) and its weight
// before its count: its idf, less for grammar and for a pair of words.
func (r *recogniser) baseWeight(f string) (int32, float64) {
	id, ok := r.feats[f]
	if ok && r.base != nil {
		return id, r.base[id]
	}
	w := r.unknown
	if ok {
		w = r.idf[id]
	} else {
		id = -1
	}
	if isFunction(f) {
		w = float64(w * functionWeight) // grammar weighs less
	}
	if strings.IndexByte(f, ' ') >= 0 {
		w = float64(w * pairWeight)
	}
	return id, w
}

// tfWeight is a feature's weight from its base weight and its count.
func tfWeight(base, tf float64) float64 {
	if tf > 1 {
		return float64(base * quantise(1+math.Log(tf)))
	}
	return float64(base * tf)
}

// similarity scores a segment against an example from their dot product
// and squared lengths: c, how much of the example the segment covers, and
// p, how much of the segment the example covers, combine as c^0.6 p^0.4
// (c^0.5 p^0.5 would be the cosine). It returns the score to the fifth
// power, c³p², which orders segments and examples the same way and needs
// no transcendental function, so every machine gets the same bits (see
// fifth and root5).
func similarity(dot, ex2, seg2 float64) float64 {
	if dot <= 0 || ex2 <= 0 || seg2 <= 0 {
		return 0
	}
	c, p := min(dot/ex2, 1), min(dot/seg2, 1)
	return float64(float64(float64(c*c)*c) * float64(p*p))
}

// fifth is a score to the power five, as similarity returns it.
func fifth(x float64) float64 { return float64(float64(x*x) * float64(float64(x*x)*x)) }

// root5 turns similarity's result back into a score, for explain.
func root5(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return math.Pow(x, 0.2)
}

// unknownWeight scales the weight of a feature no example has: it dilutes
// a match, but less than a known word would.
const unknownWeight = 0.5

// quantise rounds a weight to 1/1024: math.Log may differ in its last bit
// between architectures, and a weight must not.
func quantise(x float64) float64 { return math.Round(x*1024) / 1024 }

// segScore is the best example and counterexample of one intent for one
// segment.
type segScore struct {
	pos, neg     float64
	posEx, negEx int32
	seg          int
}

// scored is a line read and scored by the model.
type scored struct {
	a     analysis
	segs  []segment
	score [][]segScore // [segment][intent]
}

// scoreLine reads and scores a line; the result is the caller's.
func (r *recogniser) scoreLine(text string) scored {
	return *r.scoreInto(new(lineScratch), text)
}

// scoreInto reads and scores a line into ls, which the result points
// into until ls scores another line.
func (r *recogniser) scoreInto(ls *lineScratch, text string) *scored {
	ls.ab.lex = r.lex
	a := ls.ab.analyse(text, &r.st, r.correct)
	sc := &ls.sc
	sc.a = a
	sc.segs = appendSegments(sc.segs[:0], a)
	ni, ne := len(r.intents), len(r.examples)
	ls.rows = slices.Grow(ls.rows[:0], len(sc.segs)*ni)[:len(sc.segs)*ni]
	sc.score = slices.Grow(sc.score[:0], len(sc.segs))[:len(sc.segs)]
	if cap(ls.sims) < ne {
		ls.sims, ls.cand = make([]float64, ne), make([]bool, ne)
	}
	sims, cand := ls.sims[:ne], ls.cand[:ne] // all zero between segments
	r.lineFeatures(ls, a)
	for si, sg := range sc.segs {
		row := ls.rows[si*ni : (si+1)*ni : (si+1)*ni]
		for i := range row {
			row[i] = segScore{posEx: -1, negEx: -1, seg: si}
		}
		sc.score[si] = row
		v, seg2 := ls.segmentVector(sg)
		// The candidates: examples that share a word said outright that
		// is not grammar with the segment; a condition alone ("if it
		// gets worse") carries no intent. No other example can score.
		cands := ls.cands[:0]
		for _, x := range v {
			if x.id < 0 || !x.solid || !r.content[x.id] {
				continue
			}
			for _, p := range r.postings[x.id] {
				if !cand[p.ex] && p.ex != r.skip {
					cand[p.ex] = true
					cands = append(cands, p.ex)
				}
			}
		}
		ls.cands = cands
		if len(cands) == 0 {
			continue
		}
		// Each candidate's dot product, summed feature by feature in the
		// segment's order as the posting lists give it, so every bit is
		// as it was when every example was summed.
		for _, x := range v {
			if x.id < 0 {
				continue
			}
			if col := r.denseCol[x.id]; col >= 0 && len(cands) < len(r.postings[x.id]) {
				ws := r.dense[int(col)*ne : (int(col)+1)*ne]
				for _, ei := range cands {
					if w := ws[ei]; w != 0 {
						sims[ei] = float64(sims[ei] + float64(x.w*w))
					}
				}
				continue
			}
			for _, p := range r.postings[x.id] {
				if cand[p.ex] {
					sims[p.ex] = float64(sims[p.ex] + float64(x.w*p.w))
				}
			}
		}
		// The nearest example and counterexample of each intent: the
		// highest score, and of equal scores the first example, as a
		// scan of the examples in order finds them.
		for _, ei := range cands {
			dot := sims[ei]
			sims[ei], cand[ei] = 0, false
			if dot == 0 {
				continue
			}
			ex := &r.examples[ei]
			s := similarity(dot, ex.norm2, seg2)
			c := &row[ex.intent]
			if ex.counter {
				if s > c.neg || s == c.neg && c.negEx >= 0 && ei < c.negEx {
					c.neg, c.negEx = s, ei
				}
			} else if s > c.pos || s == c.pos && c.posEx >= 0 && ei < c.posEx {
				c.pos, c.posEx = s, ei
			}
		}
	}
	return sc
}

// lineFeatures reads the features of every piece of a once into ls, for
// segmentVector: their keys as count sorts them (segFeatures and count
// turn "~f" into "f~"), the distinct keys in order, and what weigh makes
// of each.
func (r *recogniser) lineFeatures(ls *lineScratch, a analysis) {
	ls.keys, ls.pieceAt, ls.sentAt, ls.mark = ls.keys[:0], ls.pieceAt[:0], ls.sentAt[:0], ls.mark[:0]
	for _, s := range a.sentences {
		ls.sentAt = append(ls.sentAt, int32(len(ls.pieceAt)))
		for _, p := range s.pieces {
			ls.pieceAt = append(ls.pieceAt, int32(len(ls.keys)))
			prev, prevHyp := "", false
			for _, w := range p {
				f := w.key()
				hyp := w.mark == 'h'
				ls.keys = append(ls.keys, sortKey(f, hyp))
				if prev != "" {
					ls.keys = append(ls.keys, sortKey(prev+" "+f, hyp || prevHyp))
				}
				prev, prevHyp = f, hyp
			}
		}
	}
	ls.sentAt = append(ls.sentAt, int32(len(ls.pieceAt)))
	ls.pieceAt = append(ls.pieceAt, int32(len(ls.keys)))
	// Rank the keys: sort them (with "?" and "."), cheaply by their first
	// eight bytes first, and number the distinct ones.
	refs := ls.refs[:0]
	for i, k := range ls.keys {
		refs = append(refs, keyRef{prefix(k), k, int32(i)})
	}
	refs = append(refs, keyRef{prefix("?"), "?", -1}, keyRef{prefix("."), ".", -2})
	slices.SortFunc(refs, func(a, b keyRef) int {
		if a.pre != b.pre {
			return cmp.Compare(a.pre, b.pre)
		}
		return strings.Compare(a.k, b.k)
	})
	ls.refs = refs
	ls.rank = slices.Grow(ls.rank[:0], len(ls.keys))[:len(ls.keys)]
	ls.table = ls.table[:0]
	var q, dot int32
	for i, ref := range refs {
		if i == 0 || ref.k != refs[i-1].k {
			lf := lineFeat{f: ref.k, inc: 1}
			if strings.HasSuffix(ref.k, "~") {
				lf.f, lf.inc = ref.k[:len(ref.k)-1], hypWeight
			}
			lf.id, lf.base = r.baseWeight(lf.f)
			ls.table = append(ls.table, lf)
		}
		rank := int32(len(ls.table) - 1)
		switch ref.at {
		case -1:
			q = rank
		case -2:
			dot = rank
		default:
			ls.rank[ref.at] = rank
		}
	}
	for _, s := range a.sentences {
		if s.question {
			ls.mark = append(ls.mark, q)
		} else {
			ls.mark = append(ls.mark, dot)
		}
	}
	ls.n = slices.Grow(ls.n[:0], len(ls.table))[:len(ls.table)]
	clear(ls.n)
}

// keyRef is a key of a line (keys[at]; -1 for "?", -2 for ".") with its
// first eight bytes as a number, which order keys as the strings do.
type keyRef struct {
	pre uint64
	k   string
	at  int32
}

// prefix is the first eight bytes of s, big-endian, zero-padded: a string
// with a smaller prefix sorts first.
func prefix(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// sortKey is feature f as count sorts it: "f~" for a hypothetical one
// (segFeatures writes "~f"), f otherwise.
func sortKey(f string, hyp bool) string {
	if hyp {
		return f + "~"
	}
	if strings.HasPrefix(f, "~") {
		return f[1:] + "~"
	}
	return f
}

// segmentVector is the weighted features of segment sg and their squared
// length, as weigh(count(sg.features)) gives them, from the line's
// features in ls.
func (ls *lineScratch) segmentVector(sg segment) ([]fw, float64) {
	lo, hi := sg.sent, sg.sent+1
	if sg.sent < 0 {
		lo, hi = 0, len(ls.mark)
	}
	for si := lo; si < hi; si++ {
		p0, p1 := ls.sentAt[si], ls.sentAt[si+1] // the sentence's pieces
		if sg.sent >= 0 {
			p0, p1 = ls.sentAt[si]+int32(sg.from), ls.sentAt[si]+int32(sg.to)
		}
		for _, k := range ls.rank[ls.pieceAt[p0]:ls.pieceAt[p1]] {
			ls.n[k]++
		}
		ls.n[ls.mark[si]]++
	}
	// count's loop over the sorted keys: equal keys are neighbours, and a
	// key and its "~" form make one feature when nothing sorts between.
	v, base := ls.v[:0], ls.base[:0]
	for k, c := range ls.n {
		if c == 0 {
			continue
		}
		ls.n[k] = 0
		lf := &ls.table[k]
		for range c {
			if n := len(v); n > 0 && v[n-1].f == lf.f {
				v[n-1].w += lf.inc
				v[n-1].solid = v[n-1].solid || lf.inc == 1
				continue
			}
			v = append(v, fw{f: lf.f, id: lf.id, w: lf.inc, solid: lf.inc == 1})
			base = append(base, lf.base)
		}
	}
	ls.v, ls.base = v, base
	// weigh's loop.
	var norm2 float64
	for i := range v {
		w := tfWeight(base[i], v[i].w)
		v[i].w = w
		norm2 = float64(norm2 + float64(w*w))
	}
	return v, norm2
}

// decide returns, for intent i, the segment score that carries it, or
// false: the best segment at or above the threshold whose score beats
// every counterexample of the intent in it and in the segments that
// contain it.
func (r *recogniser) decide(sc *scored, i int) (segScore, bool) {
	best, ok := segScore{}, false
	for si, sg := range sc.segs {
		s := sc.score[si][i]
		if s.pos < r.threshold5 || ok && s.pos <= best.pos {
			continue
		}
		beaten := false
		for sj, other := range sc.segs {
			if other.contains(sg) && sc.score[sj][i].neg >= s.pos {
				beaten = true
				break
			}
		}
		if !beaten {
			best, ok = s, true
		}
	}
	return best, ok
}

// match appends to dst the intents recognised in text that dst lacks, in
// name order.
func (r *recogniser) match(dst []string, text string) []string {
	if len(text) > maxLineBytes {
		text = text[:maxLineBytes]
	}
	var sc *scored
	if len(r.examples) > 0 {
		ls := r.scratch.Get().(*lineScratch)
		defer r.scratch.Put(ls)
		sc = r.scoreInto(ls, text)
	}
	return r.matchScored(dst, text, sc)
}

// matchScored is match of text (read at most maxLineBytes) with its scores
// (nil when the model has no examples).
func (r *recogniser) matchScored(dst []string, text string, sc *scored) []string {
	lower := strings.ToLower(text)
	vetoed := r.never.match(nil, lower)
	fired := r.always.match(nil, lower)
	start := len(dst)
	for i, name := range r.intents {
		if slices.Contains(dst, name) || slices.Contains(vetoed, name) {
			continue
		}
		if slices.Contains(fired, name) {
			dst = append(dst, name)
			continue
		}
		if sc != nil {
			if _, ok := r.decide(sc, i); ok {
				dst = append(dst, name)
			}
		}
	}
	// Implied intents, unless vetoed; one level deep, so cycles are harmless.
	for _, name := range dst[start:] {
		for _, in := range r.implies[name] {
			if !slices.Contains(dst, in) && !slices.Contains(vetoed, in) {
				dst = append(dst, in)
			}
		}
	}
	slices.Sort(dst[start:])
	return dst
}

func sortedKeys[V any](m map[string]V) []string {
	out := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m)) // never nil
	slices.Sort(out)
	return out
}

// isFunction reports whether every word of feature f is a function word.
func isFunction(f string) bool {
	for f != "" {
		w := f
		if i := strings.IndexByte(f, ' '); i >= 0 {
			w, f = f[:i], f[i+1:]
		} else {
			f = ""
		}
		w = strings.TrimPrefix(w, "not_")
		if !functionWords[w] {
			return false
		}
	}
	return true
}
