package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// BenchmarkExportRegistrants streams the registrants CSV of sessions of growing size from
// Postgres through the HTTP API and reports, beside the time, the peak heap growth of the
// process during one export (collecting often, so it is close to what the export keeps alive).
//
//	go test ./api -run '^$' -bench BenchmarkExportRegistrants -benchtime 3x
func BenchmarkExportRegistrants(b *testing.B) {
	for _, n := range []int{2_000, 20_000} {
		b.Run(fmt.Sprintf("registrants=%d", n), func(b *testing.B) {
			db := storetest.Postgres(b)
			srv := httptest.NewServer(api.New(api.Params{DB: db, Log: slog.New(slog.DiscardHandler), Temporal: temporalClient,
				TaskQueue: "bench-" + store.NewSecret(6), Limits: noLimits()}).Handler())
			b.Cleanup(srv.Close)
			ctx := context.Background()
			ws := store.NewWorkspace("Bench", "free")
			ev := store.NewEvent(ws.ID, "Big", "", store.EventSettings{}, "usr_1")
			ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: ws.ID, EventID: ev.ID, StartsAt: time.Now().UTC(), DurationMinutes: 15,
				Timezone: "UTC", Status: store.SessionProcessed, Capacity: n, CreatedAt: store.Now(), UpdatedAt: store.Now()}
			for _, row := range []any{ws, ev, ses} {
				if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
			for start := 0; start < n; start += 1000 {
				regs := make([]store.Registrant, 0, 1000)
				att := make([]store.Attendance, 0, 1000)
				for i := start; i < min(n, start+1000); i++ {
					id := store.NewID("reg")
					regs = append(regs, store.Registrant{ID: id, WorkspaceID: ws.ID, EventID: ev.ID, SessionID: ses.ID,
						Email: fmt.Sprintf("p%06d@example.com", i), PersonID: "per_x", Name: fmt.Sprintf("Person %d, \"bench\"", i),
						Fields: map[string]string{}, Status: store.RegistrantApproved, CreatedAt: store.Now(), UpdatedAt: store.Now()})
					left := store.Now()
					att = append(att, store.Attendance{ID: store.NewID("att"), WorkspaceID: ws.ID, SessionID: ses.ID, PersonID: id,
						Role: "participant", Kind: store.AttendanceLive, JoinedAt: left.Add(-time.Minute), LeftAt: &left, Seconds: 60})
				}
				if _, err := db.NewInsert().Model(&regs).Exec(ctx); err != nil {
					b.Fatal(err)
				}
				if _, err := db.NewInsert().Model(&att).Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
			key := benchOwner(b, srv.URL, db, ses.ID)
			var peak atomic.Uint64
			// Collect often, so the heap measured is close to what the export keeps alive.
			defer debug.SetGCPercent(debug.SetGCPercent(5))
			b.ResetTimer()
			for b.Loop() {
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				done := make(chan struct{})
				go func() {
					var m runtime.MemStats
					for {
						select {
						case <-done:
							return
						case <-time.After(2 * time.Millisecond):
						}
						runtime.ReadMemStats(&m)
						if m.HeapAlloc > base.HeapAlloc && m.HeapAlloc-base.HeapAlloc > peak.Load() {
							peak.Store(m.HeapAlloc - base.HeapAlloc)
						}
					}
				}()
				req, _ := http.NewRequest("GET", srv.URL+"/v1/sessions/"+ses.ID+"/exports/registrants", nil)
				req.Header.Set("Authorization", "Bearer "+key)
				res, err := srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				size, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				close(done)
				if res.StatusCode != http.StatusOK || size < int64(n)*40 {
					b.Fatalf("export: %d, %d bytes", res.StatusCode, size)
				}
				b.SetBytes(size)
			}
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		})
	}
}

// benchOwner signs up through the API and moves the session into the new workspace; it
// returns the owner's API key.
func benchOwner(b *testing.B, base string, db *bun.DB, sessionID string) string {
	b.Helper()
	body := `{"workspace_name":"Bench","name":"Owner","email":"owner-` + strings.ToLower(store.NewSecret(5)) + `@example.com"}`
	res, err := http.Post(base+"/v1/signup", "application/json", strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		APIKey struct {
			Secret string `json:"secret"`
		} `json:"api_key"`
		Workspace struct {
			ID string `json:"id"`
		} `json:"workspace"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.APIKey.Secret == "" {
		b.Fatalf("sign-up: %d, %v", res.StatusCode, err)
	}
	ctx := context.Background()
	for _, model := range []any{(*store.Session)(nil), (*store.Registrant)(nil), (*store.Attendance)(nil)} {
		q := db.NewUpdate().Model(model).Set("workspace_id = ?", out.Workspace.ID)
		if _, ok := model.(*store.Session); ok {
			q = q.Where("id = ?", sessionID)
		} else {
			q = q.Where("session_id = ?", sessionID)
		}
		if _, err := q.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var ses store.Session
	if err := db.NewSelect().Model(&ses).Where("id = ?", sessionID).Scan(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := db.NewUpdate().Model((*store.Event)(nil)).Set("workspace_id = ?", out.Workspace.ID).Where("id = ?", ses.EventID).Exec(ctx); err != nil {
		b.Fatal(err)
	}
	return out.APIKey.Secret
}
