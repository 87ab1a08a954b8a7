package main

import (
	"os"
	"testing"
)

// runAsEnv names the subcommand a re-executed test binary runs instead of the tests, so a
// test can start onair as a process of its own (and kill it) without building the binary.
const runAsEnv = "ONAIR_TEST_RUN_AS"

func TestMain(m *testing.M) {
	if cmd := os.Getenv(runAsEnv); cmd != "" {
		os.Args = []string{"onair", cmd}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
