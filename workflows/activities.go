// Package workflows holds onair's Temporal workflows, one file each with its
// input/result structs, names and workflow id function. Workflows decide; the
// activities package does the I/O, in files of the same names.
// The names and payloads callers use live in workflows/contract, re-exported
// here beside each workflow.
package workflows

import "github.com/onairhq/onair/activities"

// a names activity methods; it is never dereferenced.
var a *activities.Activities
