package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
	"github.com/drillroom/drillroom/transcript"
)

// moodChart is a server-rendered SVG line chart of the customer's mood and
// patience over the call, with the long silences shaded. The template draws
// it from these numbers; no script is involved, so it prints and reads the
// same everywhere.
type moodChart struct {
	W, H                     float64
	Left, Right, Top, Bottom float64
	PlotH                    float64
	Mood, Patience           string // polyline points
	Dots                     []chartDot
	XTicks, YTicks           []chartTick
	Silences                 []chartBand
	SilenceLimit             string
	Desc                     string
}

type chartDot struct {
	X, Y  float64
	Label string
}

type chartTick struct {
	Pos   float64
	Label string
}

type chartBand struct {
	X, W  float64
	Label string
}

// silence is a stretch of the live call in which the trainee said nothing
// to the customer for longer than the standard allows.
type silence struct {
	From, To int64 // virtual ms
	AfterSeq int64 // the event after which it began (0: the start of the call)
}

// buildMoodChart draws mood and patience from the log's mood events,
// starting from the customer's opening mood and patience, up to end (the
// virtual time the call ended).
func buildMoodChart(events []simulator.Event, mood0, patience0 float64, end int64, silences []silence, limit int64) *moodChart {
	c := &moodChart{W: 900, H: 240, Left: 40, Right: 888, Top: 10, Bottom: 214}
	c.PlotH = c.Bottom - c.Top
	if end <= 0 {
		end = 1000
	}
	x := func(t int64) float64 { return round1(c.Left + (c.Right-c.Left)*float64(t)/float64(end)) }
	y := func(v float64) float64 {
		v = min(max(v, 0), 100)
		return round1(c.Bottom - c.PlotH*v/100)
	}
	var mood, pat strings.Builder
	point := func(b *strings.Builder, t int64, v float64) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(fmtFloat(x(t)) + "," + fmtFloat(y(v)))
	}
	m, p := mood0, patience0
	point(&mood, 0, m)
	point(&pat, 0, p)
	lo, hi, last := m, m, m
	changes := 0
	for _, ev := range events {
		if ev.Type != simulator.EvMood || ev.T > end {
			continue
		}
		if ev.Mood != nil && *ev.Mood != m {
			point(&mood, ev.T, m)
			m = *ev.Mood
			point(&mood, ev.T, m)
			label := fmt.Sprintf("%s: mood %s", transcript.Clock(ev.T), fmtFloat(round1(m)))
			if ev.Reason != "" {
				label += " (" + transcript.MoodReason(ev.Reason) + ")"
			}
			c.Dots = append(c.Dots, chartDot{X: x(ev.T), Y: y(m), Label: label})
			lo, hi, last = min(lo, m), max(hi, m), m
			changes++
		}
		if ev.Patience != nil && *ev.Patience != p {
			point(&pat, ev.T, p)
			p = *ev.Patience
			point(&pat, ev.T, p)
		}
	}
	point(&mood, end, m)
	point(&pat, end, p)
	c.Mood, c.Patience = mood.String(), pat.String()

	for _, v := range []float64{0, 25, 50, 75, 100} {
		c.YTicks = append(c.YTicks, chartTick{Pos: y(v), Label: strconv.Itoa(int(v))})
	}
	step := tickStep(end)
	for t := int64(0); t <= end; t += step {
		c.XTicks = append(c.XTicks, chartTick{Pos: x(t), Label: transcript.Clock(t)})
	}
	for _, s := range silences {
		c.Silences = append(c.Silences, chartBand{X: x(s.From), W: round1(x(s.To) - x(s.From)),
			Label: fmt.Sprintf("Silence %s to %s", transcript.Clock(s.From), transcript.Clock(s.To))})
	}
	c.SilenceLimit = formatSeconds(float64(limit) / 1000)
	c.Desc = fmt.Sprintf("Mood started at %s and ended at %s (lowest %s, highest %s) over %s, with %d changes and %d long silences.",
		fmtFloat(round1(mood0)), fmtFloat(round1(last)), fmtFloat(round1(lo)), fmtFloat(round1(hi)),
		transcript.Clock(end), changes, len(silences))
	return c
}

// tickStep picks an x-axis interval that gives at most ten labels.
func tickStep(end int64) int64 {
	for _, s := range []int64{15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3} {
		if end/s <= 10 {
			return s
		}
	}
	return 7200e3
}

func round1(f float64) float64 {
	if f < 0 {
		return -float64(int64(-f*10+0.5)) / 10
	}
	return float64(int64(f*10+0.5)) / 10
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// findSilences returns the stretches of the live call, from its start to
// its end, in which the trainee said nothing to the customer for longer
// than limit. A line to the customer is a say action, or a hold that was
// announced with words.
func findSilences(events []simulator.Event, end int64, limit int64) []silence {
	var out []silence
	from, fromSeq := int64(0), int64(0)
	for _, ev := range events {
		if ev.T > end {
			break
		}
		if ev.Type != simulator.EvAction || ev.Action == nil {
			continue
		}
		spoke := ev.Action.Kind == simulator.ActSay || (ev.Action.Kind == simulator.ActHold && ev.Action.Text != "")
		if !spoke || ev.Action.By == drillroom.ActorTrainer {
			continue
		}
		if ev.T-from > limit {
			out = append(out, silence{From: from, To: ev.T, AfterSeq: fromSeq})
		}
		from, fromSeq = ev.T, ev.Seq
	}
	if end-from > limit {
		out = append(out, silence{From: from, To: end, AfterSeq: fromSeq})
	}
	return out
}
