//go:build nodev

package main

import (
	"context"
	"errors"
)

// runDev is absent from the production image, built with -tags nodev: the embedded Temporal
// server and its Web UI are more than half of the binary's packages and nothing a
// production process runs.
func runDev(context.Context, config) error {
	return errors.New("this build has no development server (built with -tags nodev): run `onair api`, `onair worker`, `onair media` against your services, or build without the tag")
}
