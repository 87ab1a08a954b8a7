// Command regburst is the launch-day registration benchmark of issue 18 (see BENCHMARKS.md,
// "Registration burst"). It creates a fresh Postgres database, starts `onair dev` on it as a
// separate process, sets up an enterprise workspace with one published event and enough
// sessions, writes one vegeta JSON target per registration (a unique e-mail and its own
// X-Forwarded-For, the API trusting 127.0.0.1 as its proxy, so each request is counted against
// its own client address and the registration rate limit stays on), runs `vegeta attack` with
// a fixed number of concurrent clients at a fixed rate, waits for every confirmation e-mail at
// its own SMTP server (SMTP_URL, as in production), and reports vegeta's latencies with the
// Postgres commits and backends per registration (pg_stat_database deltas) and the CPU time
// of onair and of its Postgres backends. In the same run it measures the raw single-row insert
// ceiling of that Postgres with the same concurrency. Vegeta itself is not part of onair:
//
//	go install github.com/tsenart/vegeta/v12@v12.13.0
//
// Every process it starts is killed when it ends, and the database it made is dropped.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/onairhq/onair/store/storebench"
)

type options struct {
	onairBin  string
	vegetaBin string
	adminDSN  string
	rate      int
	duration  time.Duration
	clients   int
	sessions  int
	poolConns int
	keep      bool
	env       []string
}

func main() {
	var o options
	var env string
	flag.StringVar(&o.onairBin, "onair", "", "the onair binary to run as `onair dev` (required)")
	flag.StringVar(&o.vegetaBin, "vegeta", "vegeta", "the vegeta binary")
	flag.StringVar(&o.adminDSN, "db", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
		"a Postgres database to connect to; the benchmark creates (and drops) its own database beside it")
	flag.IntVar(&o.rate, "rate", 1000, "registrations offered per second")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long the attack lasts")
	flag.IntVar(&o.clients, "clients", 200, "concurrent HTTP clients (vegeta's workers and connections)")
	flag.IntVar(&o.sessions, "sessions", 0, "sessions the registrations are spread over; 0: one per 2,500 registrations")
	flag.IntVar(&o.poolConns, "raw-pool", 20, "connections of the raw insert ceiling's pool (the store's default pool size)")
	flag.BoolVar(&o.keep, "keep", false, "keep the database and the data directory")
	flag.StringVar(&env, "env", "", "extra environment for onair, comma-separated NAME=value")
	flag.Parse()
	if o.onairBin == "" {
		log.Fatal("-onair is required (go build -o /tmp/onair ./cmd/onair)")
	}
	if env != "" {
		o.env = strings.Split(env, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, o)
	if err != nil {
		log.Fatal(err)
	}
	rep.print(os.Stdout)
}

func run(ctx context.Context, o options) (*report, error) {
	total := o.rate * int(o.duration/time.Second)
	if o.sessions == 0 {
		o.sessions = total/2500 + 1
	}
	rep := &report{opts: o, loadBefore: loadAverage()}
	pg, err := storebench.CreateDatabase(ctx, o.adminDSN)
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer pg.Drop()
	}
	dir, err := os.MkdirTemp("", "regburst-")
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	mails, err := startMailSink()
	if err != nil {
		return nil, err
	}
	defer mails.close()
	srv, err := startOnair(ctx, o, dir, pg.DSN, mails.url)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	paths, err := srv.setUp(ctx, o.sessions)
	if err != nil {
		return nil, err
	}

	// A short warm-up fills the pools and the limiter, then the measured attack.
	warm, err := writeTargets(dir, "warm", srv.base, paths, o.rate/10, 0)
	if err != nil {
		return nil, err
	}
	sent, _ := mails.received()
	warmed, err := attack(ctx, o, warm, o.rate/10, time.Second)
	if err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	if _, err := mails.wait(ctx, sent+warmed.StatusCodes["201"], time.Minute); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	targets, err := writeTargets(dir, "burst", srv.base, paths, total, o.rate/10)
	if err != nil {
		return nil, err
	}
	sent, _ = mails.received()
	before, err := pg.Stats(ctx)
	if err != nil {
		return nil, err
	}
	onairCPU, err := cpuSeconds(srv.cmd.Process.Pid)
	if err != nil {
		return nil, err
	}
	backends := watchBackends(ctx, pg)
	start := time.Now()
	if rep.vegeta, err = attack(ctx, o, targets, o.rate, o.duration); err != nil {
		return nil, err
	}
	attackEnd := time.Now()
	created := rep.vegeta.StatusCodes["201"]
	last, err := mails.wait(ctx, sent+created, 5*time.Minute)
	if err != nil {
		return nil, err
	}
	rep.lastMail = last.Sub(attackEnd)
	rep.postgresCPU = backends.total()
	if rep.onairCPU, err = cpuSeconds(srv.cmd.Process.Pid); err != nil {
		return nil, err
	}
	rep.onairCPU -= onairCPU
	if rep.onairPeakMiB, err = peakRSS(srv.cmd.Process.Pid); err != nil {
		return nil, err
	}
	time.Sleep(time.Second) // let the server's last statistics reach pg_stat_database
	after, err := pg.Stats(ctx)
	if err != nil {
		return nil, err
	}
	rep.created, rep.window = created, time.Since(start)
	rep.delta = after.Minus(before)
	rep.loadAfter = loadAverage()

	srv.stop() // the ceiling is measured alone, on the same Postgres
	if rep.rawPerSecond, err = pg.RawInsertCeiling(ctx, o.clients, o.poolConns, total); err != nil {
		return nil, err
	}
	return rep, nil
}

// loadAverage is /proc/loadavg's first three fields, for the report (the machine is shared).
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
