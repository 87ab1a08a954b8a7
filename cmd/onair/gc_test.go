package main

import (
	"runtime/debug"
	"testing"
)

// The HTTP and workflow processes collect garbage less often unless GOGC says otherwise;
// media nodes and the command line keep Go's default.
func TestServerProcessesCollectLessOftenUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		command, gogc string
		want          int
	}{
		{"api", "", serverGCPercent}, {"dev", "", serverGCPercent}, {"worker", "", serverGCPercent},
		{"api", "150", 100}, {"media", "", 100}, {"migrate", "", 100},
	} {
		debug.SetGCPercent(100)
		tuneGC(c.command, func(k string) string {
			if k == "GOGC" {
				return c.gogc
			}
			return ""
		})
		if got := debug.SetGCPercent(100); got != c.want {
			t.Errorf("%s with GOGC=%q: GC percent %d, want %d", c.command, c.gogc, got, c.want)
		}
	}
}
