package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// The analytics charts are drawn here as SVG, on the server, with no
// script. Each is an image with a title and a description for screen
// readers; the numbers behind it are in a table next to it on the page,
// which is what a screen reader or a spreadsheet should read.

// bar is one bar of a horizontal bar chart.
type bar struct {
	Label string
	Value float64 // 0 to max
	Note  string  // printed after the bar
	Href  string  // optional link
}

// barChart draws horizontal bars scaled to max (100 for percentages).
func barChart(id, title, desc string, bars []bar, max float64) template.HTML {
	const labelW, barW, rowH, noteW = 260, 300, 22, 90
	if max <= 0 {
		max = 1
	}
	h := rowH*len(bars) + 8
	var b strings.Builder
	svgOpen(&b, id, title, desc, labelW+barW+noteW, h)
	for i, r := range bars {
		y := 4 + i*rowH
		w := r.Value / max * barW
		if w < 0 {
			w = 0
		}
		fmt.Fprintf(&b, `<g class="row"><text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelW-8, y+15, esc(truncate(r.Label, 40)))
		if r.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(r.Href))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="bar"><title>%s: %s</title></rect>`, labelW, y+3, w, rowH-6, esc(r.Label), esc(r.Note))
		if r.Href != "" {
			b.WriteString(`</a>`)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="note">%s</text></g>`, float64(labelW)+w+6, y+15, esc(r.Note))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// segment is one part of a stacked bar.
type segment struct {
	Label string
	Count int
}

// stackedBars draws, per row, the shares of its segments (the band
// distribution of each drill), each segment in the class band-N by its rank.
func stackedBars(id, title, desc string, labels []string, rows [][]segment) template.HTML {
	const labelW, barW, rowH = 260, 390, 24
	h := rowH*len(rows) + 8
	var b strings.Builder
	svgOpen(&b, id, title, desc, labelW+barW+10, h)
	for i, segs := range rows {
		y := 4 + i*rowH
		total := 0
		for _, s := range segs {
			total += s.Count
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelW-8, y+16, esc(truncate(labels[i], 40)))
		x := float64(labelW)
		for k, s := range segs {
			if total == 0 || s.Count == 0 {
				continue
			}
			w := float64(s.Count) / float64(total) * barW
			share := float64(s.Count) * 100 / float64(total)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" class="band-%d"><title>%s: %d (%s)</title></rect>`,
				x, y+3, w, rowH-6, min(k, 4), esc(s.Label), s.Count, formatPercent(share))
			if w > 40 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="seg seg-%d">%s</text>`, x+4, y+16, min(k, 4), esc(truncate(s.Label, int(w/7))))
			}
			x += w
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// series is a line of a line chart: one value per point, NaN-free; a
// missing point is skipped with ok false.
type point struct {
	Label string
	Value float64
	OK    bool
}

// lineChart draws values over time with an optional standard as a dashed
// horizontal line (a maximum the KPI should stay under, or a minimum it
// should reach).
func lineChart(id, title, desc string, pts []point, standard float64, standardLabel string, format func(float64) string) template.HTML {
	const w, h, left, right, top, bottom = 460, 180, 56, 12, 12, 28
	maxV := standard
	for _, p := range pts {
		if p.OK && p.Value > maxV {
			maxV = p.Value
		}
	}
	if maxV <= 0 {
		maxV = 1
	}
	maxV *= 1.1
	plotW, plotH := float64(w-left-right), float64(h-top-bottom)
	xOf := func(i int) float64 {
		if len(pts) <= 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(len(pts)-1)
	}
	yOf := func(v float64) float64 { return float64(top) + plotH*(1-v/maxV) }
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, h-bottom, w-right, h-bottom)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="tick">%s</text>`, left-4, top+8, esc(format(maxV/1.1)))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="tick">0</text>`, left-4, h-bottom)
	if len(pts) > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick">%s</text>`, left, h-8, esc(pts[0].Label))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="tick">%s</text>`, w-right, h-8, esc(pts[len(pts)-1].Label))
	}
	if standard > 0 {
		y := yOf(standard)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="standard"/><text x="%d" y="%.1f" text-anchor="end" class="standard-label">%s</text>`,
			left, y, w-right, y, w-right, y-4, esc(standardLabel))
	}
	var path strings.Builder
	for i, p := range pts {
		if !p.OK {
			continue
		}
		cmd := "L"
		if path.Len() == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, xOf(i), yOf(p.Value))
	}
	if path.Len() > 0 {
		fmt.Fprintf(&b, `<path d="%s" class="line"/>`, strings.TrimSpace(path.String()))
	}
	for i, p := range pts {
		if p.OK {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" class="dot"><title>%s: %s</title></circle>`, xOf(i), yOf(p.Value), esc(p.Label), esc(format(p.Value)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// sparkline draws a trainee's totals over attempts, with the pass mark.
func sparkline(id, title string, totals []float64, passMark float64) template.HTML {
	const w, h = 120, 28
	var b strings.Builder
	desc := make([]string, len(totals))
	for i, t := range totals {
		desc[i] = formatPercent(t)
	}
	fmt.Fprintf(&b, `<svg class="spark" id="%s" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s: %s">`,
		esc(id), w, h, w, h, esc(title), esc(strings.Join(desc, ", ")))
	y := func(v float64) float64 { return float64(h-2) - min(max(v, 0), 100)/100*float64(h-4) }
	x := func(i int) float64 {
		if len(totals) <= 1 {
			return w / 2
		}
		return 2 + float64(w-4)*float64(i)/float64(len(totals)-1)
	}
	if passMark > 0 {
		fmt.Fprintf(&b, `<line x1="0" x2="%d" y1="%.1f" y2="%.1f" class="standard"/>`, w, y(passMark), y(passMark))
	}
	var p strings.Builder
	for i, t := range totals {
		c := "L"
		if i == 0 {
			c = "M"
		}
		fmt.Fprintf(&p, "%s%.1f %.1f ", c, x(i), y(t))
	}
	fmt.Fprintf(&b, `<path d="%s" class="line"/>`, strings.TrimSpace(p.String()))
	if n := len(totals); n > 0 {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2" class="dot"/>`, x(n-1), y(totals[n-1]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func svgOpen(b *strings.Builder, id, title, desc string, w, h int) {
	fmt.Fprintf(b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" preserveAspectRatio="xMinYMin meet">`,
		esc(id), w, h, esc(id), esc(id))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

func esc(s string) string { return html.EscapeString(s) }

func truncate(s string, n int) string {
	r := []rune(s)
	if n < 2 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
