package liveroles_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/liveroles"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// node stands in for a media node's control API: it lists the open rooms, answers a role
// change for someone connected with 204 and for anyone else with 404 (as the node does), and
// records every role change it is asked for. Down, it answers 503 to everything.
type node struct {
	srv *httptest.Server

	mu        sync.Mutex
	rooms     []string
	connected map[string]bool // session + "/" + person
	down      bool
	pushes    []string // session/person=role; "*" as session for a removal from the workspace
}

var secret = []byte("liveroles test media secret")

func newNode(t *testing.T) *node {
	n := &node{connected: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /control/rooms", func(w http.ResponseWriter, _ *http.Request) {
		n.mu.Lock()
		defer n.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string][]string{"rooms": n.rooms})
	})
	mux.HandleFunc("PUT /control/rooms/{session}/participants/{person}/role", func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("session") + "/" + r.PathValue("person")
		n.record(key, r)
		n.mu.Lock()
		defer n.mu.Unlock()
		if !n.connected[key] {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":404,"detail":"no such person in the room"}`))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT /control/people/{person}/role", func(w http.ResponseWriter, r *http.Request) {
		n.record("*/"+r.PathValue("person"), r)
		w.WriteHeader(http.StatusNoContent)
	})
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		down := n.down
		n.mu.Unlock()
		switch {
		case r.Header.Get("Authorization") != "Bearer "+mediactl.ControlKey(secret):
			w.WriteHeader(http.StatusUnauthorized)
		case down:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			mux.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(n.srv.Close)
	return n
}

func (n *node) record(key string, r *http.Request) {
	var body struct{ Role string }
	_ = json.NewDecoder(r.Body).Decode(&body)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pushes = append(n.pushes, key+"="+body.Role)
}

// taken returns the role changes asked for since the last call, sorted.
func (n *node) taken() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.pushes
	n.pushes = nil
	slices.Sort(out)
	return out
}

// team is a workspace on the per-licence plan with two sessions, one of them with its room
// open, and the members the tests assign to them.
type team struct {
	db                   *bun.DB
	ws                   *store.Workspace
	open, later          *store.Session
	licensed, unlicensed *store.Membership
	creator              *store.Membership // created the event: hosts its sessions by default
	node                 *node
	logs                 *bytes.Buffer
	push                 *liveroles.Pusher
}

func newTeam(t *testing.T) *team {
	t.Helper()
	ctx := context.Background()
	db := storetest.Postgres(t)
	tm := &team{db: db, ws: store.NewWorkspace("Live roles", "team"), node: newNode(t), logs: new(bytes.Buffer)}
	must(t, store.Insert(ctx, db, tm.ws))
	member := func(name string, licence bool) *store.Membership {
		u, err := store.CreateUser(ctx, db, name+"-"+store.NewSecret(4)+"@roles.test", name)
		must(t, err)
		m, err := store.AddMember(ctx, db, tm.ws.ID, u, store.RoleMember, name)
		must(t, err)
		m.HostLicence = licence
		must(t, store.TouchMember(ctx, db, m, "host_licence"))
		return m
	}
	tm.licensed, tm.unlicensed, tm.creator = member("Lena", true), member("Ugo", false), member("Cleo", true)
	ev := store.NewEvent(tm.ws.ID, "Roles", "", store.EventSettings{}, tm.creator.UserID)
	must(t, store.Insert(ctx, db, ev))
	session := func(status string) *store.Session {
		at := store.Now()
		ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: tm.ws.ID, EventID: ev.ID, StartsAt: at.Add(time.Hour),
			DurationMinutes: 30, Timezone: "UTC", Status: status, Capacity: 10, CreatedAt: at, UpdatedAt: at}
		must(t, store.Insert(ctx, db, ses))
		return ses
	}
	tm.open, tm.later = session(store.SessionLive), session(store.SessionScheduled)
	tm.node.rooms = []string{tm.open.ID, "ses_of_another_workspace"}
	log := slog.New(slog.NewTextHandler(tm.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	nodes := mediatest.RegisterNode(t, db, tm.node.srv.URL, secret)
	_, err := nodes.Place(ctx, tm.open.ID) // as the open room's first join token did
	must(t, err)
	tm.push = liveroles.New(db, nodes, log)
	return tm
}

// assign puts m on ses's staff as role.
func (tm *team) assign(t *testing.T, ses *store.Session, m *store.Membership, role string) *store.SessionStaff {
	t.Helper()
	st := &store.SessionStaff{ID: store.NewID("stf"), WorkspaceID: tm.ws.ID, SessionID: ses.ID, MemberID: m.ID,
		Email: m.ID + "@roles.test", Name: m.Name, Role: role, CreatedAt: store.Now()}
	must(t, store.AddSessionStaff(context.Background(), tm.db, st, ""))
	return st
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A plan change moves exactly the assigned hosts whose host rights it changes, and only in
// the rooms open on the node.
func TestPlanChangedMovesHostsWhoseRightsMove(t *testing.T) {
	tm := newTeam(t)
	tm.assign(t, tm.open, tm.licensed, store.StaffHost)
	tm.assign(t, tm.open, tm.unlicensed, store.StaffHost)
	tm.assign(t, tm.later, tm.unlicensed, store.StaffHost) // no room: nothing to push
	ctx := context.Background()
	for _, step := range []struct {
		from, to string
		want     []string
	}{
		// Seats to contacts: every team member has host rights, so the unlicensed host rises.
		{"team", "business", []string{tm.open.ID + "/" + tm.unlicensed.ID + "=host"}},
		// Within the contacts model nobody moves, and the node is not even asked.
		{"business", "pro", nil},
		// Back to seats: the unlicensed host drops to moderator; the licence holder stays host.
		{"pro", "team", []string{tm.open.ID + "/" + tm.unlicensed.ID + "=moderator"}},
	} {
		tm.ws.Plan = step.to
		tm.push.PlanChanged(ctx, tm.ws, step.from)
		if got := tm.node.taken(); !slices.Equal(got, step.want) {
			t.Errorf("%s → %s pushed %q, want %q", step.from, step.to, got, step.want)
		}
	}
}

// A licence given or taken moves its holder in the open rooms of the sessions they host, and
// nobody else; a change that moves no right calls nobody.
func TestHostRightsChangedMovesTheMemberInTheRoomsTheyHost(t *testing.T) {
	tm := newTeam(t)
	tm.assign(t, tm.open, tm.unlicensed, store.StaffHost)
	tm.assign(t, tm.later, tm.unlicensed, store.StaffHost)
	tm.assign(t, tm.open, tm.licensed, store.StaffHost)
	ctx := context.Background()
	subject := func(licence bool) authz.Subject {
		return authz.Subject{Role: authz.Role(store.RoleMember), HostLicence: licence, Pricing: authz.Pricing("seats")}
	}
	tm.push.HostRightsChanged(ctx, tm.ws, tm.unlicensed, subject(false), subject(true))
	if got, want := tm.node.taken(), []string{tm.open.ID + "/" + tm.unlicensed.ID + "=host"}; !slices.Equal(got, want) {
		t.Errorf("licence given pushed %q, want %q", got, want)
	}
	tm.push.HostRightsChanged(ctx, tm.ws, tm.unlicensed, subject(true), subject(true))
	if got := tm.node.taken(); len(got) != 0 {
		t.Errorf("no change of rights pushed %q", got)
	}
}

// Staff writes push the role they change, to the session's room only while it may be open.
func TestStaffChangesPushTheirRole(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()
	host := tm.assign(t, tm.open, tm.licensed, store.StaffHost)
	tm.push.StaffAdded(ctx, tm.ws, tm.open, host, tm.licensed)
	moderator := tm.assign(t, tm.open, tm.unlicensed, store.StaffHost) // no licence: still a moderator
	tm.push.StaffAdded(ctx, tm.ws, tm.open, moderator, tm.unlicensed)
	tm.push.StaffAdded(ctx, tm.ws, tm.open, &store.SessionStaff{Role: store.StaffSpeaker}, nil) // a new speaker
	if got, want := tm.node.taken(), []string{tm.open.ID + "/" + tm.licensed.ID + "=host"}; !slices.Equal(got, want) {
		t.Errorf("assignments pushed %q, want %q", got, want)
	}

	speaker := &store.SessionStaff{ID: store.NewID("stf"), WorkspaceID: tm.ws.ID, SessionID: tm.open.ID,
		Email: "sam@roles.test", Name: "Sam", Role: store.StaffSpeaker, CreatedAt: store.Now()}
	must(t, store.AddSessionStaff(ctx, tm.db, speaker, ""))
	for _, st := range []*store.SessionStaff{host, moderator, speaker} {
		must(t, store.Delete[store.SessionStaff](ctx, tm.db, tm.ws.ID, st.ID))
		tm.push.StaffRemoved(ctx, tm.ws, st)
	}
	want := []string{tm.open.ID + "/" + tm.licensed.ID + "=moderator", tm.open.ID + "/" + speaker.ID + "=participant"}
	slices.Sort(want)
	if got := tm.node.taken(); !slices.Equal(got, want) {
		t.Errorf("removals pushed %q, want %q", got, want)
	}

	// An ended session has no room to tell.
	tm.open.Status = store.SessionEnded
	must(t, store.Update(ctx, tm.db, tm.open, "status"))
	tm.push.StaffAdded(ctx, tm.ws, tm.open, host, tm.licensed)
	if got := tm.node.taken(); len(got) != 0 {
		t.Errorf("a closed session's room was told %q", got)
	}
}

// The event's creator hosts its sessions without an assignment: assigned as moderator they
// drop to moderator, unassigned they host again, and a licence change moves them in the open
// room as it moves an assigned host.
func TestCreatorHostsByDefault(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()
	for _, step := range []struct {
		what string
		do   func()
		want string
	}{
		{"assigned as host", func() {
			st := tm.assign(t, tm.open, tm.creator, store.StaffHost)
			tm.push.StaffAdded(ctx, tm.ws, tm.open, st, tm.creator)
			must(t, store.Delete[store.SessionStaff](ctx, tm.db, tm.ws.ID, st.ID))
			tm.push.StaffRemoved(ctx, tm.ws, st)
		}, ""},
		{"assigned as moderator", func() {
			st := tm.assign(t, tm.open, tm.creator, store.StaffModerator)
			tm.push.StaffAdded(ctx, tm.ws, tm.open, st, tm.creator)
			tm.node.taken()
			must(t, store.Delete[store.SessionStaff](ctx, tm.db, tm.ws.ID, st.ID))
			tm.push.StaffRemoved(ctx, tm.ws, st)
		}, "host"},
		{"licence taken", func() {
			seats := authz.Subject{Role: authz.Role(store.RoleMember), Pricing: authz.Pricing("seats")}
			licensed := seats
			licensed.HostLicence = true
			tm.push.HostRightsChanged(ctx, tm.ws, tm.creator, licensed, seats)
		}, "moderator"},
	} {
		step.do()
		var want []string
		if step.want != "" {
			want = []string{tm.open.ID + "/" + tm.creator.ID + "=" + step.want}
		}
		if got := tm.node.taken(); !slices.Equal(got, want) {
			t.Errorf("%s: pushed %q, want %q", step.what, got, want)
		}
	}
	tm.assign(t, tm.open, tm.creator, store.StaffModerator)
	tm.push.StaffAdded(ctx, tm.ws, tm.open, &store.SessionStaff{Role: store.StaffModerator}, tm.creator)
	if got, want := tm.node.taken(), []string{tm.open.ID + "/" + tm.creator.ID + "=moderator"}; !slices.Equal(got, want) {
		t.Errorf("creator assigned as moderator: pushed %q, want %q", got, want)
	}
}

// A member removed from the workspace is demoted in every room with one call.
func TestMemberRemovedIsDemotedEverywhere(t *testing.T) {
	tm := newTeam(t)
	tm.push.MemberRemoved(context.Background(), tm.licensed)
	if got, want := tm.node.taken(), []string{"*/" + tm.licensed.ID + "=participant"}; !slices.Equal(got, want) {
		t.Errorf("removal pushed %q, want %q", got, want)
	}
}

// The one rule for the node's answers: someone not in the room is normal (a debug line), an
// unreachable node a warning; neither fails nor blocks the change that caused the push. No
// media node at all makes every push a no-op.
func TestNodeAnswersFollowOneRule(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()
	host := tm.assign(t, tm.open, tm.licensed, store.StaffHost)

	tm.push.StaffAdded(ctx, tm.ws, tm.open, host, tm.licensed) // not connected: 404
	if logs := tm.logs.String(); !strings.Contains(logs, "level=DEBUG") || strings.Contains(logs, "level=WARN") {
		t.Errorf("someone not in the room logged:\n%s", logs)
	}
	tm.node.connected[tm.open.ID+"/"+tm.licensed.ID] = true
	tm.logs.Reset()
	tm.push.StaffAdded(ctx, tm.ws, tm.open, host, tm.licensed)
	if logs := tm.logs.String(); !strings.Contains(logs, "level=INFO msg=\"session role changed live\"") {
		t.Errorf("a connected host's change logged:\n%s", logs)
	}

	tm.node.mu.Lock()
	tm.node.down = true
	tm.node.mu.Unlock()
	for name, push := range map[string]func(){
		"staff added":   func() { tm.push.StaffAdded(ctx, tm.ws, tm.open, host, tm.licensed) },
		"staff removed": func() { tm.push.StaffRemoved(ctx, tm.ws, host) },
		"plan changed":  func() { tm.ws.Plan = "business"; tm.push.PlanChanged(ctx, tm.ws, "team") },
		"member gone":   func() { tm.push.MemberRemoved(ctx, tm.unlicensed) },
	} {
		tm.logs.Reset()
		push()
		if logs := tm.logs.String(); !strings.Contains(logs, "level=WARN") {
			t.Errorf("%s with the node down logged no warning:\n%s", name, logs)
		}
	}

	none := liveroles.New(tm.db, nil, nil)
	none.StaffAdded(ctx, tm.ws, tm.open, host, tm.licensed)
	none.StaffRemoved(ctx, tm.ws, host)
	none.PlanChanged(ctx, tm.ws, "team")
	none.HostRightsChanged(ctx, tm.ws, tm.licensed, authz.Subject{}, authz.Subject{HostLicence: true})
	none.MemberRemoved(ctx, tm.licensed)
}
