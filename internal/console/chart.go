package console

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// chartLine is one line of a chart: a CSS class and its points.
type chartLine struct {
	Class  string
	Label  string
	Points []point
}

// chartSpan is the time a chart shows: the last hour.
const chartSpan = time.Hour

// Chart geometry (SVG user units; the CSS scales it).
const (
	chartW, chartH = 320.0, 120.0
	padL, padR     = 34.0, 6.0
	padT, padB     = 22.0, 14.0
)

// chartSVG draws lines as a small SVG line chart of the hour up to end:
// a title, the y axis from 0 to a round maximum, each line's latest value.
// It is a pure function of its arguments.
func chartSVG(id, title string, end time.Time, lines []chartLine) string {
	top := niceCeil(maxValue(lines))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="chart-%s" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(id), chartW, chartH, html.EscapeString(title))
	fmt.Fprintf(&b, `<text class="title" x="%g" y="14">%s</text>`, padL, html.EscapeString(title))
	x0, x1, y0, y1 := padL, chartW-padR, chartH-padB, padT
	fmt.Fprintf(&b, `<path class="axis" d="M%g %gV%gH%g"/>`, x0, y1, y0, x1)
	fmt.Fprintf(&b, `<text class="tick" x="%g" y="%g" text-anchor="end">%s</text>`, x0-3, y1+4, number(top))
	fmt.Fprintf(&b, `<text class="tick" x="%g" y="%g" text-anchor="end">0</text>`, x0-3, y0)
	fmt.Fprintf(&b, `<text class="tick" x="%g" y="%g">-60 min</text>`, x0, chartH-2)
	fmt.Fprintf(&b, `<text class="tick" x="%g" y="%g" text-anchor="end">now</text>`, x1, chartH-2)
	legendX := chartW - padR
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if len(l.Points) > 0 {
			b.WriteString(polyline(l, end, top, x0, x1, y0, y1))
		}
		latest := "—"
		if n := len(l.Points); n > 0 {
			latest = number(l.Points[n-1].value)
		}
		label := latest
		if l.Label != "" {
			label = l.Label + " " + latest
		}
		fmt.Fprintf(&b, `<text class="value %s" x="%g" y="14" text-anchor="end">%s</text>`,
			html.EscapeString(l.Class), legendX, html.EscapeString(label))
		legendX -= 7*float64(len([]rune(label))) + 8
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// polyline draws one line's points of the hour up to end.
func polyline(l chartLine, end time.Time, top, x0, x1, y0, y1 float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<polyline class="line %s" points="`, html.EscapeString(l.Class))
	start := end.Add(-chartSpan)
	first := true
	for _, p := range l.Points {
		if p.at.Before(start) || p.at.After(end) {
			continue
		}
		x := x0 + (x1-x0)*float64(p.at.Sub(start))/float64(chartSpan)
		y := y0 - (y0-y1)*p.value/top
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(strconv.FormatFloat(x, 'f', 1, 64) + "," + strconv.FormatFloat(y, 'f', 1, 64))
	}
	b.WriteString(`"/>`)
	return b.String()
}

// maxValue is the largest value of lines' points (0 when none).
func maxValue(lines []chartLine) float64 {
	m := 0.0
	for _, l := range lines {
		for _, p := range l.Points {
			m = max(m, p.value)
		}
	}
	return m
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range [...]float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// number writes v briefly: integers as they are, others with up to two
// decimals.
func number(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
