package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// IdempotencyTTL is how long a creating request's answer is replayed.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyScope is the scope of one person's keys in workspace ws.
func IdempotencyScope(ws, userID string) string { return ws + "/" + userID }

// idempotencyAbandoned is how long a reservation may wait for its answer
// before it is taken to belong to a crashed request.
const idempotencyAbandoned = time.Minute

// ReserveIdempotency claims (scope, key) for a request whose body hashes to
// hash. It returns nil when the caller now owns the key and must Complete or
// Release it, or the record already there: finished (StatusCode > 0, replay
// it) or still in progress (StatusCode == 0). Expired answers and abandoned
// reservations are cleared first.
func ReserveIdempotency(ctx context.Context, db bun.IDB, scope, key, hash string) (*IdempotencyRecord, error) {
	t := Now()
	if _, err := db.NewDelete().Model((*IdempotencyRecord)(nil)).
		Where("scope = ?", scope).Where("key = ?", key).
		WhereGroup(" AND ", func(q *bun.DeleteQuery) *bun.DeleteQuery {
			return q.Where("created_at <= ?", t.Add(-IdempotencyTTL)).
				WhereOr("status_code = 0 AND created_at <= ?", t.Add(-idempotencyAbandoned))
		}).Exec(ctx); err != nil {
		return nil, fmt.Errorf("expire idempotency key: %w", err)
	}
	err := Insert(ctx, db, &IdempotencyRecord{Scope: scope, Key: key, RequestHash: hash, Body: []byte{}, CreatedAt: t})
	if !errors.Is(err, ErrConflict) {
		return nil, err
	}
	prev := new(IdempotencyRecord)
	if err := db.NewSelect().Model(prev).Where("scope = ?", scope).Where("key = ?", key).Scan(ctx); err != nil {
		return nil, notFound("get idempotency key", err)
	}
	return prev, nil
}

// CompleteIdempotency stores the answer of a reserved key.
func CompleteIdempotency(ctx context.Context, db bun.IDB, scope, key string, status int, body []byte) error {
	res, err := db.NewUpdate().Model((*IdempotencyRecord)(nil)).
		Set("status_code = ?", status).Set("body = ?", body).
		Where("scope = ?", scope).Where("key = ?", key).Where("status_code = 0").Exec(ctx)
	return affected("complete idempotency key", res, err)
}

// ReleaseIdempotency frees a reserved key whose request failed, so it can be retried.
func ReleaseIdempotency(ctx context.Context, db bun.IDB, scope, key string) error {
	_, err := db.NewDelete().Model((*IdempotencyRecord)(nil)).
		Where("scope = ?", scope).Where("key = ?", key).Where("status_code = 0").Exec(ctx)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// DeleteExpiredIdempotency deletes up to limit records created before cutoff (past
// IdempotencyTTL: their answers are no longer replayed) and returns how many it deleted. The
// API's sweep calls it in a loop, so no statement holds locks on many rows.
func DeleteExpiredIdempotency(ctx context.Context, db bun.IDB, cutoff time.Time, limit int) (int, error) {
	expired := db.NewSelect().Model((*IdempotencyRecord)(nil)).Column("scope", "key").
		Where("created_at <= ?", cutoff).OrderExpr("created_at").Limit(int64(limit))
	res, err := db.NewDelete().Model((*IdempotencyRecord)(nil)).Where("(scope, key) IN (?)", expired).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete expired idempotency keys: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
