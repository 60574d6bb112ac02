package scoring

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/drillroom/drillroom/scenarios"
)

// ruleValues is the set of rule-environment names that are plain values,
// not functions; reads of these cannot be instrumented, so they are found
// in the expression's source instead.
var ruleValues = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range scenarios.Names(scenarios.EnvRule) {
		switch n.Type.(type) {
		case float64, string, bool, int, map[string]any:
			m[n.Name] = true
		}
	}
	return m
}()

// valueNames returns the value names (t, category, truth.category, ...) an
// expression reads, in order of first use, with one level of member
// access for maps (truth.category). It scans tokens: string literals are
// skipped, and an identifier after a dot is a member, not a name.
func valueNames(src string) []string { return exprNames(src, ruleValues) }

// exprNames returns the names an expression reads, as valueNames does,
// keeping only those in keep (every name when keep is nil): functions
// called as well as values.
func exprNames(src string, keep map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	isIdent := func(b byte, first bool) bool {
		return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (!first && b >= '0' && b <= '9')
	}
	prevDot := false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			i = j + 1
			prevDot = false
		case isIdent(c, true):
			j := i
			for j < len(src) && isIdent(src[j], false) {
				j++
			}
			name := src[i:j]
			i = j
			if prevDot || (keep != nil && !keep[name]) {
				prevDot = false
				continue
			}
			if j+1 < len(src) && src[j] == '.' && isIdent(src[j+1], true) {
				k := j + 1
				for k < len(src) && isIdent(src[k], false) {
					k++
				}
				name = src[i-len(name) : k]
				i = k
			}
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
			prevDot = false
		case c == '.':
			prevDot = true
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			prevDot = false
			i++
		}
	}
	return out
}

// clockOf formats seconds of the call as the drill's clock reads (1:05),
// the one format of times in what the trainee reads.
func clockOf(sec float64) string {
	if sec < 0 {
		return "-" + scenarios.FormatClock(int64(math.Round(-sec*1000)))
	}
	return scenarios.FormatClock(int64(math.Round(sec * 1000)))
}

// wordsOf rewrites the drill's ids in an evidence note as a person reads
// them (scenarios.Scenario.Named, and the script's beats and reactions as
// their words): "first safety_advice" reads "first Safety advice".
func wordsOf(sc *scenarios.Scenario) func(string) string {
	names := sc.Named()
	for _, b := range sc.Timeline {
		names[b.ID] = scenarios.Words(b.ID)
	}
	for _, r := range sc.Reactions {
		names[r.ID] = scenarios.Words(r.ID)
	}
	return func(note string) string {
		var b strings.Builder
		word := func(r rune) bool { return r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) }
		for i := 0; i < len(note); {
			j := i
			for j < len(note) {
				r, n := utf8.DecodeRuneInString(note[j:])
				if !word(r) {
					break
				}
				j += n
			}
			if j == i {
				_, n := utf8.DecodeRuneInString(note[i:])
				b.WriteString(note[i : i+n])
				i += n
				continue
			}
			tok := note[i:j]
			if l, ok := names[tok]; ok && strings.ContainsAny(tok, "_-") {
				tok = l
			}
			b.WriteString(tok)
			i = j
		}
		return b.String()
	}
}
