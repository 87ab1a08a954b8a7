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

	"github.com/onairhq/onair/api"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// BenchmarkExportRegistrants streams the registrants CSV of sessions of growing size from
// Postgres through the HTTP API and reports, beside the time, the peak heap growth of the
// process during one export (collecting often, so it is close to what the export keeps alive).
//
//	go test ./api -run '^$' -bench BenchmarkExportRegistrants -benchtime 3x -timeout 30m
func BenchmarkExportRegistrants(b *testing.B) {
	for _, n := range []int{2_000, 20_000, 200_000} {
		b.Run(fmt.Sprintf("registrants=%d", n), func(b *testing.B) {
			db := storetest.Postgres(b)
			srv := httptest.NewServer(api.New(api.Params{DB: db, Log: slog.New(slog.DiscardHandler), Temporal: temporalClient,
				TaskQueue: "bench-" + store.NewSecret(6), Limits: noLimits()}).Handler())
			b.Cleanup(srv.Close)
			ctx := context.Background()
			key, wsID := benchOwner(b, srv.URL)
			ev := store.NewEvent(wsID, "Big", "", store.EventSettings{}, "usr_1")
			ses := &store.Session{ID: store.NewID("ses"), WorkspaceID: wsID, EventID: ev.ID, StartsAt: time.Now().UTC(), DurationMinutes: 15,
				Timezone: "Europe/Paris", Status: store.SessionProcessed, Capacity: n, CreatedAt: store.Now(), UpdatedAt: store.Now()}
			for _, row := range []any{ev, ses} {
				if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
			seeded := time.Now()
			storetest.SeedAttendees(b, db, ses, n)
			b.Logf("seeded %d registrants with attendance in %v", n, time.Since(seeded).Round(time.Millisecond))
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
			// Time per row is what must stay flat as the session grows (linear exports).
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}

// benchOwner signs up through the API; it returns the owner's API key and workspace id.
func benchOwner(b *testing.B, base string) (key, workspaceID string) {
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
	return out.APIKey.Secret, out.Workspace.ID
}
