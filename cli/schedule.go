package cli

import (
	"context"
	"strconv"

	"github.com/onairhq/onair/client"
)

// sessionSchedule lists the e-mails a session will send (and those it sent), from its plan.
func sessionSchedule(ctx context.Context, a *app, args []string) error {
	res, err := a.api.GetSessionScheduleWithResponse(ctx, args[0])
	if err := check(res, err); err != nil {
		return err
	}
	s := res.JSON200
	var items []client.ScheduleItem
	if s.Items != nil {
		items = *s.Items
	}
	if len(items) == 0 && !a.json {
		return a.say(s, "cli.schedule.empty", "Status", string(s.Status))
	}
	rows := [][]string{}
	for _, it := range items {
		kind := string(it.Kind)
		if it.ReminderMinutes != nil {
			kind += " (" + a.l.In(int(*it.ReminderMinutes)) + ")"
		}
		when := a.l.DateTimeIn(it.At, s.Timezone)
		if it.AfterLive {
			when = a.l.T("cli.schedule.after_live", "When", when)
		}
		template := a.l.T("cli.schedule.default_template")
		if it.Template.Custom && it.Template.Name != nil {
			template = *it.Template.Name
		}
		rows = append(rows, []string{kind, when, strconv.Itoa(int(it.Recipients)), string(it.State), template, string(it.Language)})
	}
	return a.show(s, []string{"schedule.kind", "schedule.when", "schedule.recipients", "state", "schedule.template", "schedule.language"}, rows)
}

// registrantDeliveries lists every e-mail sent to one registrant, with the server's answer.
func registrantDeliveries(ctx context.Context, a *app, args []string) error {
	res, err := a.api.GetRegistrantDeliveriesWithResponse(ctx, args[0])
	if err := check(res, err); err != nil {
		return err
	}
	d := res.JSON200
	var all []client.RegistrantDelivery
	if d.Deliveries != nil {
		all = *d.Deliveries
	}
	rows := [][]string{}
	for _, e := range all {
		sent, reply, failure := "", "", ""
		if e.SentAt != nil {
			sent = a.l.DateTime(*e.SentAt)
		}
		if e.SmtpReply != nil {
			reply = *e.SmtpReply
		}
		if e.Failure != nil {
			failure = *e.Failure
		}
		rows = append(rows, []string{e.Kind, a.l.DateTime(e.ClaimedAt), sent, string(e.State), reply, failure})
	}
	return a.show(d, []string{"schedule.kind", "deliveries.claimed", "deliveries.sent", "state", "answer", "deliveries.failure"}, rows)
}
