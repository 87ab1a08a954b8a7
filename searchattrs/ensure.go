// Package searchattrs registers custom search attributes in a Temporal namespace and waits
// until they are usable: `onair worker` does it against a cluster at start, the embedded dev
// server against a database written before an attribute existed.
package searchattrs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// searchAttributesPollInterval paces the wait for added search attributes to become usable.
const searchAttributesPollInterval = 250 * time.Millisecond

// Ensure registers the search attributes of want in namespace through the operator service.
// Attributes already registered with the right type are left alone, so every process can call
// it at start; one registered with another type is an error an operator must resolve. It
// returns once the frontend accepts the attributes it added, bounded by ctx.
func Ensure(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) error {
	if len(want) == 0 {
		return nil
	}
	missing, err := missingAttributes(ctx, c, namespace, want)
	if err != nil {
		return err
	}
	if len(missing) == 0 {
		return nil
	}
	names := slices.Sorted(maps.Keys(missing))
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	})
	// AlreadyExists: another worker starting at the same time added them first.
	if err != nil && !errors.As(err, new(*serviceerror.AlreadyExists)) {
		return fmt.Errorf("add search attributes %v to %s: %w", names, namespace, err)
	}
	return awaitSearchAttributes(ctx, c, namespace, names)
}

// Check returns nil when every attribute of want is registered in namespace with its type,
// else an error naming the missing ones and those of another type. It only lists, for a
// cluster where onair may not add attributes (Temporal Cloud creates them with its own tools).
func Check(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) error {
	missing, err := missingAttributes(ctx, c, namespace, want)
	if err != nil {
		return err
	}
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, 0, len(missing))
	for _, name := range slices.Sorted(maps.Keys(missing)) {
		names = append(names, name+" ("+missing[name].String()+")") // as tcld and the UI spell types
	}
	return fmt.Errorf("search attributes missing from namespace %s: %s", namespace, strings.Join(names, ", "))
}

// missingAttributes lists namespace's custom search attributes and returns those of want
// that are absent; one registered with another type is an error an operator must resolve.
func missingAttributes(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) (map[string]enumspb.IndexedValueType, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list search attributes of %s: %w", namespace, err)
	}
	missing := make(map[string]enumspb.IndexedValueType)
	for _, name := range slices.Sorted(maps.Keys(want)) {
		have, ok := resp.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = want[name]
		case have != want[name]:
			return nil, fmt.Errorf("search attribute %s is %s in namespace %s, want %s", name, have, namespace, want[name])
		}
	}
	return missing, nil
}

// awaitSearchAttributes waits until the frontend accepts a visibility query naming every one of
// names: added attributes reach the servers' namespace caches only at their next refresh, and
// until then workflows using them are refused.
func awaitSearchAttributes(ctx context.Context, c client.Client, namespace string, names []string) error {
	conds := make([]string, len(names))
	for i, name := range names {
		conds[i] = name + " IS NULL"
	}
	req := &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: strings.Join(conds, " AND ")}
	for {
		_, err := c.CountWorkflow(ctx, req)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("search attributes %v of %s not usable: %w (last attempt: %v)", names, namespace, ctx.Err(), err)
		case <-time.After(searchAttributesPollInterval):
		}
	}
}
