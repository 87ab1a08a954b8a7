// Command sfuload is the live-room SFU benchmark of issue 6 (see BENCHMARKS.md): it starts the
// SFU under test pinned to one core, connects one Pion publisher (synthetic Opus ≈48 kbit/s and
// VP8 ≈1.5 Mbit/s in 1,100-byte packets) and N Pion subscribers, and reports the server's CPU
// and RSS and the subscribers' loss (from RTP sequence numbers) over a steady window. It runs
// `onair media` and, interleaved in the same run, Pion's examples/broadcast as the naive
// baseline (which forwards only the first track, so there the publisher sends video only).
// Run it pinned to the other core: taskset -c 1 sfuload -onair ... -baseline ...
// Every server it starts is killed when it ends, even if it is killed itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	onairBin, baselineBin string
	counts                []int
	warmup, window        time.Duration
	serverCPU             string
	rounds                int
	procs                 int
	simulcast             bool
	// cascadeDB is the Postgres (migrated: onair migrate) of the room split over two nodes;
	// empty skips that run.
	cascadeDB string
}

func main() {
	var o options
	var ns string
	flag.StringVar(&o.onairBin, "onair", "", "the onair binary (run as `onair media`); empty skips it")
	flag.StringVar(&o.baselineBin, "baseline", "", "Pion's examples/broadcast binary; empty skips it")
	flag.StringVar(&ns, "n", "50,100,150,200,250", "subscriber counts")
	flag.DurationVar(&o.warmup, "warmup", 5*time.Second, "time after the last subscriber receives media before measuring")
	flag.DurationVar(&o.window, "window", 20*time.Second, "steady measurement window")
	flag.StringVar(&o.serverCPU, "server-cpu", "0", "the core the server is pinned to (taskset -c)")
	flag.IntVar(&o.rounds, "rounds", 1, "repeat the whole sweep this many times (fits use every point)")
	flag.IntVar(&o.procs, "procs", 4, "GOMAXPROCS of the load generator: several threads on its one core keep its share of a busy machine")
	flag.BoolVar(&o.simulcast, "simulcast", false, "onair's publisher sends three simulcast layers and subscribers ask for a mix of them (simulcast.go)")
	flag.StringVar(&o.cascadeDB, "cascade-db", "", "a migrated Postgres URL: also run the room split over two onair media processes (cascade.go)")
	flag.Parse()
	for _, s := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1000 {
			log.Fatalf("-n: %q is not a count in 1..1000", s)
		}
		o.counts = append(o.counts, n)
	}
	runtime.GOMAXPROCS(o.procs)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	var kinds []string
	if o.onairBin != "" {
		kinds = append(kinds, "onair")
	}
	if o.baselineBin != "" {
		kinds = append(kinds, "baseline")
	}
	if o.cascadeDB != "" && o.onairBin != "" {
		kinds = append(kinds, "cascade")
	}
	results := map[string][]result{}
	step := 0
	for range max(o.rounds, 1) {
		for _, n := range o.counts {
			order := slices.Clone(kinds)
			if step%2 == 1 { // alternate who goes first so drift hits all alike
				slices.Reverse(order)
			}
			step++
			for _, kind := range order {
				r, err := measure(ctx, o, kind, n)
				if err != nil {
					return fmt.Errorf("%s at N=%d: %w", kind, n, err)
				}
				fmt.Fprintln(os.Stderr, r.row())
				if len(r.nodeCores) > 1 {
					fmt.Fprintln(os.Stderr, r.nodesRow())
				}
				results[kind] = append(results[kind], r)
			}
		}
	}
	report(os.Stdout, kinds, results)
	return nil
}
