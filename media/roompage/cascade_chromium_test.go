package roompage_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/jointoken"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/placement"
	"github.com/onairhq/onair/media/roompage"
	"github.com/onairhq/onair/media/signal"
	"github.com/onairhq/onair/store/storetest"
)

// A room spans two media nodes with a share of one participant each: a guest's page lands on
// the edge. The host invites the guest on stage from the people list; the guest accepts; their
// page says it is moving them to the stage and revisits its personal link at once, which seats
// them on the origin now, where the page joins on stage: the guest starts their camera and
// goes on stage as any stage member, and their video plays on the host's page. The personal
// link is served by the test as the API's /join/:secret serves it (placement, then a redirect
// to the room page of the node placed on, the link itself in the fragment).
func TestRoomPageCascadeMovesAnEdgeGuestToTheStage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db := storetest.Postgres(t)
	nodesByID := map[string]*mediatest.Node{}
	for range 2 {
		n := mediatest.StartNodeOn(t, t.TempDir(), db)
		mediatest.RegisterNode(t, db, n.Server.URL, mediatest.TestSecret)
		id := placement.NodeID(n.Server.URL)
		n.Rooms.SetNode(id, signal.DialOrigin(mediatest.TestSecret, nil))
		nodesByID[id] = n
	}
	nodes := placement.New(placement.Params{DB: db, Secret: mediatest.TestSecret, RoomShare: 1})
	place := func(person string, counted bool) placement.Room {
		t.Helper()
		room, err := nodes.PlaceJoin(ctx, session, person, counted)
		if err != nil {
			t.Fatal(err)
		}
		return room
	}
	origin := place("host_1", false)
	nodesByID[origin.NodeID].Rooms.Open(session)
	place("reg_absent", true) // a join token fetched, never used: the origin's share is full

	// The personal links: placed now, to the room page of that node. The guest's second visit
	// waits until the test has read the page it leaves.
	release := make(chan struct{})
	var visits atomic.Int32
	links := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		person := strings.TrimPrefix(r.URL.Path, "/join/")
		if person == "reg_guest" && visits.Add(1) == 2 {
			<-release
		}
		room, err := nodes.PlaceJoin(r.Context(), session, person, true)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		c := jointoken.Claims{SessionID: session, WorkspaceID: mediatest.TestWorkspace, PersonID: person, Role: authz.SessionParticipant,
			Name: "Guest", MediaURL: room.PublicURL, ExpiresAt: time.Now().Add(time.Minute).Unix()}
		tok, err := jointoken.Sign(mediatest.TestSecret, c)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, roompage.Link(roompage.LinkParams{MediaURL: room.PublicURL, SessionID: session, Token: tok,
			Rejoin: "http://" + r.Host + r.URL.Path}), http.StatusSeeOther)
	}))
	defer links.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	browser := newBrowser(t, ctx)
	originNode := nodesByID[origin.NodeID]
	host := openPage(t, browser, "host", roomLink(t, originNode, originNode.Claims(session, "host_1", authz.SessionHost)))
	await(t, host, "the host to join", `document.body.dataset.state === 'joined'`)
	guest := openPage(t, browser, "guest", links.URL+"/join/reg_guest")
	await(t, guest, "the guest to join", `document.body.dataset.state === 'joined'`)
	if at, err := chromedp.Run(guest, chromedp.Evaluate[string](`location.origin`)); err != nil || at == originNode.Server.URL {
		t.Fatalf("the guest's page is at %q (%v): want the edge, not the origin %s", at, err, originNode.Server.URL)
	}

	act(t, host, chromedp.Click(chromedp.ID("tab-people")))
	press(t, host, "the invite button of the guest", `#people li[data-id="reg_guest"] button`)
	await(t, guest, "the stage invitation prompt", `!document.getElementById('invite').hidden`)
	act(t, guest, chromedp.Click(chromedp.ID("invite-accept")))
	awaitText(t, guest, "status", "Moving you to the stage")
	close(release)

	awaitAfterNavigation(t, guest, "the guest's page on the origin, joined", `location.origin === `+jsString(originNode.Server.URL)+
		` && document.body.dataset.state === 'joined'`)
	await(t, guest, "the camera controls on arrival, with no second invitation", `!document.getElementById('publisher').hidden`)
	act(t, guest, chromedp.Click(chromedp.ID("preview-start")))
	await(t, guest, "the guest's camera preview", `document.getElementById('preview').videoWidth > 0`)
	act(t, guest, chromedp.Click(chromedp.ID("publish")))
	await(t, host, "the guest's video playing on the host's page",
		`[...document.querySelectorAll('#videos video')].some(v => v.dataset.stream === 'reg_guest' && v.videoWidth > 0 && !v.paused)`)
	if n := visits.Load(); n != 2 {
		t.Fatalf("the guest's personal link was visited %d times, want twice (the first join, the move)", n)
	}
}

// awaitAfterNavigation is await for a tab that navigates meanwhile: a poll in the page it
// leaves fails with it, so each try is short and a failed one is tried again in the next page.
func awaitAfterNavigation(t *testing.T, tab context.Context, what, condition string) {
	t.Helper()
	deadline := time.Now().Add(awaitLimit)
	for {
		ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](condition))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
