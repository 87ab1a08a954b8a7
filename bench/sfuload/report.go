package main

import (
	"fmt"
	"io"
)

const mib = 1 << 20

func (r result) millicoresPerSub() float64 { return 1000 * r.serverCores / float64(r.n) }

func (r result) rssPerSub() float64 { return (r.rss - r.rssBase) / float64(r.n) }

func (r result) row() string {
	return fmt.Sprintf("| %s | %d | %.1f %% | %.2f | %.0f | %.3f %% | %.3f %% | %.1f → %.1f | %.3f | %.0f %% |",
		r.kind, r.n, 100*r.serverCores, r.millicoresPerSub(), r.pktsPerSec, 100*r.lossAudio, 100*r.lossVideo,
		r.rssBase/mib, r.rss/mib, r.rssPerSub()/mib, 100*r.genCores)
}

// fit is the least-squares line y = a + b·x.
func fit(xs, ys []float64) (a, b float64) {
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx, sy, sxx, sxy = sx+xs[i], sy+ys[i], sxx+xs[i]*xs[i], sxy+xs[i]*ys[i]
	}
	n := float64(len(xs))
	if d := n*sxx - sx*sx; d != 0 {
		b = (n*sxy - sx*sy) / d
	}
	return (sy - b*sx) / n, b
}

func report(w io.Writer, kinds []string, results map[string][]result) {
	fmt.Fprintln(w, "| SFU | N | server CPU | millicores/sub | packets/s delivered | audio loss | video loss | RSS MiB (no subs → N) | RSS MiB/sub | load generator CPU |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, kind := range kinds {
		for _, r := range results[kind] {
			fmt.Fprintln(w, r.row())
		}
	}
	fmt.Fprintln(w)
	slopes := map[string]float64{}
	for _, kind := range kinds {
		var xs, cpu, rss []float64
		for _, r := range results[kind] {
			xs, cpu, rss = append(xs, float64(r.n)), append(cpu, r.serverCores), append(rss, r.rss)
		}
		if len(xs) < 2 {
			continue
		}
		a, b := fit(xs, cpu)
		_, rb := fit(xs, rss)
		slopes[kind] = b
		fmt.Fprintf(w, "- %s: CPU ≈ %.1f %% + %.3f millicores × N → %.0f subscribers per core; RSS slope %.3f MiB per subscriber\n",
			kind, 100*a, 1000*b, 1/b, rb/mib)
	}
	if on, base := slopes["onair"], slopes["baseline"]; on > 0 && base > 0 {
		fmt.Fprintf(w, "- onair / baseline CPU per (video) subscriber, from the fits: %.2f (target ≤ 0.70)\n", on/base)
	}
}
