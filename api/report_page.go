package api

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/locale"
	"github.com/onairhq/onair/reportcharts"
	"github.com/onairhq/onair/store"
)

// reportView is what the report page (pages/templates/report.html) draws: the figures in
// words and numbers, and the charts already rendered as SVG (reportcharts).
type reportView struct {
	Kind        reportKind
	Heading     string
	When        string
	Facts       []fact
	Curve       template.HTML // viewers per minute; empty without live attendance
	Reactions   template.HTML
	Watched     template.HTML
	ByStatus    template.HTML
	BySource    template.HTML
	Sessions    []sessionLine // an event's sessions
	SessionBars template.HTML // an event's attendees per session
	Polls       []pollView
	CTAs        []store.CTAResult
	Top         []store.TopAttendee
	Mailed      map[string]string // by registrant: the e-mails they got (mailedLines)
}

type fact struct{ Label, Value string }

type pollView struct {
	Question string
	Votes    int
	Chart    template.HTML
}

type sessionLine struct {
	When                string
	Registrants, Live   int
	Replay, Peak        int
	Average, Engagement string
	Status, SessionID   string
}

// reportPage serves the page a report link opens.
func (s *Server) reportPage(kind reportKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		ws, err := s.site.reportWorkspace(kind, c.Param("id"), c.Param("secret"), time.Now())
		linkLookedUp(c, err)
		switch {
		case errors.Is(err, errReportLinkExpired):
			s.notice(c, http.StatusGone, s.page(c, nil, nil), "report.expired.title", "report.expired.message")
			return
		case err != nil:
			s.pageNotFound(c)
			return
		}
		w, err := store.GetWorkspace(ctx, s.db, ws)
		if err != nil {
			s.reportPageFailed(c, err)
			return
		}
		p := s.page(c, w, nil)
		p.NoIndex = true
		var view *reportView
		if kind == reportSession {
			view, err = s.sessionReportView(c, p.L, ws)
		} else {
			view, err = s.eventReportView(c, p.L, ws)
		}
		if err != nil {
			s.reportPageFailed(c, err)
			return
		}
		p.Title = view.Heading
		p.Data = view
		s.render(c, http.StatusOK, "report", p)
	}
}

func (s *Server) reportPageFailed(c *gin.Context, err error) {
	if errors.Is(err, store.ErrNotFound) {
		s.pageNotFound(c)
		return
	}
	s.log.ErrorContext(c.Request.Context(), "report page failed", "err", err)
	s.notice(c, http.StatusInternalServerError, s.page(c, nil, nil), "report.failed.title", "report.failed.message")
}

func (s *Server) sessionReportView(c *gin.Context, l *locale.Localizer, ws string) (*reportView, error) {
	ctx := c.Request.Context()
	ses, err := store.Get[store.Session](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		return nil, err
	}
	ev, err := store.Get[store.Event](ctx, s.db, ws, ses.EventID)
	if err != nil {
		return nil, err
	}
	r, err := store.BuildSessionReport(ctx, s.db, ses, store.Now())
	if err != nil {
		return nil, err
	}
	a := r.Attendance
	v := &reportView{Kind: reportSession, Heading: l.T("report.session_heading", "Title", ev.Title), When: l.DateTimeIn(ses.StartsAt, ses.Timezone),
		CTAs: r.CTAs, Top: r.Engagement.Top,
		Facts: []fact{
			{l.T("report.registrants"), fmt.Sprint(r.Registrants.Total)},
			{l.T("report.live"), fmt.Sprint(a.Live)},
			{l.T("report.replay"), l.T("report.replay_value", "People", a.Replay, "Views", a.ReplayViews)},
			{l.T("report.peak"), fmt.Sprint(a.PeakViewers)},
			{l.T("report.average"), oneDecimal(l, a.AverageViewers)},
			{l.T("report.average_watched"), l.T("report.minutes", "Minutes", oneDecimal(l, a.AverageSecondsLive/60))},
			{l.T("report.chat"), fmt.Sprint(r.ChatMessages)},
			{l.T("report.questions"), l.T("report.questions_value", "Asked", r.Questions.Asked, "Answered", r.Questions.Answered, "Live", r.Questions.AnsweredLive)},
			{l.T("report.cta_clicks"), fmt.Sprint(r.CTAClicks)},
			{l.T("report.reactions"), fmt.Sprint(r.Reactions.Total)},
			{l.T("report.engagement_average"), oneDecimal(l, r.Engagement.Average)},
		}}
	v.Mailed = mailedLines(l, r.Engagement.Top, func(string) string { return ses.Timezone })
	minute := func(i int) string { return l.T("report.minute", "Minute", i) }
	if len(a.Curve) > 0 {
		v.Curve = reportcharts.Line(reportcharts.Series{Title: l.T("report.curve"), Values: a.Curve, XLabel: minute})
		v.Reactions = reportcharts.Columns(reportcharts.Series{Title: l.T("report.reactions_over_time"), Values: r.Reactions.PerMinute, XLabel: minute})
	}
	watched := make([]reportcharts.Bar, len(a.Watched))
	for i, b := range a.Watched {
		watched[i] = reportcharts.Bar{Label: l.T("report.watched." + bucketID(b.Label)), Value: b.Count}
	}
	v.Watched = reportcharts.Bars(l.T("report.watched_title"), watched)
	v.ByStatus, v.BySource = registrantCharts(l, r.Registrants)
	for _, p := range r.Polls {
		bars := make([]reportcharts.Bar, len(p.Options))
		for i, o := range p.Options {
			bars[i] = reportcharts.Bar{Label: o.Text, Value: o.Votes, Note: l.T("report.poll_option", "Votes", o.Votes, "Percent", oneDecimal(l, o.Percent))}
		}
		v.Polls = append(v.Polls, pollView{Question: p.Question, Votes: p.Votes, Chart: reportcharts.Bars(p.Question, bars)})
	}
	return v, nil
}

func (s *Server) eventReportView(c *gin.Context, l *locale.Localizer, ws string) (*reportView, error) {
	ctx := c.Request.Context()
	ev, err := store.Get[store.Event](ctx, s.db, ws, c.Param("id"))
	if err != nil {
		return nil, err
	}
	r, err := store.BuildEventReport(ctx, s.db, ev, store.Now())
	if err != nil {
		return nil, err
	}
	v := &reportView{Kind: reportEvent, Heading: l.T("report.event_heading", "Title", ev.Title), Top: r.Engagement.Top,
		Facts: []fact{
			{l.T("report.sessions"), fmt.Sprint(len(r.Sessions))},
			{l.T("report.registrants"), fmt.Sprint(r.Registrants.Total)},
			{l.T("report.live"), fmt.Sprint(r.Live)},
			{l.T("report.replay"), l.T("report.replay_value", "People", r.Replay, "Views", r.ReplayViews)},
			{l.T("report.chat"), fmt.Sprint(r.ChatMessages)},
			{l.T("report.questions"), l.T("report.questions_value", "Asked", r.Questions.Asked, "Answered", r.Questions.Answered, "Live", r.Questions.AnsweredLive)},
			{l.T("report.polls"), l.T("report.polls_value", "Polls", r.Polls, "Votes", r.PollVotes)},
			{l.T("report.cta_clicks"), fmt.Sprint(r.CTAClicks)},
			{l.T("report.reactions"), fmt.Sprint(r.Reactions)},
			{l.T("report.engagement_average"), oneDecimal(l, r.Engagement.Average)},
		}}
	v.ByStatus, v.BySource = registrantCharts(l, r.Registrants)
	bars := make([]reportcharts.Bar, len(r.Sessions))
	for i, ses := range r.Sessions {
		when := l.DateTimeIn(ses.StartsAt, ses.Timezone)
		bars[i] = reportcharts.Bar{Label: when, Value: ses.Live}
		v.Sessions = append(v.Sessions, sessionLine{When: when, Registrants: ses.Registrants, Live: ses.Live, Replay: ses.Replay,
			Peak: ses.PeakViewers, Average: oneDecimal(l, ses.AverageViewers), Engagement: oneDecimal(l, ses.Engagement),
			Status: ses.Status, SessionID: ses.SessionID})
	}
	v.SessionBars = reportcharts.Bars(l.T("report.live_per_session"), bars)
	zones := make(map[string]string, len(r.Sessions))
	for _, ses := range r.Sessions {
		zones[ses.SessionID] = ses.Timezone
	}
	v.Mailed = mailedLines(l, r.Engagement.Top, func(id string) string { return zones[id] })
	return v, nil
}

// registrantCharts draws registrants by status and by source.
func registrantCharts(l *locale.Localizer, rc store.RegistrantCounts) (byStatus, bySource template.HTML) {
	var status []reportcharts.Bar
	for _, st := range registrantStatuses {
		if n := rc.ByStatus[st]; n > 0 {
			status = append(status, reportcharts.Bar{Label: l.T("report.status." + st), Value: n})
		}
	}
	source := make([]reportcharts.Bar, 0, len(rc.BySource))
	for _, src := range rc.BySource {
		label := src.Label
		if label == "" {
			label = l.T("report.direct")
		}
		source = append(source, reportcharts.Bar{Label: label, Value: src.Count})
	}
	return reportcharts.Bars(l.T("report.by_status"), status), reportcharts.Bars(l.T("report.by_source"), source)
}

// bucketID is a watched bucket's catalogue id ("0-25" → "q1").
func bucketID(label string) string {
	for i, l := range store.WatchedBuckets {
		if l == label {
			return fmt.Sprintf("q%d", i+1)
		}
	}
	return "q4"
}

// oneDecimal shows f with one decimal, a comma in French.
func oneDecimal(l *locale.Localizer, f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if l.Lang() == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
