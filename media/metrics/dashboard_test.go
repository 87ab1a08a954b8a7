package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/onairhq/onair/media/metrics"
)

// The Grafana dashboard under deploy/ is valid JSON and asks only for series the node serves,
// so renaming a metric cannot silently blank a panel.
func TestMediaMetricsDashboardAsksForServedSeries(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/grafana/onair-media.json")
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dashboard); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	served := map[string]bool{}
	descs := make(chan *prometheus.Desc, 64)
	metrics.NewCollector(nil).Describe(descs)
	close(descs)
	fqName := regexp.MustCompile(`fqName: "([^"]+)"`)
	for d := range descs {
		served[fqName.FindStringSubmatch(d.String())[1]] = true
	}
	name := regexp.MustCompile(`onair_media_[a-z][a-z_]*`)
	asked := 0
	for _, p := range dashboard.Panels {
		for _, target := range p.Targets {
			for _, n := range name.FindAllString(target.Expr, -1) {
				asked++
				if !served[n] {
					t.Errorf("panel %q asks for %s, which the node does not serve", p.Title, n)
				}
			}
		}
	}
	if asked == 0 {
		t.Error("the dashboard asks for no onair_media series")
	}
}
