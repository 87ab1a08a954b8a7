package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/onairhq/onair/client"
)

// sessionReport prints a session's report in a few words and a short-lived link to its
// page (api/report.go explains the link); --json prints the report itself and the link.
func sessionReport(ctx context.Context, a *app, args []string) error {
	res, err := a.api.GetSessionReportWithResponse(ctx, args[0])
	if err := check(res, err); err != nil {
		return err
	}
	link, err := a.api.CreateSessionReportLinkWithResponse(ctx, args[0], nil)
	if err := check(link, err); err != nil {
		return err
	}
	r, l := res.JSON200, link.JSON201
	if a.json {
		return a.show(struct {
			Report *client.SessionReport `json:"report"`
			Link   *client.ReportLink    `json:"link"`
		}{r, l}, nil, nil)
	}
	votes := 0
	for _, p := range deref(r.Polls) {
		votes += int(p.Votes)
	}
	if _, err := fmt.Fprintln(a.out, a.l.T("cli.report.summary", "Registrants", r.Registrants.Total, "Live", r.Attendance.Live,
		"Replay", r.Attendance.Replay, "Peak", r.Attendance.PeakViewers, "Average", decimal(float64(r.Attendance.AverageViewers)),
		"Questions", r.Questions.Asked, "Votes", votes, "Clicks", r.CtaClicks, "Engagement", decimal(float64(r.Engagement.Average)))); err != nil {
		return err
	}
	return a.say(l, "cli.report.link", "When", a.l.DateTime(l.ExpiresAt), "URL", l.Url)
}

// deref is the slice behind an optional list (nil: none).
func deref[T any](s *[]T) []T {
	if s == nil {
		return nil
	}
	return *s
}

func decimal(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
