package main

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/onairhq/onair/store/storebench"
)

// report is one run's figures, printed as the lines BENCHMARKS.md quotes.
type report struct {
	opts                  options
	loadBefore, loadAfter string
	vegeta                *vegetaReport
	created               int           // registrations answered 201
	window                time.Duration // from the attack's start to the last e-mail's statistics
	lastMail              time.Duration // after the attack ended
	delta                 storebench.Stats
	rawPerSecond          float64
	// CPU seconds from the attack's start to the last e-mail: the onair process, and the
	// benchmark database's Postgres backends (see backendCPU).
	onairCPU, postgresCPU float64
	onairPeakMiB          float64 // the onair process's peak resident memory
}

func (r *report) print(w io.Writer) {
	v := r.vegeta
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(w, "load average before %s, after %s\n", r.loadBefore, r.loadAfter)
	fmt.Fprintf(w, "offered %d/s for %v from %d clients over %d sessions: %d requests, %.0f/s answered, %.0f/s successful, success %.2f%%\n",
		r.opts.rate, r.opts.duration, r.opts.clients, r.opts.sessions, v.Requests, v.Rate, v.Throughput, 100*v.Success)
	fmt.Fprintf(w, "latency p50 %s, p90 %s, p99 %s, max %s, mean %s\n", ms(v.Latencies.P50), ms(v.Latencies.P90),
		ms(v.Latencies.P99), ms(v.Latencies.Max), ms(v.Latencies.Mean))
	codes := make([]string, 0, len(v.StatusCodes))
	for c := range v.StatusCodes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	fmt.Fprint(w, "status codes:")
	for _, c := range codes {
		fmt.Fprintf(w, " %s×%d", c, v.StatusCodes[c])
	}
	fmt.Fprintln(w)
	for i, e := range v.Errors {
		if i == 5 {
			fmt.Fprintf(w, "  … %d more errors\n", len(v.Errors)-5)
			break
		}
		fmt.Fprintln(w, "  error:", e)
	}
	fmt.Fprintf(w, "last confirmation e-mail at the SMTP server %v after the attack ended\n", r.lastMail.Round(time.Millisecond))
	if r.created > 0 {
		fmt.Fprintf(w, "postgres, attack through last e-mail (%v): %d commits = %.2f per registration, %d rollbacks, %d new backends\n",
			r.window.Round(time.Millisecond), r.delta.Commits, float64(r.delta.Commits)/float64(r.created), r.delta.Rollbacks, r.delta.Sessions)
	}
	if r.created > 0 {
		fmt.Fprintf(w, "CPU per registration, attack through last e-mail: onair %.2f ms, its Postgres backends %.2f ms\n",
			1000*r.onairCPU/float64(r.created), 1000*r.postgresCPU/float64(r.created))
	}
	fmt.Fprintf(w, "onair peak resident memory: %.0f MiB\n", r.onairPeakMiB)
	fmt.Fprintf(w, "raw single-row insert ceiling, same run: %.0f inserts/s (%d goroutines, pool of %d connections)\n",
		r.rawPerSecond, r.opts.clients, r.opts.poolConns)
	if r.rawPerSecond > 0 {
		fmt.Fprintf(w, "successful registrations / raw inserts: %.2f\n", v.Throughput/r.rawPerSecond)
	}
}
