package simulator

import (
	"regexp"
	"strings"
	"testing"
)

var patternCorpus = []string{
	`\b(hello|hi|good (morning|afternoon|evening))\b`, "you're through to", `\b(sorry|apologi[sz]e)\b`,
	`(phone|contact|callback|call back|mobile) number`, `(don't|do not|avoid) (touch|use|switch|turn|light|operate)`,
	`(no|avoid) (naked )?flames?`, `(turn|switch) off .*(gas|supply|meter|mains)`, `\b(update|latest|eta|on (their|its) way)\b`,
	`stay (away|clear|back)`, `^ok$`, `\bETA\b`, `Flat [0-9]+`, `a\b`, `\bx`, `colou?r`, `(?i)CASE`, `\d{3}`, `naïve`, `[ab][cd]`,
}

var textCorpus = []string{
	"Hello, you're through to the gas line", "hi", "this", "Hi!", "HELLO there", "shi", "good evening sir",
	"ETA 5 minutes", "theta", "the eta?", "Update: they're on their way", "updates", "Don't touch it", "DO NOT USE",
	"no flame", "No naked flames please", "avoid flames", "turn off the gas at the meter", "switch off x", "stay back!",
	"ok", "OK", "okay", "Flat 12", "flat x", "a", "ba", "x1", "1x", "colour", "COLOR", "case", "123", "12", "NAÏVE", "naive",
	"ac", "BD", "", "   ", "phone number?", "Call Back number", "sorry", "apologise", "APOLOGIZE", "apologised",
}

// The fast matcher (lower-cased text, literal prefilters, literal sets)
// must agree with the plain case-insensitive regexp.
func TestIntentPatternsAgreeWithRegexp(t *testing.T) {
	for _, src := range patternCorpus {
		p, err := compilePattern(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		ref := regexp.MustCompile("(?i)" + src)
		m := intentMatcher{patterns: []pattern{p}}
		for _, text := range textCorpus {
			if got, want := m.match(strings.ToLower(text)), ref.MatchString(text); got != want {
				t.Errorf("pattern %q on %q: got %v, want %v (lits %v needs %v)", src, text, got, want, p.lits, p.needs)
			}
		}
	}
}

func FuzzIntentPattern(f *testing.F) {
	for i, src := range patternCorpus {
		f.Add(src, textCorpus[i%len(textCorpus)])
	}
	f.Fuzz(func(t *testing.T, src, text string) {
		ref, err := regexp.Compile("(?i)" + src)
		if err != nil {
			return
		}
		p, err := compilePattern(src)
		if err != nil {
			t.Fatalf("regexp accepts %q, compilePattern does not: %v", src, err)
		}
		m := intentMatcher{patterns: []pattern{p}}
		lower := strings.ToLower(text)
		if lower != strings.ToLower(strings.ToUpper(text)) || strings.ToUpper(lower) != strings.ToUpper(text) {
			return // text whose case does not round-trip (non-ASCII folds)
		}
		for _, r := range text {
			if r >= 0x80 {
				return
			}
		}
		want := ref.MatchString(text)
		if got := m.match(lower); got != want {
			t.Errorf("pattern %q on %q: got %v, want %v (lits %v needs %v)", src, text, got, want, p.lits, p.needs)
		}
		x, err := newIntentIndex([]string{"x"}, map[string][]string{"x": {src}})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(x.match(nil, text)) == 1; got != want {
			t.Errorf("index: pattern %q on %q: got %v, want %v", src, text, got, want)
		}
	})
}

// The drill-wide index (needle set, then patterns) must agree with plain
// case-insensitive regexps, intent by intent.
func TestIntentIndexAgreesWithRegexp(t *testing.T) {
	pats := map[string][]string{}
	var names []string
	for i, src := range patternCorpus {
		name := string(rune('a' + i%7))
		if len(pats[name]) == 0 {
			names = append(names, name)
		}
		pats[name] = append(pats[name], src)
	}
	sortStrings(names)
	x, err := newIntentIndex(names, pats)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range textCorpus {
		got := x.match(nil, text)
		var want []string
		for _, n := range names {
			for _, src := range pats[n] {
				if regexp.MustCompile("(?i)" + src).MatchString(text) {
					want = append(want, n)
					break
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
}

func TestNeedleSet(t *testing.T) {
	needles := []string{"he", "she", "his", "hers", "update", "date", "a"}
	ns := newNeedleSet(needles)
	for _, text := range []string{"ushers", "updated", "", "zzz", "his date", "a"} {
		found := make([]uint64, 1)
		ns.find(text, found)
		for id, n := range needles {
			if got, want := found[0]&(1<<id) != 0, strings.Contains(text, n); got != want {
				t.Errorf("%q in %q: got %v, want %v", n, text, got, want)
			}
		}
	}
}
