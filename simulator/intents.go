package simulator

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Intent patterns are matched case-insensitively against every line the
// trainee says, which makes them the engine's hottest path. Each pattern
// is compiled once per scenario in a form that matches lower-cased text
// case-sensitively (Go's regexp is much faster without case folding), and
// carries a prefilter: literal strings of which any match must contain at
// least one. A line that contains none of them skips the regexp.

// pattern is one compiled intent pattern.
type pattern struct {
	re    *regexp.Regexp // matches lower-cased text
	needs []string       // any match contains one of these (nil: no prefilter)

	// A pattern that is a finite set of strings, optionally between word
	// boundaries (\b(update|latest|eta)\b), is matched without the regexp.
	lits        []string
	left, right bool // \b before, after

	needIDs, litIDs []int32 // ids of needs and lits in the index's needle set
}

// intentIndex recognises every intent of a drill. One pass of a needle
// set over the line finds which literals occur; only patterns whose
// literals occur are looked at further.
type intentIndex struct {
	intents []intentMatcher // sorted by name
	needles *needleSet
}

// newIntentIndex compiles the patterns of each intent; names gives the
// order.
func newIntentIndex(names []string, pats map[string][]string) (*intentIndex, error) {
	x := &intentIndex{}
	var needles []string
	ids := map[string]int32{}
	id := func(s string) int32 {
		if i, ok := ids[s]; ok {
			return i
		}
		ids[s] = int32(len(needles))
		needles = append(needles, s)
		return ids[s]
	}
	for _, n := range names {
		m := intentMatcher{name: n}
		for i, src := range pats[n] {
			pt, err := compilePattern(src)
			if err != nil {
				return nil, &patternError{intent: n, index: i, err: err}
			}
			for _, s := range pt.needs {
				pt.needIDs = append(pt.needIDs, id(s))
			}
			for _, s := range pt.lits {
				pt.litIDs = append(pt.litIDs, id(s))
			}
			m.patterns = append(m.patterns, pt)
		}
		if len(m.patterns) > 0 {
			x.intents = append(x.intents, m)
		}
	}
	x.needles = newNeedleSet(needles)
	return x, nil
}

type patternError struct {
	intent string
	index  int
	err    error
}

func (e *patternError) Error() string {
	return "intent " + e.intent + " pattern " + strconv.Itoa(e.index+1) + ": " + e.err.Error()
}

func (e *patternError) Unwrap() error { return e.err }

// match appends to dst the intents recognised in text that dst lacks.
func (x *intentIndex) match(dst []string, text string) []string {
	lower := strings.ToLower(text)
	var small [4]uint64
	found := small[:]
	if w := (x.needles.n + 63) / 64; w > len(small) {
		found = make([]uint64, w)
	}
	x.needles.find(lower, found)
	has := func(id int32) bool { return found[id>>6]&(1<<(id&63)) != 0 }
	for i := range x.intents {
		m := &x.intents[i]
		if slices.Contains(dst, m.name) {
			continue
		}
	patterns:
		for j := range m.patterns {
			p := &m.patterns[j]
			if p.needIDs != nil {
				any := false
				for _, id := range p.needIDs {
					if has(id) {
						any = true
						break
					}
				}
				if !any {
					continue
				}
			}
			if p.lits != nil {
				for k, lit := range p.lits {
					if has(p.litIDs[k]) && p.matchLit(lower, lit) {
						dst = append(dst, m.name)
						break patterns
					}
				}
				continue
			}
			if p.re.MatchString(lower) {
				dst = append(dst, m.name)
				break
			}
		}
	}
	return dst
}

// intentMatcher recognises one intent.
type intentMatcher struct {
	name     string
	patterns []pattern
}

func (m *intentMatcher) match(lower string) bool {
	for i := range m.patterns {
		p := &m.patterns[i]
		if p.needs != nil && !containsAny(lower, p.needs) {
			continue
		}
		if p.lits != nil {
			if p.matchLits(lower) {
				return true
			}
			continue
		}
		if p.re.MatchString(lower) {
			return true
		}
	}
	return false
}

// matchLits reports whether some occurrence of one of the literals sits
// at the word boundaries the pattern asks for.
func (p *pattern) matchLits(s string) bool {
	for _, lit := range p.lits {
		if p.matchLit(s, lit) {
			return true
		}
	}
	return false
}

// matchLit reports whether an occurrence of lit sits at the boundaries.
func (p *pattern) matchLit(s, lit string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], lit)
		if i < 0 {
			return false
		}
		i += off
		if (!p.left || boundary(s, i)) && (!p.right || boundary(s, i+len(lit))) {
			return true
		}
		off = i + 1
	}
}

// boundary is regexp's \b at byte offset i: an ASCII word character on
// exactly one side.
func boundary(s string, i int) bool {
	before := i > 0 && isWord(s[i-1])
	after := i < len(s) && isWord(s[i])
	return before != after
}

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// compilePattern compiles an author's intent pattern for lower-cased text.
func compilePattern(src string) (pattern, error) {
	re, err := syntax.Parse(src, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return pattern{}, err
	}
	lowered := true
	lowerLiterals(re, &lowered)
	if !lowered {
		// Non-ASCII literals: keep case folding and no prefilter.
		r, err := regexp.Compile("(?i)" + src)
		return pattern{re: r}, err
	}
	r, err := regexp.Compile(re.String())
	if err != nil {
		return pattern{}, err
	}
	simple := re.Simplify()
	_, needs := literalSets(simple)
	if len(needs) == 0 || containsEmpty(needs) {
		needs = nil
	}
	pt := pattern{re: r, needs: needs}
	pt.lits, pt.left, pt.right = finitePattern(simple)
	return pt, nil
}

// finitePattern recognises [\b] X [\b] where X matches a finite set of
// non-empty strings; lits is nil otherwise.
func finitePattern(re *syntax.Regexp) (lits []string, left, right bool) {
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if len(subs) > 0 && subs[0].Op == syntax.OpWordBoundary {
		left, subs = true, subs[1:]
	}
	if len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpWordBoundary {
		right, subs = true, subs[:len(subs)-1]
	}
	if len(subs) == 0 {
		return nil, false, false
	}
	set := []string{""}
	for _, s := range subs {
		e := finiteSet(s)
		if e == nil || len(set)*len(e) > 32 {
			return nil, false, false
		}
		set = product(set, e)
	}
	if containsEmpty(set) {
		return nil, false, false
	}
	return set, left, right
}

// finiteSet is the set of strings re matches when it is finite and small,
// with no assertions; else nil.
func finiteSet(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpEmptyMatch:
		return []string{""}
	case syntax.OpCapture:
		return finiteSet(re.Sub[0])
	case syntax.OpQuest:
		e := finiteSet(re.Sub[0])
		if e == nil {
			return nil
		}
		return append(e, "")
	case syntax.OpCharClass:
		return classSet(re)
	case syntax.OpAlternate:
		var set []string
		for _, s := range re.Sub {
			e := finiteSet(s)
			if e == nil || len(set)+len(e) > 32 {
				return nil
			}
			set = append(set, e...)
		}
		return set
	case syntax.OpConcat:
		set := []string{""}
		for _, s := range re.Sub {
			e := finiteSet(s)
			if e == nil || len(set)*len(e) > 32 {
				return nil
			}
			set = product(set, e)
		}
		return set
	}
	return nil
}

// classSet is the set of strings a character class matches when it is
// at most 4 ASCII characters; else nil.
func classSet(re *syntax.Regexp) []string {
	var set []string
	for i := 0; i+1 < len(re.Rune); i += 2 {
		for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
			if len(set) >= 4 || r >= utf8.RuneSelf {
				return nil
			}
			set = append(set, string(r))
		}
	}
	return set
}

// lowerLiterals turns case-folded ASCII literals into lower-case
// case-sensitive ones. ok becomes false when a folded literal is not ASCII.
func lowerLiterals(re *syntax.Regexp, ok *bool) {
	if re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase != 0 {
		for i, r := range re.Rune {
			if r >= utf8.RuneSelf {
				*ok = false
				return
			}
			if r >= 'A' && r <= 'Z' {
				re.Rune[i] = r + 'a' - 'A'
			}
		}
		re.Flags &^= syntax.FoldCase
	}
	for _, s := range re.Sub {
		lowerLiterals(s, ok)
	}
}

// maxSet bounds the literal sets the analysis builds.
const maxSet = 24

// literalSets returns, for a (simplified) regexp: exact, the set of all
// strings it can match when that set is small and known (else nil); and
// needs, strings of which every match contains at least one (nil: none
// known).
func literalSets(re *syntax.Regexp) (exact, needs []string) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, nil
		}
		s := string(re.Rune)
		return []string{s}, []string{s}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, nil
	case syntax.OpCharClass:
		return classSet(re), nil
	case syntax.OpCapture:
		return literalSets(re.Sub[0])
	case syntax.OpQuest:
		e, _ := literalSets(re.Sub[0])
		if e != nil && len(e) < maxSet {
			return append(e, ""), nil
		}
		return nil, nil
	case syntax.OpPlus:
		e, n := literalSets(re.Sub[0])
		if n == nil {
			n = e
		}
		return nil, n
	case syntax.OpRepeat:
		e, n := literalSets(re.Sub[0])
		if re.Min == 0 {
			return nil, nil
		}
		if n == nil {
			n = e
		}
		if re.Min == 1 && re.Max == 1 {
			return e, n
		}
		return nil, n
	case syntax.OpAlternate:
		var exact, needs []string
		exactOK, needsOK := true, true
		for _, s := range re.Sub {
			e, n := literalSets(s)
			if n == nil {
				n = e
			}
			if e == nil {
				exactOK = false
			}
			if n == nil || containsEmpty(n) {
				needsOK = false
			}
			exact = append(exact, e...)
			needs = append(needs, n...)
		}
		if !exactOK || len(exact) > maxSet {
			exact = nil
		}
		if !needsOK || len(needs) > maxSet {
			needs = nil
		}
		return exact, needs
	case syntax.OpConcat:
		// Adjacent exact children combine while the product stays small
		// (h(?:ello|i) gives hello, hi); the best candidate set wins.
		acc := []string{""}
		var best []string
		consider := func(set []string) {
			if set == nil || containsEmpty(set) {
				return
			}
			if best == nil || betterSet(set, best) {
				best = set
			}
		}
		whole := true // acc still covers every child
		for _, s := range re.Sub {
			e, n := literalSets(s)
			if e != nil && len(acc)*len(e) <= 4 {
				acc = product(acc, e)
				continue
			}
			whole = false
			consider(acc)
			consider(n)
			if e == nil {
				acc = []string{""}
			} else {
				acc = e
			}
		}
		consider(acc)
		if !whole {
			return nil, best
		}
		return acc, best
	}
	return nil, nil
}

// betterSet prefers sets of strings of at least 3 bytes, then fewer
// strings, then longer ones: each string costs a substring search.
func betterSet(a, b []string) bool {
	ga, gb := minLen(a) >= 3, minLen(b) >= 3
	if ga != gb {
		return ga
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return minLen(a) > minLen(b)
}

func product(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

func containsEmpty(set []string) bool {
	for _, s := range set {
		if s == "" {
			return true
		}
	}
	return false
}

func minLen(set []string) int {
	m := -1
	for _, s := range set {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}
