package reportcharts

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// wellFormed parses chart as XML and counts its elements by name.
func wellFormed(t *testing.T, chart string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	d := xml.NewDecoder(strings.NewReader(chart))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return counts
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, chart)
		}
		if se, ok := tok.(xml.StartElement); ok {
			counts[se.Name.Local]++
		}
	}
}

func TestChartsDrawTheirData(t *testing.T) {
	line := string(Line(Series{Title: "Viewers <per> minute", Values: []int{0, 3, 5, 2}}))
	if c := wellFormed(t, line); c["polyline"] != 1 || c["polygon"] != 1 {
		t.Errorf("line chart elements: %v", c)
	}
	if !strings.Contains(line, `aria-label="Viewers &lt;per&gt; minute"`) {
		t.Errorf("the title is not escaped into the label: %s", line)
	}
	cols := string(Columns(Series{Title: "Reactions", Values: []int{1, 0, 4}}))
	if c := wellFormed(t, cols); c["rect"] != 2 {
		t.Errorf("a column per minute with reactions, want 2: %v", c)
	}
	bars := string(Bars("Poll", []Bar{{Label: "Yes & no", Value: 3, Note: "75 %"}, {Label: "No", Value: 1}, {Label: "Maybe", Value: 0}}))
	c := wellFormed(t, bars)
	if c["rect"] != 3+2 { // a track per row, a bar per non-zero row
		t.Errorf("bar chart rects: %v", c)
	}
	for _, want := range []string{"Yes &amp; no", "75 %", ">1<"} {
		if !strings.Contains(bars, want) {
			t.Errorf("bar chart lacks %q", want)
		}
	}
	if strings.Contains(line+cols+bars, "style=") {
		t.Error("a chart uses a style attribute, which the pages' CSP refuses")
	}
}

func TestNiceCeiling(t *testing.T) {
	for v, want := range map[int]int{0: 2, 1: 2, 3: 4, 10: 10, 11: 20, 21: 50, 51: 100, 120: 200} {
		if got := niceCeiling(v); got != want {
			t.Errorf("niceCeiling(%d) = %d, want %d", v, got, want)
		}
	}
}

func TestEmptySeriesStillDraws(t *testing.T) {
	wellFormed(t, string(Line(Series{Title: "none"})))
	wellFormed(t, string(Bars("none", nil)))
}
