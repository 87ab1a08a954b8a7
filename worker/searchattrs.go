package worker

import (
	"context"

	"go.temporal.io/sdk/client"

	"github.com/onairhq/onair/searchattrs"
	"github.com/onairhq/onair/workflows"
)

// EnsureSearchAttributes registers onair's search attributes (workflows.SearchAttributes) in
// namespace, for a Temporal cluster run outside onair; see searchattrs.Ensure.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	return searchattrs.Ensure(ctx, c, namespace, workflows.SearchAttributes())
}
