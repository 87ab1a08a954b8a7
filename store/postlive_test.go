package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// A session has one recording row: saving again (a retried finalize) replaces it in place
// and keeps when it started.
func TestSaveRecordingIsOneRowPerSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		started := store.Now().Add(-time.Hour)
		first := &store.Recording{WorkspaceID: "ws_1", SessionID: "ses_1", Status: store.RecordingRecording, StartedAt: &started}
		if err := store.SaveRecording(ctx, db, first); err != nil {
			t.Fatal(err)
		}
		ready := store.Now()
		again := &store.Recording{WorkspaceID: "ws_1", SessionID: "ses_1", Status: store.RecordingReady, File: "ses_1.webm",
			Bytes: 1234, DurationMS: 5000, ReadyAt: &ready}
		if err := store.SaveRecording(ctx, db, again); err != nil {
			t.Fatal(err)
		}
		n, err := db.NewSelect().Model((*store.Recording)(nil)).Where("session_id = ?", "ses_1").Count(ctx)
		if err != nil || n != 1 {
			t.Fatalf("%d recording rows, %v", n, err)
		}
		got, err := store.RecordingOf(ctx, db, "ses_1")
		if err != nil || got.Status != store.RecordingReady || got.Bytes != 1234 || got.File != "ses_1.webm" ||
			got.StartedAt == nil || !got.StartedAt.Equal(started) {
			t.Fatalf("recording %+v, %v", got, err)
		}
	})
}
