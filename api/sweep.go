package api

import (
	"context"
	"time"

	"github.com/onairhq/onair/store"
)

// sweepBatch bounds each delete of the sweep, so no statement locks many rows.
const sweepBatch = 500

// Sweep deletes idempotency records past store.IdempotencyTTL, at once and then every
// interval, until ctx ends; cmd/onair runs it beside the HTTP server. Replicas sweeping at the
// same time only share the work. A record outlives its TTL by at most interval; until then
// ReserveIdempotency still refuses to replay it.
func (s *Server) Sweep(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		s.sweepIdempotency(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Server) sweepIdempotency(ctx context.Context) {
	cutoff := store.Now().Add(-store.IdempotencyTTL)
	total := 0
	for ctx.Err() == nil {
		n, err := store.DeleteExpiredIdempotency(ctx, s.db, cutoff, sweepBatch)
		if err != nil {
			if ctx.Err() == nil { // not a shutdown
				s.log.WarnContext(ctx, "idempotency sweep failed", "deleted", total, "err", err)
			}
			return
		}
		total += n
		if n < sweepBatch {
			break
		}
	}
	if total > 0 {
		s.log.InfoContext(ctx, "expired idempotency records deleted", "count", total)
	}
}
