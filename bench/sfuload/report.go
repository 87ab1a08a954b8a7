package main

import (
	"fmt"
	"io"
	"time"
)

const mib = 1 << 20

func (r result) millicoresPerSub() float64 { return 1000 * r.serverCores / float64(r.n) }

func (r result) rssPerSub() float64 { return (r.rss - r.rssBase) / float64(r.n) }

// undisturbed: the publisher kept its rate and the subscribers kept up (≥ 90 % of nominal
// delivered). On a machine shared with other work a point can starve; fits leave those out.
func (r result) undisturbed() bool { return r.pktsPerSec >= 0.9*r.nominalPerSec }

func (r result) row() string {
	mark := ""
	if !r.undisturbed() {
		mark = " ✗"
	}
	return fmt.Sprintf("| %s | %d%s | %.1f %% (%.0f %% sys) | %.2f | %.0f of %.0f | %.2f | %.3f %% | %.3f %% | %.1f → %.1f | %.3f | %.0f %% | %s |",
		r.kind, r.n, mark, 100*r.serverCores, 100*r.serverSys/r.serverCores, r.millicoresPerSub(), r.pktsPerSec, r.expectedPerSec, 1e6*r.serverCores/r.pktsPerSec, 100*r.lossAudio, 100*r.lossVideo,
		r.rssBase/mib, r.rss/mib, r.rssPerSub()/mib, 100*r.genCores, r.delay)
}

// String is the delay column: the last subscriber's delay per packet (median, 99th
// percentile, worst) and the mean over every arrival, in milliseconds.
func (d delaySummary) String() string {
	if d.packets == 0 {
		return "—"
	}
	ms := func(x time.Duration) float64 { return float64(x) / float64(time.Millisecond) }
	return fmt.Sprintf("%.1f / %.1f / %.1f (mean %.1f, %d pkts)", ms(d.p50), ms(d.p99), ms(d.maxLat), ms(d.mean), d.packets)
}

// nodesRow is each node's share of a room split over nodes: its subscribers, its CPU and its
// CPU per subscriber (the origin first).
func (r result) nodesRow() string {
	s := fmt.Sprintf("  %s N=%d by node:", r.kind, r.n)
	for i, c := range r.nodeCores {
		role := "origin"
		if i > 0 {
			role = "edge"
		}
		per := 0.0
		if i < len(r.nodeSubs) && r.nodeSubs[i] > 0 {
			per = 1000 * c / float64(r.nodeSubs[i])
		}
		subs := 0
		if i < len(r.nodeSubs) {
			subs = r.nodeSubs[i]
		}
		s += fmt.Sprintf(" %s %d subscribers, %.1f %% CPU, %.2f millicores/subscriber;", role, subs, 100*c, per)
	}
	return s
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
	fmt.Fprintln(w, "| SFU | N | server CPU (kernel share) | millicores/sub | packets/s delivered of sent | CPU µs/packet | audio loss | video loss | RSS MiB (no subs → N) | RSS MiB/sub | load generator CPU | delay to last subscriber ms: p50 / p99 / max |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, kind := range kinds {
		for _, r := range results[kind] {
			fmt.Fprintln(w, r.row())
		}
	}
	fmt.Fprintln(w, "\n✗: fewer than 90 % of the nominal packets delivered (the machine is shared; left out of the fits)")
	fmt.Fprintln(w)
	slopes, userSlopes := map[string]float64{}, map[string]float64{}
	for _, kind := range kinds {
		var xs, cpu, user, rss []float64
		for _, r := range results[kind] {
			if !r.undisturbed() {
				continue
			}
			xs, cpu, rss = append(xs, float64(r.n)), append(cpu, r.serverCores), append(rss, r.rss)
			user = append(user, r.serverCores-r.serverSys)
		}
		if len(xs) < 2 {
			fmt.Fprintf(w, "- %s: fewer than two undisturbed points, no fit\n", kind)
			continue
		}
		a, b := fit(xs, cpu)
		_, ub := fit(xs, user)
		_, rb := fit(xs, rss)
		slopes[kind], userSlopes[kind] = b, ub
		fmt.Fprintf(w, "- %s (%d undisturbed points): CPU ≈ %.1f %% + %.3f millicores × N (user space %.3f) → %.0f subscribers per core; RSS slope %.3f MiB per subscriber\n",
			kind, len(xs), 100*a, 1000*b, 1000*ub, 1/b, rb/mib)
	}
	if on, base := slopes["onair"], slopes["baseline"]; on > 0 && base > 0 {
		fmt.Fprintf(w, "- onair / baseline CPU per (video) subscriber, from the fits: %.2f (target ≤ 0.70); user space only: %.2f\n",
			on/base, userSlopes["onair"]/userSlopes["baseline"])
	}
}
