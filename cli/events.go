package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/onairhq/onair/client"
)

var eventCommands = map[string]command{
	"list":   {run: listEvents},
	"create": {args: "<title> [description]", nargs: 1, run: createEvent},
	"get":    {args: "<event-id>", nargs: 1, run: getEvent},
}

var sessionCommands = map[string]command{
	"create":   {args: "<event-id> <starts-at RFC 3339> [minutes] [time zone]", nargs: 2, run: createSession},
	"start":    {args: "<session-id>", nargs: 1, run: sessionUpdate(false)},
	"stop":     {args: "<session-id>", nargs: 1, run: sessionUpdate(true)},
	"status":   {args: "<session-id>", nargs: 1, run: sessionStatus},
	"report":   {args: "<session-id>", nargs: 1, run: sessionReport},
	"schedule": {args: "<session-id>", nargs: 1, run: sessionSchedule},
}

func listEvents(ctx context.Context, a *app, _ []string) error {
	all, err := everyPage(func(cursor *string) ([]client.Event, *string, error) {
		res, err := a.api.ListEventsWithResponse(ctx, &client.ListEventsParams{Cursor: cursor})
		if err := check(res, err); err != nil {
			return nil, nil, err
		}
		return res.JSON200.Data, res.JSON200.NextCursor, nil
	})
	if err != nil {
		return err
	}
	rows := [][]string{}
	for _, e := range all {
		rows = append(rows, []string{e.Id, e.Title, e.Slug, a.published(e.PublishedAt)})
	}
	return a.show(all, []string{"identifier", "title", "slug", "published"}, rows)
}

func createEvent(ctx context.Context, a *app, args []string) error {
	req := client.EventRequest{Title: args[0]}
	if len(args) > 1 {
		req.Description = &args[1]
	}
	res, err := a.api.CreateEventWithResponse(ctx, nil, req)
	if err := check(res, err); err != nil {
		return err
	}
	return a.say(res.JSON201, "cli.event.created", "ID", res.JSON201.Id, "Title", res.JSON201.Title)
}

func getEvent(ctx context.Context, a *app, args []string) error {
	res, err := a.api.GetEventWithResponse(ctx, args[0])
	if err := check(res, err); err != nil {
		return err
	}
	e := res.JSON200
	return a.show(e, []string{"identifier", "title", "slug", "published"}, [][]string{{e.Id, e.Title, e.Slug, a.published(e.PublishedAt)}})
}

func (a *app) published(at *time.Time) string {
	if at == nil {
		return a.l.T("cli.no")
	}
	return a.l.DateTime(*at)
}

func createSession(ctx context.Context, a *app, args []string) error {
	starts, err := time.Parse(time.RFC3339, args[1])
	if err != nil {
		return fmt.Errorf("%s", a.l.T("cli.error.starts_at", "Value", args[1]))
	}
	req := client.SessionRequest{StartsAt: starts}
	if len(args) > 2 {
		minutes, err := strconv.Atoi(args[2])
		if err != nil {
			return fmt.Errorf("%s", a.l.T("cli.error.minutes", "Value", args[2]))
		}
		m := int32(minutes)
		req.DurationMinutes = &m
	}
	if len(args) > 3 {
		req.Timezone = &args[3]
	}
	res, err := a.api.CreateSessionWithResponse(ctx, args[0], nil, req)
	if err := check(res, err); err != nil {
		return err
	}
	return a.showSession(res.JSON201)
}

// sessionUpdate starts (or stops) a session through its workflow.
func sessionUpdate(stop bool) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		var s *client.Session
		if stop {
			res, err := a.api.StopSessionWithResponse(ctx, args[0])
			if err := check(res, err); err != nil {
				return err
			}
			s = res.JSON200
		} else {
			res, err := a.api.StartSessionWithResponse(ctx, args[0])
			if err := check(res, err); err != nil {
				return err
			}
			s = res.JSON200
		}
		return a.showSession(s)
	}
}

func (a *app) showSession(s *client.Session) error {
	return a.show(s, []string{"identifier", "event", "starts_at", "minutes", "status"},
		[][]string{{s.Id, s.EventId, a.l.DateTimeIn(s.StartsAt, s.Timezone), strconv.Itoa(int(s.DurationMinutes)), string(s.Status)}})
}

func sessionStatus(ctx context.Context, a *app, args []string) error {
	res, err := a.api.GetSessionStatusWithResponse(ctx, args[0])
	if err := check(res, err); err != nil {
		return err
	}
	s := res.JSON200
	started, ended := "", ""
	if s.StartedAt != nil {
		started = a.l.DateTimeIn(*s.StartedAt, s.Timezone)
	}
	if s.EndedAt != nil {
		ended = a.l.DateTimeIn(*s.EndedAt, s.Timezone)
	}
	return a.show(s, []string{"status", "starts_at", "started_at", "ended_at", "post_live"},
		[][]string{{string(s.Status), a.l.DateTimeIn(s.StartsAt, s.Timezone), started, ended, strconv.Itoa(int(s.PostLive.StepsDone))}})
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
