package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/webm"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// liveSession is a session with its owner and four registrants: ann and bob attend, cid
// does not, dan is blocked.
type liveSession struct {
	h                  *harness
	node               *mediaNode
	owner              account
	ses                string
	ann, bob, cid, dan string // e-mail addresses
	ids                map[string]string
}

// livePlan is how newLiveSession sets up the event and its session.
type livePlan struct {
	autoRecord, autoStart bool
	startsIn              time.Duration // zero: an hour from now
}

func newLiveSession(t *testing.T, plan livePlan) *liveSession {
	db := storetest.Postgres(t)
	box, smtpURL := startSMTPMaildir(t)
	sender, err := mail.NewSMTPSender(smtpURL, "onair <noreply@onair.test>")
	if err != nil {
		t.Fatal(err)
	}
	node := startMediaNode(t, db)
	h, startWorker := newMediaHarness(t, db, sender, box.dir, node)
	w := startWorker(sender)
	t.Cleanup(w.Stop)
	owner := h.signup("After the live")
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{
		"title": "Launch review", "settings": map[string]any{"reminder_offsets_minutes": []int{}, "green_room_minutes": 0,
			"auto_record": plan.autoRecord, "auto_start": plan.autoStart},
	}).field(t, "id")
	if plan.startsIn == 0 {
		plan.startsIn = time.Hour
	}
	ses := h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key, map[string]any{
		"starts_at": future(plan.startsIn), "duration_minutes": 15, "timezone": "Europe/Paris",
	}).field(t, "id")
	l := &liveSession{h: h, node: node, owner: owner, ses: ses, ann: email("ann"), bob: email("bob"), cid: email("cid"), dan: email("dan"),
		ids: map[string]string{}}
	for addr, name := range map[string]string{l.ann: "Ann", l.bob: "Bob, Jr.", l.cid: "Cid", l.dan: "Dan"} {
		l.ids[addr] = h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/registrants", owner.Key,
			map[string]any{"email": addr, "name": name}).field(t, "id")
	}
	if _, err := store.SetRegistrantStatus(context.Background(), db, owner.WorkspaceID, l.ids[l.dan], store.RegistrantBlocked, false); err != nil {
		t.Fatal(err)
	}
	return l
}

func (l *liveSession) join(t *testing.T, addr string) *roomClient {
	tok := registrantToken(t, l.h.db, l.owner.WorkspaceID, l.ids[addr])
	return joinRoom(t, l.ses, l.h.must(http.StatusOK, "POST", "/v1/public/join", "", map[string]string{"token": tok}))
}

func intp(i int) *int { return &i }

// postLiveView is the part of GET /v1/sessions/:id/status these tests read.
type postLiveView struct {
	Status   string `json:"status"`
	PostLive struct {
		FailedStep string `json:"failed_step"`
		Error      string `json:"error"`
	} `json:"post_live"`
}

func (l *liveSession) status(t *testing.T) postLiveView {
	t.Helper()
	var st postLiveView
	l.h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses+"/status", l.owner.Key, nil).json(t, &st)
	return st
}

// waitProcessed waits for the post-live chain to finish, and says which step failed if one did.
func (l *liveSession) waitProcessed(t *testing.T) {
	t.Helper()
	waitFor(t, 60*time.Second, "the session to be processed", func() bool {
		st := l.status(t)
		if st.Status == store.SessionProcessingFailed {
			t.Fatalf("post-live step %s failed: %s", st.PostLive.FailedStep, st.PostLive.Error)
		}
		return st.Status == store.SessionProcessed
	})
}

// waitRecordedVideo waits until the session is recording and has about a second of video.
func (l *liveSession) waitRecordedVideo(t *testing.T) {
	t.Helper()
	control := mediactl.New(l.node.srv.URL, l.node.secret, nil)
	waitFor(t, 30*time.Second, "the auto-recording to get a second of video", func() bool {
		st, err := control.Recording(context.Background(), l.ses)
		video := uint64(0)
		for _, tr := range st.Tracks {
			if tr.Kind == "video" {
				video += tr.Packets
			}
		}
		return err == nil && st.State == mediactl.RecordingActive && video >= 40
	})
}

// TestPostLiveEndToEnd: a live session on the real media node with a host publishing audio
// and video (recorded from the REC button), two attending participants, one no-show and one
// blocked registrant; chat, a question answered, a poll. After the host stops it the WebM
// exists and parses, the replay serves it to a registrant and refuses a stranger, the exports
// hold exactly what happened, and everyone approved gets the right follow-up once.
func TestPostLiveEndToEnd(t *testing.T) {
	l := newLiveSession(t, livePlan{})
	h, t0 := l.h, time.Now()
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+l.ses+"/staff", l.owner.Key, map[string]any{"member_id": l.owner.MemberID, "role": "host"})
	isProblem(t, h.call("POST", "/v1/sessions/"+l.ses+"/recording/start", l.owner.Key, nil), http.StatusConflict) // not live yet
	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/start", l.owner.Key, nil)
	h.waitStatus(l.owner, l.ses, store.SessionLive)

	hostToken := h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/join-token", l.owner.Key, nil)
	if role := hostToken.field(t, "role"); role != "host" {
		t.Fatalf("the owner joins as %s", role)
	}
	host := newPublisher(t, l.ses, hostToken)
	if st := h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/recording/start", l.owner.Key, nil).field(t, "state"); st != mediactl.RecordingActive {
		t.Fatalf("REC button: recording %s", st)
	}
	host.Publish("audio", "video")
	control := mediactl.New(l.node.srv.URL, l.node.secret, nil)
	waitFor(t, 30*time.Second, "two seconds of audio and video recorded", func() bool {
		st, err := control.Recording(context.Background(), l.ses)
		got := map[string]uint64{}
		for _, tr := range st.Tracks {
			got[tr.Kind] += tr.Packets
		}
		return err == nil && got["audio"] >= 100 && got["video"] >= 60
	})
	ann, bob := l.join(t, l.ann), l.join(t, l.bob)
	host.send(wire.Frame{Type: wire.FramePollCreate, RoomFields: wire.RoomFields{Text: "Ship it?", Options: []string{"yes", "not yet"}}})
	poll := host.expect(wire.FramePoll, func(f wire.Frame) bool { return f.Poll != nil }).Poll
	host.send(wire.Frame{Type: wire.FramePollSend, RoomFields: wire.RoomFields{ID: poll.ID}})
	sent := func(f wire.Frame) bool {
		return f.Poll != nil && f.Poll.ID == poll.ID && f.Poll.Status == store.PollSent
	}
	ann.expect(wire.FramePoll, sent)
	bob.expect(wire.FramePoll, sent)
	ann.send(wire.Frame{Type: wire.FramePollAnswer, RoomFields: wire.RoomFields{ID: poll.ID, Option: intp(0)}})
	bob.send(wire.Frame{Type: wire.FramePollAnswer, RoomFields: wire.RoomFields{ID: poll.ID, Option: intp(1)}})
	ann.send(wire.Frame{Type: wire.FrameChatSend, RoomFields: wire.RoomFields{Text: "Hello, everyone"}})
	bob.send(wire.Frame{Type: wire.FrameChatSend, RoomFields: wire.RoomFields{Text: "=2+2 \"quoted\""}})
	ann.send(wire.Frame{Type: wire.FrameQuestionAsk, RoomFields: wire.RoomFields{Text: "When is v2?"}})
	q := host.expect(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question != nil && f.Question.Text == "When is v2?" }).Question
	host.send(wire.Frame{Type: wire.FrameQuestionAnswer, RoomFields: wire.RoomFields{ID: q.ID, Text: "Next month"}})
	ann.expect(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question != nil && f.Question.ID == q.ID && f.Question.Answer != "" })
	bob.send(wire.Frame{Type: wire.FrameQuestionAsk, RoomFields: wire.RoomFields{Text: "Is it open source?"}})
	q2 := host.expect(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question != nil && f.Question.Text == "Is it open source?" }).Question
	host.send(wire.Frame{Type: wire.FrameQuestionLive, RoomFields: wire.RoomFields{ID: q2.ID}})
	bob.expect(wire.FrameQuestion, func(f wire.Frame) bool {
		return f.Question != nil && f.Question.ID == q2.ID && f.Question.AnsweredLive
	})
	// Frames of different sockets race; what the room persisted is what counts.
	waitFor(t, 15*time.Second, "the room's chat and votes to be stored", func() bool {
		chats, _ := h.db.NewSelect().Model((*store.ChatMessage)(nil)).Where("session_id = ?", l.ses).Count(context.Background())
		votes, _ := h.db.NewSelect().Model((*store.PollVote)(nil)).Where("session_id = ?", l.ses).Count(context.Background())
		return chats == 2 && votes == 2
	})

	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/stop", l.owner.Key, nil)
	l.waitProcessed(t)

	regs := parseCSV(t, h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses+"/exports/registrants", l.owner.Key, nil).Body)
	if len(regs) != 5 {
		t.Fatalf("%d registrant rows, want 4: %q", len(regs)-1, regs)
	}
	attended := map[string]string{}
	for i, addr := range column(t, regs, "E-mail") {
		attended[addr] = column(t, regs, "Attended live")[i]
		join := column(t, regs, "First joined")[i]
		leave := column(t, regs, "Last left")[i]
		joined, err := time.Parse(exportTimeLayout, join)
		if attended[addr] == "yes" && (err != nil || leave == "" || joined.Before(t0.Truncate(time.Second))) {
			t.Errorf("%s attended without join %q / leave %q", addr, join, leave)
		}
	}
	if attended[l.ann] != "yes" || attended[l.bob] != "yes" || attended[l.cid] != "no" || attended[l.dan] != "no" {
		t.Fatalf("attendance %v", attended)
	}
	chat := parseCSV(t, h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses+"/exports/chat", l.owner.Key, nil).Body)
	lines := map[string]string{}
	for i, text := range column(t, chat, "Message") {
		lines[column(t, chat, "Name")[i]] = text
	}
	if len(lines) != 2 || lines["Ann"] != "Hello, everyone" || lines["Bob, Jr."] != `'=2+2 "quoted"` {
		t.Fatalf("chat export %q", chat)
	}
	questions := parseCSV(t, h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses+"/exports/questions", l.owner.Key, nil).Body)
	asked := map[string]string{}
	for i, who := range column(t, questions, "Asked by") {
		asked[who] = strings.Join([]string{column(t, questions, "Question")[i], column(t, questions, "Private")[i],
			column(t, questions, "Answered")[i], column(t, questions, "Answered live")[i], column(t, questions, "Answer")[i]}, "|")
	}
	if len(questions) != 3 || asked["Ann"] != "When is v2?|no|yes|no|Next month" || asked["Bob, Jr."] != "Is it open source?|no|yes|yes|" {
		t.Fatalf("questions export %q", questions)
	}
	votes := parseCSV(t, h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses+"/exports/votes", l.owner.Key, nil).Body)
	choices := map[string]string{}
	for i, name := range column(t, votes, "Name") {
		choices[name] = column(t, votes, "Option")[i]
	}
	if len(choices) != 2 || choices["Ann"] != "yes" || choices["Bob, Jr."] != "not yet" {
		t.Fatalf("votes export %q", votes)
	}
	polls := parseCSV(t, h.must(http.StatusOK, "GET", "/v1/events/"+eventOf(t, h, l)+"/exports/polls", l.owner.Key, nil).Body)
	if got := strings.Join(column(t, polls, "Votes"), "|"); got != "1|1" {
		t.Fatalf("poll results %q", polls)
	}

	for addr, want := range map[string]string{l.ann: "Thank you for attending", l.bob: "Thank you for attending", l.cid: "Sorry we missed you"} {
		if n := h.subjects(addr, want); n != 1 {
			t.Errorf("%s got %d %q e-mails, want 1", addr, n, want)
		}
		link := "http://onair.test/replay/" + registrantToken(t, h.db, l.owner.WorkspaceID, l.ids[addr])
		if m := h.mailAbout(addr, want); !strings.Contains(m.text, link) {
			t.Errorf("%s's follow-up lacks their replay link %s:\n%s", addr, link, m.text)
		}
	}
	if n := h.subjects(l.dan, "Thank you") + h.subjects(l.dan, "Sorry"); n != 0 {
		t.Errorf("the blocked registrant got %d follow-ups", n)
	}

	// The replay: cid (who missed the live) opens it from the link; a stranger cannot.
	checkCompositeReplay(t, l, l.cid)
	if r := h.call("GET", "/replay/join_nobodyhasthisone", "", nil); r.Status != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("an unknown replay link: %d %q, want a 404 page", r.Status, r.Header.Get("Content-Type"))
	}
	isProblem(t, h.call("GET", "/replay/join_nobodyhasthisone/video", "", nil), http.StatusNotFound)
	isProblem(t, h.call("GET", "/replay/"+registrantToken(t, h.db, l.owner.WorkspaceID, l.ids[l.dan])+"/video", "", nil), http.StatusForbidden)
	regs = parseCSV(t, h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses+"/exports/registrants", l.owner.Key, nil).Body)
	for i, addr := range column(t, regs, "E-mail") {
		if want := map[bool]string{true: "1", false: "0"}[addr == l.cid]; column(t, regs, "Replay views")[i] != want {
			t.Errorf("%s has %s replay views, want %s", addr, column(t, regs, "Replay views")[i], want)
		}
	}
	rec, err := store.RecordingOf(context.Background(), h.db, l.ses)
	// The row names the composite replay the egress worker made.
	if err != nil || rec.Status != store.RecordingReady || !strings.HasSuffix(rec.File, "/replay/replay.mp4") || rec.Bytes == 0 || rec.DurationMS < 1000 {
		t.Fatalf("recording row %+v, %v", rec, err)
	}
	playReplayInChromium(t, h, "/replay/"+registrantToken(t, h.db, l.owner.WorkspaceID, l.ids[l.cid]))
	checkWebMReplay(t, l, l.ann)
}

// assertReplayWebM parses the served file as a player would: a WebM with one VP8 and one
// Opus track and over a second of blocks.
func assertReplayWebM(t *testing.T, data []byte) {
	t.Helper()
	var doc struct {
		Header  webm.EBMLHeader `ebml:"EBML"`
		Segment webm.Segment    `ebml:"Segment"`
	}
	if err := ebml.Unmarshal(bytes.NewReader(data), &doc); err != nil {
		t.Fatalf("the replay is not a WebM: %v", err)
	}
	codecs := map[string]bool{}
	for _, e := range doc.Segment.Tracks.TrackEntry {
		codecs[e.CodecID] = true
	}
	if doc.Header.DocType != "webm" || len(codecs) != 2 || !codecs["V_VP8"] || !codecs["A_OPUS"] || len(doc.Segment.Cluster) == 0 {
		t.Fatalf("replay WebM: doc type %q, tracks %v, %d clusters", doc.Header.DocType, codecs, len(doc.Segment.Cluster))
	}
}

func eventOf(t *testing.T, h *harness, l *liveSession) string {
	return h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses, l.owner.Key, nil).field(t, "event_id")
}

// The media node fails to finalize every time: the session ends processing_failed with the
// step named, its host is e-mailed once, and a host's retry once the node is back finishes
// the chain (one more finalize, follow-ups sent).
func TestPostLiveFailureTellsHostsAndRetries(t *testing.T) {
	l := newLiveSession(t, livePlan{})
	h := l.h
	l.node.failFinalize.Store(-1)

	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/start", l.owner.Key, nil)
	h.waitStatus(l.owner, l.ses, store.SessionLive)
	l.join(t, l.ann)
	isProblem(t, h.call("POST", "/v1/sessions/"+l.ses+"/post-live/retry", l.owner.Key, nil), http.StatusConflict)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/stop", l.owner.Key, nil)
	waitFor(t, 60*time.Second, "the session to be processing_failed", func() bool {
		return h.must(http.StatusOK, "GET", "/v1/sessions/"+l.ses, l.owner.Key, nil).field(t, "status") == store.SessionProcessingFailed
	})
	if n := l.node.finalizes.Load(); n != 4 {
		t.Errorf("%d finalize calls, want the step's 4 attempts", n)
	}
	st := l.status(t)
	if st.Status != store.SessionProcessingFailed || st.PostLive.FailedStep != "recording" || !strings.Contains(st.PostLive.Error, "muxer crashed") {
		t.Fatalf("status %+v", st)
	}
	owner := ownerEmail(t, h, l.owner)
	h.waitMail(owner, "Replay processing failed: Launch review")
	if m := h.mailAbout(owner, "Replay processing failed"); !strings.Contains(m.text, "“recording”") || !strings.Contains(m.text, "/post-live/retry") {
		t.Fatalf("hosts' e-mail does not say what failed or how to retry:\n%s", m.text)
	}
	if n := h.subjects(l.ann, "Thank you"); n != 0 {
		t.Fatal("follow-ups left before the failed step was fixed")
	}

	l.node.failFinalize.Store(0)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/post-live/retry", l.owner.Key, nil)
	h.waitStatus(l.owner, l.ses, store.SessionProcessed)
	if n := l.node.finalizes.Load(); n != 5 {
		t.Errorf("%d finalize calls, want one more after the retry", n)
	}
	if h.subjects(l.ann, "Thank you for attending") != 1 || h.subjects(l.cid, "Sorry we missed you") != 1 {
		t.Fatal("follow-ups not sent once after the retry")
	}
	if n := h.subjects(owner, "Replay processing failed"); n != 1 {
		t.Fatalf("hosts told %d times, want once", n)
	}
}

func ownerEmail(t *testing.T, h *harness, a account) string {
	t.Helper()
	var addr string
	err := h.db.NewSelect().TableExpr("users").Column("email").Where("id = ?", a.UserID).Scan(context.Background(), &addr)
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// An auto-recorded session whose media node fails to finalize twice: the step's own retries
// get through, and the session has exactly one ready recording and no failure told.
func TestPostLiveFinalizeFailsTwiceThenSucceeds(t *testing.T) {
	l := newLiveSession(t, livePlan{autoRecord: true})
	h := l.h
	l.node.failFinalize.Store(2)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/start", l.owner.Key, nil)
	h.waitStatus(l.owner, l.ses, store.SessionLive)
	host := newPublisher(t, l.ses, h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/join-token", l.owner.Key, nil))
	host.Publish("audio", "video")
	l.waitRecordedVideo(t)
	h.must(http.StatusOK, "POST", "/v1/sessions/"+l.ses+"/stop", l.owner.Key, nil)
	l.waitProcessed(t)
	if n := l.node.finalizes.Load(); n != 3 {
		t.Errorf("%d finalize calls, want 2 failures and 1 success", n)
	}
	var recs []store.Recording
	if err := h.db.NewSelect().Model(&recs).Where("session_id = ?", l.ses).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Status != store.RecordingReady || recs[0].Bytes == 0 {
		t.Fatalf("recordings %+v", recs)
	}
	if n := h.subjects(ownerEmail(t, h, l.owner), "Replay processing failed"); n != 0 {
		t.Fatalf("hosts told of a failure that retries fixed (%d e-mails)", n)
	}
	h.waitMail(l.cid, "Sorry we missed you")
	if m := h.mailAbout(l.cid, "Sorry we missed you"); !strings.Contains(m.text, "/replay/") {
		t.Fatalf("the no-show's follow-up has no replay link:\n%s", m.text)
	}
}
