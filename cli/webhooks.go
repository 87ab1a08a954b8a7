package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/onairhq/onair/client"
)

var webhookCommands = map[string]command{
	"list":       {run: listWebhooks},
	"deliveries": {args: "<webhook-id> [pending|delivered|failed]", nargs: 1, run: listDeliveries},
	"redeliver":  {args: "<webhook-id> <delivery-id | since, e.g. 2026-12-01T09:00:00Z>", nargs: 2, run: redeliver},
}

func listWebhooks(ctx context.Context, a *app, _ []string) error {
	params := &client.ListWebhooksParams{}
	all, err := everyPage(func(cursor *string) ([]client.WebhookEndpoint, *string, error) {
		params.Cursor = cursor
		res, err := a.api.ListWebhooksWithResponse(ctx, params)
		if err := check(res, err); err != nil {
			return nil, nil, err
		}
		return res.JSON200.Data, res.JSON200.NextCursor, nil
	})
	if err != nil {
		return err
	}
	rows := [][]string{}
	for _, w := range all {
		events := ""
		if w.Events != nil {
			events = fmt.Sprint(*w.Events)
		}
		rows = append(rows, []string{w.Id, w.Url, events, w.Description})
	}
	return a.show(all, []string{"identifier", "url", "events", "about"}, rows)
}

// listDeliveries shows an endpoint's delivery log, newest first as the API gives it: each
// event's state, attempts, last answer and when it is tried next.
func listDeliveries(ctx context.Context, a *app, args []string) error {
	params := &client.ListWebhookDeliveriesParams{}
	if len(args) > 1 {
		status := client.ListWebhookDeliveriesParamsStatus(args[1])
		params.Status = &status
	}
	all, err := everyPage(func(cursor *string) ([]client.WebhookDelivery, *string, error) {
		params.Cursor = cursor
		res, err := a.api.ListWebhookDeliveriesWithResponse(ctx, args[0], params)
		if err := check(res, err); err != nil {
			return nil, nil, err
		}
		return res.JSON200.Data, res.JSON200.NextCursor, nil
	})
	if err != nil {
		return err
	}
	rows := [][]string{}
	for _, d := range all {
		answer, next := "", ""
		if d.ResponseStatus != nil {
			answer = strconv.Itoa(int(*d.ResponseStatus))
		}
		if d.Status == client.WebhookDeliveryStatusPending {
			next = a.l.DateTime(d.NextAttemptAt.Local())
		}
		rows = append(rows, []string{d.Id, d.EventType, string(d.Status), strconv.Itoa(int(d.Attempts)), answer, next})
	}
	return a.show(all, []string{"identifier", "event", "status", "attempts", "answer", "next_attempt"}, rows)
}

// redeliver sends one delivery's event again, or, given a time, every event since then.
func redeliver(ctx context.Context, a *app, args []string) error {
	if since, err := time.Parse(time.RFC3339, args[1]); err == nil {
		res, err := a.api.RedeliverWebhookEventsWithResponse(ctx, args[0], client.WebhookRedeliverSince{Since: since.Format(time.RFC3339)})
		if err := check(res, err); err != nil {
			return err
		}
		if a.json {
			return a.show(res.JSON202, nil, nil)
		}
		_, err = fmt.Fprintln(a.out, a.l.N("cli.webhooks.redelivered_since", int(res.JSON202.Queued)))
		return err
	}
	res, err := a.api.RedeliverWebhookDeliveryWithResponse(ctx, args[0], args[1])
	if err := check(res, err); err != nil {
		return err
	}
	return a.say(res.JSON202, "cli.webhooks.redelivered", "Event", res.JSON202.EventType, "ID", res.JSON202.EventId)
}
