package storetest

import (
	"context"
	"sync"

	"github.com/uptrace/bun"
)

// Queries records the statements a *bun.DB runs once added as its query hook
// (db.AddQueryHook): their operations, to count them, and their SQL as bun sent it
// (arguments inlined), to explain them.
type Queries struct {
	mu  sync.Mutex
	ops []string
	sql []string
}

// BeforeQuery implements bun.QueryHook.
func (q *Queries) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

// AfterQuery implements bun.QueryHook.
func (q *Queries) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ops = append(q.ops, e.Operation())
	q.sql = append(q.sql, e.Query)
}

// Count is how many statements of operation op ("SELECT", "UPDATE"…; "" for any) ran so far.
func (q *Queries) Count(op string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, o := range q.ops {
		if op == "" || o == op {
			n++
		}
	}
	return n
}

// Take returns the SQL of the statements run since the last Take, and forgets them.
func (q *Queries) Take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := q.sql
	q.ops, q.sql = nil, nil
	return s
}
