package main

import "runtime/debug"

// serverGCPercent is the garbage collector's target for the processes that answer HTTP and
// run workflows (dev, api, worker) when GOGC is not set: the collector then runs a quarter as
// often as at Go's default of 100, for a heap allowed to grow to five times what is live
// instead of twice. Those processes keep little alive (tens of MiB), and at the default a
// launch-day registration burst spent about 15 % of the API's CPU collecting, which showed
// in its slowest answers (BENCHMARKS.md, "Registration burst"). Media nodes keep the default:
// their packet path allocates nothing. GOGC, and GOMEMLIMIT for a hard ceiling, override it.
const serverGCPercent = 400

// tuneGC applies serverGCPercent to command unless the environment sets GOGC.
func tuneGC(command string, getenv func(string) string) {
	switch command {
	case "dev", "api", "worker":
		if getenv("GOGC") == "" {
			debug.SetGCPercent(serverGCPercent)
		}
	}
}
