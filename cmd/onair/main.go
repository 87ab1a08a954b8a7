// Command onair runs the webinar platform: `onair dev` for everything in one
// process, or `onair api`, `onair worker`, `onair media` and `onair migrate` in production;
// `onair events …`, `onair sessions …` and the other groups of package cli drive the API.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/onairhq/onair/cli"
)

const usage = `usage: onair <command>

commands:
  dev       everything in one process: embedded Temporal + Web UI, worker, API (SQLite store)
  api       the HTTP API (needs DATABASE_URL, TEMPORAL_ADDRESS and ONAIR_LINK_KEY)
  worker    the Temporal worker (needs DATABASE_URL, TEMPORAL_ADDRESS and ONAIR_LINK_KEY)
  media     the live-room media service: SFU, signaling, control API (needs ONAIR_MEDIA_SECRET)
  migrate   apply store migrations to DATABASE_URL and exit
  healthcheck  exit 0 when ONAIR_HEALTHCHECK_URL (default: the API's /readyz) answers 2xx

  events, sessions, registrants, webhooks, recordings
            the command line on the API: onair events list (onair events alone for help)

Configuration comes from environment variables; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cli.Handles(os.Args[1:]) {
		code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	if len(os.Args) != 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	commands := map[string]func(context.Context, config) error{
		"dev": runDev, "api": runAPI, "worker": runWorker, "media": runMedia, "migrate": runMigrate,
		"healthcheck": runHealthcheck,
	}
	run, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "onair: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	tuneGC(os.Args[1], os.Getenv)
	if err := run(ctx, loadConfig()); err != nil {
		fmt.Fprintf(os.Stderr, "onair %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
