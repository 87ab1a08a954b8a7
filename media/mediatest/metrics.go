package mediatest

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Series are one scrape of a node's /metrics: each sample's value by its name and labels as
// the text format writes them (onair_media_packets_out_total{path="direct"}).
type Series map[string]float64

// Sum adds up every sample of the metric name (all its label values).
func (s Series) Sum(name string) float64 {
	var v float64
	for k, x := range s {
		if k == name || strings.HasPrefix(k, name+"{") {
			v += x
		}
	}
	return v
}

// ScrapeMetrics GETs the node's /metrics (its metrics listener, MetricsURL) as Prometheus does.
func (n *Node) ScrapeMetrics(t *testing.T) Series {
	t.Helper()
	res, err := http.Get(n.MetricsURL + "/metrics")
	if err != nil {
		t.Fatalf("scrape /metrics: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("scrape /metrics: %d %s", res.StatusCode, body)
	}
	s := Series{}
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		line := lines.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		at := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[at+1:], 64)
		if at < 0 || err != nil {
			t.Fatalf("unreadable metrics line %q", line)
		}
		s[line[:at]] = v
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}
