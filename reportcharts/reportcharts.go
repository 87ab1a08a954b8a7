// Package reportcharts draws the report pages' charts as inline SVG on the server: no script,
// nothing for the strict Content-Security-Policy to refuse (colours come from classes the
// pages' stylesheet styles, never from style attributes). Every chart has a viewBox and no
// fixed size, so it scales to its column's width, a phone's included; its text is sized for
// that. A chart is an image (role="img") named by its title, and its numbers also appear in
// the page's text, so a screen reader misses nothing.
//
// It imports only the standard library.
package reportcharts

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// Geometry of every chart, in viewBox units.
const (
	width     = 640
	plotLeft  = 56 // room for the y axis' labels
	plotRight = 12
	plotTop   = 16
	fontSize  = 22
)

// Series is a value per minute, drawn as an area (Line) or as columns (Columns).
type Series struct {
	Title  string // the chart's accessible name
	Values []int
	// XLabel formats minute i for the x axis (e.g. "12 min"); nil shows i.
	XLabel func(i int) string
}

// Line draws s as a filled line over time: the attendance curve.
func Line(s Series) template.HTML {
	return timeChart(s, func(b *strings.Builder, x func(int) float64, y func(int) float64, base float64) {
		if len(s.Values) == 0 {
			return
		}
		var pts strings.Builder
		for i, v := range s.Values {
			// Each minute is a step: its count holds from its start to its end.
			fmt.Fprintf(&pts, "%.1f,%.1f %.1f,%.1f ", x(i), y(v), x(i+1), y(v))
		}
		line := strings.TrimSpace(pts.String())
		fmt.Fprintf(b, `<polygon class="chart-area" points="%.1f,%.1f %s %.1f,%.1f"/>`, x(0), base, line, x(len(s.Values)), base)
		fmt.Fprintf(b, `<polyline class="chart-line" fill="none" points="%s"/>`, line)
	})
}

// Columns draws s as one column per minute: reactions over time.
func Columns(s Series) template.HTML {
	return timeChart(s, func(b *strings.Builder, x func(int) float64, y func(int) float64, base float64) {
		for i, v := range s.Values {
			if v == 0 {
				continue
			}
			w := max(1, x(i+1)-x(i)-1)
			fmt.Fprintf(b, `<rect class="chart-bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
				x(i), y(v), w, base-y(v), template.HTMLEscapeString(xLabel(s, i)), v)
		}
	})
}

func xLabel(s Series, i int) string {
	if s.XLabel != nil {
		return s.XLabel(i)
	}
	return strconv.Itoa(i)
}

// timeChart draws the frame of a chart over minutes (axes, a few labels) around draw.
func timeChart(s Series, draw func(b *strings.Builder, x func(int) float64, y func(int) float64, base float64)) template.HTML {
	const height = 260
	const plotBottom = height - 40
	top := 0
	for _, v := range s.Values {
		top = max(top, v)
	}
	top = niceCeiling(top)
	n := max(1, len(s.Values))
	x := func(i int) float64 { return plotLeft + float64(i)*float64(width-plotLeft-plotRight)/float64(n) }
	y := func(v int) float64 { return plotBottom - float64(v)*float64(plotBottom-plotTop)/float64(top) }
	var b strings.Builder
	open(&b, "chart-time", s.Title, height)
	// Horizontal guides at 0, half and the top, labelled on the left.
	for _, v := range []int{0, top / 2, top} {
		fmt.Fprintf(&b, `<line class="chart-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, plotLeft, width-plotRight, y(v), y(v))
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%.1f" text-anchor="end" font-size="%d">%d</text>`, plotLeft-8, y(v)+fontSize/3, fontSize, v)
	}
	draw(&b, x, y, y(0))
	// The first, middle and last minutes, labelled below.
	if len(s.Values) > 0 {
		ticks := []struct {
			i      int
			anchor string
		}{{0, "start"}, {len(s.Values) / 2, "middle"}, {len(s.Values) - 1, "end"}}
		for k, t := range ticks {
			if k > 0 && t.i == ticks[k-1].i {
				continue
			}
			at := x(t.i) + (x(t.i+1)-x(t.i))/2
			switch t.anchor {
			case "start":
				at = x(t.i)
			case "end":
				at = x(t.i + 1)
			}
			fmt.Fprintf(&b, `<text class="chart-label" x="%.1f" y="%d" text-anchor="%s" font-size="%d">%s</text>`,
				at, height-10, t.anchor, fontSize, template.HTMLEscapeString(xLabel(s, t.i)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Bar is one row of a bar chart: a label, its value and the text shown for it (a count, a
// percentage); Note empty shows the value.
type Bar struct {
	Label string
	Value int
	Note  string
}

// Bars draws one horizontal bar per item, its label above it and its note at its end, all
// scaled to the largest value: poll options, registrants by status or source, time watched.
func Bars(title string, items []Bar) template.HTML {
	const row = 64
	height := max(1, len(items))*row + 8
	top := 0
	for _, it := range items {
		top = max(top, it.Value)
	}
	var b strings.Builder
	open(&b, "chart-bars", title, height)
	span := float64(width - 2)
	for i, it := range items {
		y0 := i*row + 8
		note := it.Note
		if note == "" {
			note = strconv.Itoa(it.Value)
		}
		fmt.Fprintf(&b, `<text class="chart-label" x="0" y="%d" font-size="%d">%s</text>`, y0+fontSize-4, fontSize, template.HTMLEscapeString(clip(it.Label, 40)))
		fmt.Fprintf(&b, `<text class="chart-value" x="%d" y="%d" text-anchor="end" font-size="%d">%s</text>`, width, y0+fontSize-4, fontSize, template.HTMLEscapeString(note))
		fmt.Fprintf(&b, `<rect class="chart-track" x="0" y="%d" width="%.1f" height="22" rx="4"/>`, y0+fontSize+4, span)
		if top > 0 && it.Value > 0 {
			fmt.Fprintf(&b, `<rect class="chart-bar" x="0" y="%d" width="%.1f" height="22" rx="4"/>`, y0+fontSize+4, max(4, span*float64(it.Value)/float64(top)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// open starts an svg element of class kind named title, height viewBox units tall.
func open(b *strings.Builder, kind, title string, height int) {
	t := template.HTMLEscapeString(title)
	fmt.Fprintf(b, `<svg class="chart %s" viewBox="0 0 %d %d" role="img" aria-label="%s" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		kind, width, height, t, t)
}

// niceCeiling rounds a chart's top up to an even number (at least 2) up to 10, then to 1, 2
// or 5 times a power of ten, so its three guides (0, half, top) fall on whole round numbers.
func niceCeiling(v int) int {
	if v <= 10 {
		return max(2, v+v%2)
	}
	for p := 10; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= v {
				return m * p
			}
		}
	}
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
