package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/billing"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/store"
)

var testMediaSecret = []byte("api test media secret")

const testMediaURL = "http://media.onair.test"

// verifyJoin checks a join-token reply: signed with the media secret, for this session, and
// naming the expected person and session role.
func verifyJoin(t *testing.T, r reply, session, person string, role authz.SessionRole) {
	t.Helper()
	var out struct {
		Token, MediaURL, SignalURL, Role string
	}
	r.json(t, &out)
	claims, err := jointoken.Verify(testMediaSecret, r.field(t, "token"), session, time.Now())
	if err != nil {
		t.Fatalf("join token does not verify: %v (%s)", err, r.Body)
	}
	if claims.PersonID != person || claims.Role != role || claims.MediaURL != testMediaURL {
		t.Fatalf("claims %+v, want person %s role %s", claims, person, role)
	}
	// The room enforces the plan's live-attendee cap from the token (signupTeam: Business).
	if claims.WorkspaceID == "" || claims.MaxAttendees != billing.PlanOf("business").MaxLiveAttendees {
		t.Fatalf("claims %+v lack the workspace or the Business plan's live-attendee cap", claims)
	}
	if got := r.field(t, "signal_url"); got != "ws://media.onair.test"+jointoken.SignalPath {
		t.Fatalf("signal_url %q", got)
	}
	if got, want := r.field(t, "room_url"), testMediaURL+"/room/?lang=en#session="+session+"&token="; !strings.HasPrefix(got, want) {
		t.Fatalf("room_url %q, want the English room page with the token in the fragment", got)
	}
	if _, err := jointoken.Verify(testMediaSecret, r.field(t, "token"), "ses_other", time.Now()); err == nil {
		t.Fatal("the token verifies for another session")
	}
}

func TestJoinTokens(t *testing.T) {
	h := sqliteHarness(t)
	owner := h.signupTeam("Live")
	member := h.join(owner, "member", false, false)
	ses := approvalSession(t, h, owner)
	path := "/v1/sessions/" + ses + "/join-token"

	// Team members: the owner (here also the event's creator) hosts by default, anyone else is
	// a moderator unless assigned as host with host rights (default_hosts_test.go has more).
	verifyJoin(t, h.must(http.StatusOK, "POST", path, owner.Key, nil), ses, owner.MemberID, authz.SessionHost)
	h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/staff", owner.Key, map[string]any{"member_id": owner.MemberID, "role": "host"})
	verifyJoin(t, h.must(http.StatusOK, "POST", path, owner.Key, nil), ses, owner.MemberID, authz.SessionHost)
	verifyJoin(t, h.must(http.StatusOK, "POST", path, member.Key, nil), ses, member.MemberID, authz.SessionModerator)
	wantProblem(t, h.call("POST", path, "", nil), http.StatusUnauthorized, "")
	wantProblem(t, h.call("POST", "/v1/sessions/ses_01JZZZZZZZZZZZZZZZZZZZZZZZ/join-token", owner.Key, nil), http.StatusNotFound, "")
	other := h.signup("Elsewhere")
	wantProblem(t, h.call("POST", path, other.Key, nil), http.StatusNotFound, "")

	// Registrants join with their personal link once approved; speakers with theirs.
	reg := h.must(http.StatusCreated, "POST", "/v1/public/sessions/"+ses+"/registrations", "", map[string]any{"email": email("ann"), "name": "Ann"})
	regToken := joinTokenOf[store.Registrant](t, h, reg.field(t, "id"))
	wantProblem(t, h.call("POST", "/v1/public/join", "", map[string]any{"token": regToken}), http.StatusForbidden, "")
	h.must(http.StatusOK, "POST", "/v1/registrants/"+reg.field(t, "id")+"/approve", owner.Key, nil)
	verifyJoin(t, h.must(http.StatusOK, "POST", "/v1/public/join", "", map[string]any{"token": regToken}), ses, reg.field(t, "id"), authz.SessionParticipant)

	speaker := h.must(http.StatusCreated, "POST", "/v1/sessions/"+ses+"/staff", owner.Key, map[string]any{"email": email("sam"), "name": "Sam", "role": "speaker"}).field(t, "id")
	verifyJoin(t, h.must(http.StatusOK, "POST", "/v1/public/join", "", map[string]any{"token": joinTokenOf[store.SessionStaff](t, h, speaker)}), ses, speaker, authz.SessionSpeaker)

	// A host's staff link is not a public join link: hosts use their API key.
	hostStaff := joinTokenOfWhere(t, h, "member_id = ?", owner.MemberID)
	wantProblem(t, h.call("POST", "/v1/public/join", "", map[string]any{"token": hostStaff}), http.StatusNotFound, "")
	wantProblem(t, h.call("POST", "/v1/public/join", "", map[string]any{"token": "join_nobody"}), http.StatusNotFound, "")
	wantProblem(t, h.call("POST", "/v1/public/join", "", map[string]any{"token": ""}), http.StatusBadRequest, "token")
	wantProblem(t, h.call("POST", "/v1/public/join", "", map[string]any{"token": regToken, "role": "host"}), http.StatusBadRequest, "")

	// An ended session hands out no more tokens.
	if _, err := h.db.NewUpdate().Model((*store.Session)(nil)).Set("status = ?", store.SessionEnded).Where("id = ?", ses).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, h.call("POST", path, owner.Key, nil), http.StatusConflict, "")
	wantProblem(t, h.call("POST", "/v1/public/join", "", map[string]any{"token": regToken}), http.StatusConflict, "")
}

// approvalSession is a session in an hour of a published event whose registrations need approval.
func approvalSession(t *testing.T, h *harness, owner account) string {
	t.Helper()
	ev := h.must(http.StatusCreated, "POST", "/v1/events", owner.Key, map[string]any{"title": "Live", "settings": map[string]any{"approval": true}}).field(t, "id")
	h.must(http.StatusOK, "POST", "/v1/events/"+ev+"/publish", owner.Key, nil)
	return h.must(http.StatusCreated, "POST", "/v1/events/"+ev+"/sessions", owner.Key,
		map[string]any{"starts_at": future(time.Hour), "duration_minutes": 15, "timezone": "UTC"}).field(t, "id")
}

// joinTokenOf is the secret of the personal join link of a registrant or staff row, as the
// e-mails carry it.
func joinTokenOf[T store.Registrant | store.SessionStaff](t *testing.T, h *harness, id string) string {
	t.Helper()
	var version int
	if err := h.db.NewSelect().Model((*T)(nil)).Column("link_version").Where("id = ?", id).Scan(context.Background(), &version); err != nil {
		t.Fatal(err)
	}
	return testLinkKey.Secret(store.LinkJoin, id, version)
}

func joinTokenOfWhere(t *testing.T, h *harness, where string, arg any) string {
	t.Helper()
	var id string
	if err := h.db.NewSelect().Model((*store.SessionStaff)(nil)).Column("id").Where(where, arg).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return joinTokenOf[store.SessionStaff](t, h, id)
}
