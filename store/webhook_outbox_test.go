package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

func addEndpoint(t *testing.T, db bun.IDB, ws string, events ...string) *store.WebhookEndpoint {
	t.Helper()
	e := &store.WebhookEndpoint{ID: store.NewID("wh"), WorkspaceID: ws, URL: "https://hooks.example.com/x", Events: events,
		Enabled: true, CreatedBy: "usr_1", CreatedAt: store.Now()}
	if err := store.Insert(context.Background(), db, e); err != nil {
		t.Fatal(err)
	}
	return e
}

func queued(t *testing.T, db bun.IDB, endpointID string) []string {
	t.Helper()
	var types []string
	err := db.NewSelect().Model((*store.WebhookDelivery)(nil)).Column("event_type").Where("endpoint_id = ?", endpointID).
		OrderExpr("id").Scan(context.Background(), &types)
	if err != nil {
		t.Fatal(err)
	}
	return types
}

// Events are written with the change they report, to the endpoints subscribed
// to them only, and not at all when the change rolls back or nobody listens.
func TestWebhookEventsFollowTheirChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ev, ses := seedSession(t, db, store.EventSettings{}, 1)
		if _, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: "early@example.com"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.NewSelect().Model((*store.WebhookEvent)(nil)).Count(ctx); n != 0 {
			t.Fatalf("%d events written with no endpoint", n)
		}
		created := addEndpoint(t, db, ses.WorkspaceID, "registrant.created")
		all := addEndpoint(t, db, ses.WorkspaceID, "*")

		_, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: "late@example.com"})
		if !errors.Is(err, store.ErrSessionFull) {
			t.Fatalf("registering to a full session: %v", err)
		}
		if got := queued(t, db, all.ID); len(got) != 0 {
			t.Fatalf("a refused registration queued %v", got)
		}
		reg, err := store.ChangeRegistrantStatus(ctx, db, store.StatusChange{Workspace: ses.WorkspaceID, Registrant: mustRegistrant(t, db, ses.ID), Status: store.RegistrantCancelled})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.Register(ctx, db, store.Registration{Event: ev, Session: ses, Email: "late@example.com"}); err != nil {
			t.Fatal(err)
		}
		if got := queued(t, db, created.ID); len(got) != 1 || got[0] != "registrant.created" {
			t.Fatalf("registrant.created endpoint got %v", got)
		}
		if got := queued(t, db, all.ID); len(got) != 2 || got[0] != "registrant.cancelled" || got[1] != "registrant.created" {
			t.Fatalf(`"*" endpoint got %v`, got)
		}
		if reg.Status != store.RegistrantCancelled {
			t.Fatalf("status %s", reg.Status)
		}
	})
}

func mustRegistrant(t *testing.T, db bun.IDB, sessionID string) string {
	t.Helper()
	var id string
	if err := db.NewSelect().Model((*store.Registrant)(nil)).Column("id").Where("session_id = ?", sessionID).Limit(1).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The relay's queue: oldest first per endpoint; a failure marks the endpoint
// failing; disabling gives up on the head and enabling queues it again.
func TestWebhookQueueOrderFailureAndReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ws := store.NewWorkspace("Queue", "free")
		if err := store.Insert(ctx, db, ws); err != nil {
			t.Fatal(err)
		}
		e := addEndpoint(t, db, ws.ID, "*")
		for _, typ := range []string{"member.joined", "member.removed"} {
			if err := store.EmitWebhookEvent(ctx, db, ws.ID, typ, map[string]string{"id": typ}); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.EmitWebhookEvent(ctx, db, ws.ID, "member.flew", nil); err == nil {
			t.Fatal("an event outside the catalogue was queued")
		}
		head, event, err := store.NextWebhookDelivery(ctx, db, e.ID)
		if err != nil || head.EventType != "member.joined" || event.Data != `{"id":"member.joined"}` {
			t.Fatalf("head %+v %+v %v", head, event, err)
		}
		now := store.Now()
		if err := store.RecordWebhookAttempt(ctx, db, head, store.WebhookAttempt{At: now, ResponseStatus: 500, Error: "HTTP 500",
			NextAttemptAt: now.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		got, _ := store.Get[store.WebhookEndpoint](ctx, db, ws.ID, e.ID)
		if got.FailingSince == nil || !got.FailingSince.Equal(now) {
			t.Fatalf("failing since %v, want %v", got.FailingSince, now)
		}
		again, _, _ := store.NextWebhookDelivery(ctx, db, e.ID)
		if again.ID != head.ID || again.Attempts != 1 || !again.NextAttemptAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("after a failure the head is %+v", again)
		}
		if err := store.DisableWebhookEndpoint(ctx, db, e.ID, "failing", head.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := store.EndpointsWithPendingWebhooks(ctx, db); len(list) != 0 {
			t.Fatalf("a disabled endpoint is served: %v", list)
		}
		got, _ = store.Get[store.WebhookEndpoint](ctx, db, ws.ID, e.ID)
		if err := store.SetWebhookEndpointEnabled(ctx, db, got, true); err != nil {
			t.Fatal(err)
		}
		replayed, _, _ := store.NextWebhookDelivery(ctx, db, e.ID)
		if replayed.ID != head.ID || replayed.Status != store.WebhookPending || replayed.NextAttemptAt.After(store.Now()) {
			t.Fatalf("after enabling, the head is %+v", replayed)
		}
		if list, _ := store.EndpointsWithPendingWebhooks(ctx, db); len(list) != 1 || list[0].FailingSince != nil {
			t.Fatalf("enabled endpoint served as %+v", list)
		}
	})
}
