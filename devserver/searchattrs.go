package devserver

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// addMissingSearchAttributes registers, through the operator service, the attributes the
// namespace lacks. createNamespace covers a new store; this covers a store written by an earlier
// run from before an attribute existed. Attributes already there with the same type are fine.
// It returns once the frontend accepts the added attributes.
func addMissingSearchAttributes(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) error {
	if len(want) == 0 {
		return nil
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes of %s: %w", namespace, err)
	}
	missing := make(map[string]enumspb.IndexedValueType)
	for _, name := range slices.Sorted(maps.Keys(want)) {
		have, ok := resp.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = want[name]
		case have != want[name]:
			return fmt.Errorf("search attribute %s is %s in namespace %s, want %s", name, have, namespace, want[name])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("add search attributes %v to %s: %w", slices.Sorted(maps.Keys(missing)), namespace, err)
	}
	return awaitSearchAttributes(ctx, c, namespace, slices.Sorted(maps.Keys(missing)))
}

// awaitSearchAttributes waits until the frontend accepts a query naming every one of names.
// Added attributes reach the services' namespace caches only at their next refresh (every
// namespaceRefreshInterval), and until then workflows using them are refused.
func awaitSearchAttributes(ctx context.Context, c client.Client, namespace string, names []string) error {
	conds := make([]string, len(names))
	for i, name := range names {
		conds[i] = name + " IS NULL"
	}
	query := strings.Join(conds, " AND ")
	err := retry(ctx, func(ctx context.Context) error {
		_, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		return err
	})
	if err != nil {
		return fmt.Errorf("search attributes %v of %s not usable: %w", names, namespace, err)
	}
	return nil
}
