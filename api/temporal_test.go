package api_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/workflows"
)

// temporalClient reaches the embedded Temporal server every test in this
// package shares; each harness runs its own worker on its own task queue.
var temporalClient client.Client

func TestMain(m *testing.M) {
	if fuzzWorker() {
		os.Exit(m.Run())
	}
	os.Exit(reportContractCoverage(runWithTemporal(m)))
}

// fuzzWorker reports a process in which the fuzzing engine runs a fuzz
// target's inputs: the targets need no Temporal, and a server per worker
// would only slow them down.
func fuzzWorker() bool {
	flag.Parse()
	f := flag.Lookup("test.fuzzworker")
	return f != nil && f.Value.String() == "true"
}

func runWithTemporal(m *testing.M) int {
	quiet := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Options{
		FrontendAddress: "127.0.0.1:0", SearchAttributes: workflows.SearchAttributes(), Logger: quiet,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start embedded temporal:", err)
		return 1
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial embedded temporal:", err)
		return 1
	}
	defer c.Close()
	temporalClient = c
	return m.Run()
}
