package simulator

import (
	"slices"
	"strings"
)

// IntentExplanation says why a line got the intents it got.
type IntentExplanation struct {
	Text      string              `json:"text"`
	Intents   []string            `json:"intents"`
	Threshold float64             `json:"threshold"`
	Sentences []ExplainedSentence `json:"sentences"`
	Scores    []IntentEvidence    `json:"scores"` // intents that came near, best first
}

// ExplainedSentence is how the recogniser read one sentence.
type ExplainedSentence struct {
	Text     string   `json:"text"`
	Question bool     `json:"question"`
	Pieces   []string `json:"pieces"` // the features of each piece, space-separated
	Negated  []string `json:"negated,omitempty"`
	If       []string `json:"hypothetical,omitempty"`
}

// IntentEvidence is what the recogniser found for one intent.
type IntentEvidence struct {
	Intent  string  `json:"intent"`
	Verdict string  `json:"verdict"` // recognised, below threshold, countered, vetoed
	Rule    string  `json:"rule,omitempty"`
	Score   float64 `json:"score"`
	Segment string  `json:"segment,omitempty"` // the stretch of the line that scored
	Example string  `json:"example,omitempty"` // the nearest example
	Counter string  `json:"counter,omitempty"` // the nearest counterexample, when one came as near
	CScore  float64 `json:"counter_score,omitempty"`
}

// explainFloor is the lowest score explain lists.
const explainFloor = 0.25

// ExplainIntents explains how the drill's recogniser reads text.
func (d *Drill) ExplainIntents(text string) *IntentExplanation {
	return d.p.intents.explain(text)
}

func (r *recogniser) explain(text string) *IntentExplanation {
	x := &IntentExplanation{Text: text, Threshold: r.threshold, Intents: r.match(nil, text)}
	if x.Intents == nil {
		x.Intents = []string{}
	}
	lower := strings.ToLower(text)
	vetoed := r.never.match(nil, lower)
	fired := r.always.match(nil, lower)
	sc := r.scoreLine(text)
	for _, s := range sc.a.sentences {
		es := ExplainedSentence{Text: s.text, Question: s.question}
		for _, p := range s.pieces {
			var fs []string
			for _, w := range p {
				fs = append(fs, w.feature())
				switch w.mark {
				case 'n':
					es.Negated = append(es.Negated, w.raw)
				case 'h':
					es.If = append(es.If, w.raw)
				}
			}
			es.Pieces = append(es.Pieces, strings.Join(fs, " "))
		}
		x.Sentences = append(x.Sentences, es)
	}
	for i, name := range r.intents {
		ev := IntentEvidence{Intent: name}
		best, ok := r.decide(&sc, i)
		if !ok {
			// The best segment, whatever stopped it.
			for si := range sc.segs {
				if s := sc.score[si][i]; s.pos > best.pos {
					best = s
				}
			}
		}
		if best.posEx >= 0 {
			ev.Score = round3(root5(best.pos))
			ev.Example = r.examples[best.posEx].text
			ev.Segment = sc.segText(best.seg)
			for sj, other := range sc.segs {
				if n := sc.score[sj][i]; other.contains(sc.segs[best.seg]) && n.negEx >= 0 && round3(root5(n.neg)) > ev.CScore {
					ev.CScore, ev.Counter = round3(root5(n.neg)), r.examples[n.negEx].text
				}
			}
		}
		switch {
		case slices.Contains(vetoed, name):
			ev.Verdict, ev.Rule = "vetoed", "pattern (intent_never)"
		case slices.Contains(fired, name):
			ev.Verdict, ev.Rule = "recognised", "pattern (intents)"
		case ok:
			ev.Verdict, ev.Rule = "recognised", "example"
		case slices.Contains(x.Intents, name):
			ev.Verdict, ev.Rule = "recognised", "implied by "+r.impliedBy(name, x.Intents)
		case best.pos >= r.threshold5:
			ev.Verdict = "countered"
		default:
			ev.Verdict = "below threshold"
		}
		if ev.Verdict != "below threshold" || ev.Score >= explainFloor {
			x.Scores = append(x.Scores, ev)
		}
	}
	slices.SortStableFunc(x.Scores, func(a, b IntentEvidence) int {
		ra, rb := a.Verdict == "recognised", b.Verdict == "recognised"
		if ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return x
}

// segText is the words of a segment as the recogniser read them.
func (sc *scored) segText(i int) string {
	sg := sc.segs[i]
	var ws []string
	for si, s := range sc.a.sentences {
		if sg.sent >= 0 && si != sg.sent {
			continue
		}
		from, to := sg.from, sg.to
		if sg.sent < 0 {
			from, to = 0, len(s.pieces)
		}
		for _, p := range s.pieces[from:to] {
			for _, w := range p {
				ws = append(ws, w.raw)
			}
		}
	}
	return strings.Join(ws, " ")
}

func round3(f float64) float64 {
	return float64(int64(f*1000+0.5)) / 1000
}

// impliedBy names the intents among got that imply name.
func (r *recogniser) impliedBy(name string, got []string) string {
	var by []string
	for _, g := range got {
		if slices.Contains(r.implies[g], name) {
			by = append(by, g)
		}
	}
	return strings.Join(by, ", ")
}
