package api_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// reportScene is a session run through the real API and a real media node whose clock the
// test moves, so every number of its report is known: who did what, and when.
type reportScene struct {
	h                  *harness
	node               *mediatest.Node
	owner              account
	event, session     string
	ann, bob, cat, dan string // registrant ids
}

// runReportScene plays this session (10 minutes planned, so watch shares are of 600 s):
//
//	t0      the host and Ann join; the host turns reactions on, sends a poll (3 options) and
//	        a call to action; Ann chats twice, asks 2 questions, votes option 0, claps 3
//	        times and clicks the call to action
//	t0+60   Bob joins: chats once, asks 2 questions (the host answers one in writing, one
//	        live), votes option 1, sends a heart, clicks the call to action twice
//	t0+120  Bob leaves; t0+180 he is back; t0+300 everyone leaves
//	after   Cat watches the replay twice; Dan (registered, never came) cancels
//
// Sources: Ann and Dan came from utm_source newsletter (campaign spring), Bob from a blog
// post, Cat directly.
func runReportScene(t *testing.T) *reportScene {
	t.Helper()
	db := storetest.Postgres(t)
	node := mediatest.StartNodeOn(t, t.TempDir(), db)
	h := newHarnessOn(t, db, &mediaNode{srv: node.Server, secret: mediatest.TestSecret})
	sc := &reportScene{h: h, node: node, owner: h.signupTeam("Reports")}
	key := sc.owner.Key
	sc.event = h.must(http.StatusCreated, "POST", "/v1/events", key, map[string]any{"title": "Quarterly review"}).field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+sc.event+"/publish", key, nil)
	sc.session = h.must(http.StatusCreated, "POST", "/v1/events/"+sc.event+"/sessions", key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 10, "timezone": "Europe/Paris"}).field(t, "id")
	register := func(who string, source map[string]any) string {
		body := map[string]any{"email": email(who), "name": who}
		for k, v := range source {
			body[k] = v
		}
		return h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+sc.session+"/registrations", "", body).field(t, "id")
	}
	newsletter := map[string]any{"utm_source": "newsletter", "utm_campaign": "spring"}
	sc.ann = register("Ann", newsletter)
	sc.bob = register("Bob", map[string]any{"referrer": "https://blog.example.org/post"})
	sc.cat = register("Cat", nil)
	sc.dan = register("Dan", newsletter)

	node.Rooms.Open(sc.session)
	join := func(id string) *roomClient {
		return joinRoom(t, sc.session, h.must(http.StatusOK, "POST", "/v1/public/join", "", map[string]any{"token": joinTokenOf[store.Registrant](t, h, id)}))
	}
	host := joinRoom(t, sc.session, h.must(http.StatusOK, "POST", "/v1/sessions/"+sc.session+"/join-token", key, nil))
	ann := join(sc.ann)
	on := true
	host.send(wire.Frame{Type: wire.FrameReactionsEnable, RoomFields: wire.RoomFields{Enabled: &on}})
	ann.expect(wire.FrameReactions, func(f wire.Frame) bool { return f.Reactions != nil && f.Reactions.Enabled })
	host.send(wire.Frame{Type: wire.FramePollCreate, RoomFields: wire.RoomFields{Text: "Useful?", Options: []string{"Yes", "No", "Maybe"}}})
	poll := host.expect(wire.FramePoll, nil).Poll.ID
	host.send(wire.Frame{Type: wire.FramePollSend, RoomFields: wire.RoomFields{ID: poll}})
	ann.expect(wire.FramePoll, func(f wire.Frame) bool { return f.Poll.ID == poll })
	host.send(wire.Frame{Type: wire.FrameCTASend, RoomFields: wire.RoomFields{Text: "Book a demo", URL: "https://example.com/demo"}})
	cta := ann.expect(wire.FrameCTA, nil).CTA.ID
	if cta == "" {
		t.Fatal("the call to action reached the room without an id")
	}

	say := func(c *roomClient, text string) {
		c.send(wire.Frame{Type: wire.FrameChatSend, RoomFields: wire.RoomFields{Text: text}})
		c.expect(wire.FrameChat, func(f wire.Frame) bool { return f.Chat.Text == text })
	}
	ask := func(c *roomClient, text string) string {
		c.send(wire.Frame{Type: wire.FrameQuestionAsk, RoomFields: wire.RoomFields{Text: text}})
		return c.expect(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question.Text == text }).Question.ID
	}
	vote := func(c *roomClient, option int) {
		c.send(wire.Frame{Type: wire.FramePollAnswer, RoomFields: wire.RoomFields{ID: poll, Option: &option}})
		c.expect(wire.FramePoll, func(f wire.Frame) bool { return f.Poll.ID == poll && f.Poll.Counts[option] > 0 })
	}
	react := func(c *roomClient, kind string, total int) {
		c.send(wire.Frame{Type: wire.FrameReactionSend, RoomFields: wire.RoomFields{Reaction: kind}})
		c.expect(wire.FrameReactions, func(f wire.Frame) bool { return f.Reactions.Counts[kind] == total })
	}
	clicks := 0
	click := func(c *roomClient) {
		c.send(wire.Frame{Type: wire.FrameCTAClick, RoomFields: wire.RoomFields{ID: cta}})
		clicks++
		mediatest.WaitFor(t, "the click journaled", func() bool {
			node.Flush(t, sc.session)
			return node.Count(t, (*store.RoomEvent)(nil), sc.session, "kind = ?", store.RoomEventCTAClick) == clicks
		})
	}
	say(ann, "Hello")
	say(ann, "Great slides")
	ask(ann, "When is the next one?")
	ask(ann, "Is it recorded?")
	vote(ann, 0)
	for i := 1; i <= 3; i++ {
		react(ann, "clap", i)
	}
	click(ann)

	node.Clock.Advance(time.Minute)
	bob := join(sc.bob)
	say(bob, "Hi all")
	written := ask(bob, "Pricing?")
	aloud := ask(bob, "Roadmap?")
	vote(bob, 1)
	react(bob, "love", 1)
	click(bob)
	click(bob)
	host.send(wire.Frame{Type: wire.FrameQuestionAnswer, RoomFields: wire.RoomFields{ID: written, Text: "On the website"}})
	bob.expect(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question.ID == written && f.Question.Answer != "" })
	host.send(wire.Frame{Type: wire.FrameQuestionLive, RoomFields: wire.RoomFields{ID: aloud}})
	bob.expect(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question.ID == aloud && f.Question.AnsweredLive })

	node.Clock.Advance(time.Minute)
	sc.leave(t, bob, sc.bob, 1)
	node.Clock.Advance(time.Minute)
	bob = join(sc.bob)
	node.Clock.Advance(2 * time.Minute)
	sc.leave(t, ann, sc.ann, 1)
	sc.leave(t, bob, sc.bob, 2)
	_ = host.ws.CloseNow()
	node.Flush(t, sc.session)

	cat, err := store.Get[store.Registrant](context.Background(), db, sc.owner.WorkspaceID, sc.cat)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := store.RecordReplayView(context.Background(), db, cat); err != nil {
			t.Fatal(err)
		}
	}
	h.must(http.StatusOK, "POST", "/v1/registrants/"+sc.dan+"/cancel", key, nil)
	return sc
}

// leave closes c's socket and waits until the room closed their visit (the n-th of theirs),
// so the clock moves on only once the leave is stamped.
func (sc *reportScene) leave(t *testing.T, c *roomClient, person string, n int) {
	t.Helper()
	_ = c.ws.CloseNow()
	mediatest.WaitFor(t, "the visit closed", func() bool {
		sc.node.Flush(t, sc.session)
		return storetest.Count(t, sc.h.db, (*store.Attendance)(nil), "person_id = ? AND left_at IS NOT NULL", person) == n
	})
}

func TestSessionReportCountsWhatHappened(t *testing.T) {
	sc := runReportScene(t)
	h, key := sc.h, sc.owner.Key
	var r store.SessionReport
	h.must(http.StatusOK, "GET", "/v1/sessions/"+sc.session+"/report", key, nil).json(t, &r)

	wantEqual(t, "registrants", r.Registrants.Total, 4)
	wantEqual(t, "by status", r.Registrants.ByStatus, map[string]int{"approved": 3, "cancelled": 1})
	wantEqual(t, "by source", r.Registrants.BySource, []store.LabelCount{{Label: "newsletter", Count: 2}, {Label: "", Count: 1}, {Label: "blog.example.org", Count: 1}})
	wantEqual(t, "by campaign", r.Registrants.ByCampaign, []store.LabelCount{{Label: "", Count: 2}, {Label: "spring", Count: 2}})

	a := r.Attendance
	wantEqual(t, "live attendees", a.Live, 2)
	wantEqual(t, "replay viewers", a.Replay, 1)
	wantEqual(t, "replay views", a.ReplayViews, 2)
	// Minute 0 Ann; 1 Ann and Bob; 2 Ann (Bob left at 120 s); 3 and 4 both (Bob back at 180 s).
	wantEqual(t, "curve", a.Curve, []int{1, 2, 1, 2, 2})
	wantEqual(t, "peak", a.PeakViewers, 2)
	wantEqual(t, "average viewers", a.AverageViewers, (300.0+180.0)/300.0)
	// Ann watched 300 s of 600 (50 %), Bob 60 + 120 = 180 s (30 %).
	wantEqual(t, "watched", a.Watched, []store.LabelCount{{Label: "0-25"}, {Label: "25-50", Count: 1}, {Label: "50-75", Count: 1}, {Label: "75-100"}})
	wantEqual(t, "average seconds live", a.AverageSecondsLive, 240.0)
	wantEqual(t, "session seconds", a.SessionSecondsBasis, 600)

	wantEqual(t, "chat", r.ChatMessages, 3)
	wantEqual(t, "questions", r.Questions, store.QuestionCounts{Asked: 4, Answered: 2, AnsweredLive: 1})
	if len(r.Polls) != 1 {
		t.Fatalf("polls: %+v", r.Polls)
	}
	wantEqual(t, "poll", r.Polls[0].Votes, 2)
	wantEqual(t, "poll options", r.Polls[0].Options, []store.OptionResult{{Text: "Yes", Votes: 1, Percent: 50}, {Text: "No", Votes: 1, Percent: 50}, {Text: "Maybe"}})
	if len(r.CTAs) != 1 || r.CTAs[0].Text != "Book a demo" || r.CTAs[0].URL != "https://example.com/demo" {
		t.Fatalf("calls to action: %+v", r.CTAs)
	}
	wantEqual(t, "cta clicks", r.CTAs[0].Clicks, 3)
	wantEqual(t, "cta clickers", r.CTAs[0].Clickers, 2)
	wantEqual(t, "all clicks", r.CTAClicks, 3)
	wantEqual(t, "reactions", r.Reactions.Total, 4)
	wantEqual(t, "reactions by kind", r.Reactions.ByKind, map[string]int{"clap": 3, "love": 1})
	wantEqual(t, "reactions per minute", r.Reactions.PerMinute, []int{3, 1, 0, 0, 0})

	// Ann: watched 4×0.5 + chat 2/5 + questions 1.5 + polls 1.5 + reactions 3/10 + CTA 1 = 6.7.
	// Bob: 4×0.3 + 1/5 + 1.5 + 1.5 + 1/10 + 1 = 5.5. Cat: a replay view, 1. Dan did nothing.
	want := []struct {
		id    string
		score float64
	}{{sc.ann, 6.7}, {sc.bob, 5.5}, {sc.cat, 1}}
	if len(r.Engagement.Top) != len(want) {
		t.Fatalf("top attendees: %+v", r.Engagement.Top)
	}
	for i, w := range want {
		wantEqual(t, "top "+w.id, [2]any{r.Engagement.Top[i].RegistrantID, r.Engagement.Top[i].Score}, [2]any{w.id, w.score})
	}
	wantEqual(t, "Ann's counts", r.Engagement.Top[0].Engagement, store.Engagement{RegistrantID: sc.ann, SessionID: sc.session,
		SecondsLive: 300, ChatMessages: 2, Questions: 2, PollVotes: 1, Reactions: 3, CTAClicks: 1, Score: 6.7})
	wantEqual(t, "Ann's name", r.Engagement.Top[0].Name, "Ann")
	// Each ranked registrant carries their delivery record: Ann registered, so her
	// confirmation was queued for her.
	if ds := r.Engagement.Top[0].Deliveries; len(ds) == 0 || ds[0].Kind != store.DeliveryConfirmation || ds[0].RecipientID != sc.ann {
		t.Errorf("Ann's deliveries %+v, want her confirmation first", ds)
	}
	wantEqual(t, "average engagement", r.Engagement.Average, 4.4) // (6.7 + 5.5 + 1) / 3
	wantEqual(t, "attendees scored", r.Engagement.Attended, 3)

	// The registrant API shows the same scores, one registrant or a page of them.
	var one struct {
		Score float64 `json:"engagement_score"`
	}
	h.must(http.StatusOK, "GET", "/v1/registrants/"+sc.ann, key, nil).json(t, &one)
	wantEqual(t, "Ann's registrant score", one.Score, 6.7)
	var page struct {
		Data []struct {
			ID    string  `json:"id"`
			Score float64 `json:"engagement_score"`
		} `json:"data"`
	}
	h.must(http.StatusOK, "GET", "/v1/registrants?session_id="+sc.session, key, nil).json(t, &page)
	scores := map[string]float64{}
	for _, p := range page.Data {
		scores[p.ID] = p.Score
	}
	wantEqual(t, "page of scores", scores, map[string]float64{sc.ann: 6.7, sc.bob: 5.5, sc.cat: 1, sc.dan: 0})

	// The event's report sums its one session.
	var ev store.EventReport
	h.must(http.StatusOK, "GET", "/v1/events/"+sc.event+"/report", key, nil).json(t, &ev)
	wantEqual(t, "event sessions", len(ev.Sessions), 1)
	wantEqual(t, "event totals", [8]int{ev.Registrants.Total, ev.Live, ev.Replay, ev.ReplayViews, ev.ChatMessages, ev.Questions.Asked, ev.PollVotes, ev.CTAClicks},
		[8]int{4, 2, 1, 2, 3, 4, 2, 3})
	wantEqual(t, "event peak", ev.Sessions[0].PeakViewers, 2)
	wantEqual(t, "event engagement", ev.Engagement.Average, 4.4)
	wantEqual(t, "event top", ev.Engagement.Top[0].RegistrantID, sc.ann)

	// Another workspace sees nothing of it.
	other := h.signup("Elsewhere")
	wantProblem(t, h.call("GET", "/v1/sessions/"+sc.session+"/report", other.Key, nil), http.StatusNotFound, "")
	wantProblem(t, h.call("GET", "/v1/events/"+sc.event+"/report", other.Key, nil), http.StatusNotFound, "")
}

func TestReportPageOpensWithItsLinkOnly(t *testing.T) {
	sc := runReportScene(t)
	h, key := sc.h, sc.owner.Key
	link := h.must(http.StatusCreated, "POST", "/v1/sessions/"+sc.session+"/report/link?minutes=5", key, nil)
	var l struct {
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	link.json(t, &l)
	if until := time.Until(l.ExpiresAt); until < 4*time.Minute || until > 5*time.Minute {
		t.Errorf("a 5-minute link expires in %s", until)
	}
	path := strings.TrimPrefix(l.URL, "http://onair.test")
	for lang, words := range map[string][]string{"en": {"Viewers per minute", "Most engaged attendees", "Useful?", "Book a demo", "E-mails: confirmation ("}, "fr": {"Spectateurs par minute", "Participants les plus engagés", "4,4", "E-mails : confirmation ("}} {
		body := wantPage(t, h.call("GET", path+"?lang="+lang, "", nil), http.StatusOK, lang, words...)
		if n := strings.Count(body, "<svg"); n < 6 { // curve, reactions, watched, status, source, poll
			t.Errorf("%s page has %d charts", lang, n)
		}
	}
	ev := h.must(http.StatusCreated, "POST", "/v1/events/"+sc.event+"/report/link", key, nil).field(t, "url")
	wantPage(t, h.call("GET", strings.TrimPrefix(ev, "http://onair.test"), "", nil), http.StatusOK, "en", "Quarterly review", "Live attendees per session")

	// A link for another object, a tampered one, or a bad lifetime is refused.
	forged := strings.Replace(path, sc.session, sc.event, 1)
	wantPage(t, h.call("GET", forged, "", nil), http.StatusNotFound, "en")
	wantPage(t, h.call("GET", path[:len(path)-2]+"xx", "", nil), http.StatusNotFound, "en")
	wantProblem(t, h.call("POST", "/v1/sessions/"+sc.session+"/report/link?minutes=0", key, nil), http.StatusBadRequest, "minutes")
	wantProblem(t, h.call("POST", "/v1/sessions/"+sc.session+"/report/link", "", nil), http.StatusUnauthorized, "")
}

func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}
