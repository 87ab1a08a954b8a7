package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// queryRecorder keeps the SQL each query of a store call sent, arguments inlined as bun
// sends them, so the test explains the very statements the exports run.
type queryRecorder struct {
	mu      sync.Mutex
	queries []string
}

func (r *queryRecorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (r *queryRecorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, e.Query)
}

func (r *queryRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.queries
	r.queries = nil
	return q
}

// planNode is the part of EXPLAIN (FORMAT JSON) the test reads.
type planNode struct {
	NodeType  string     `json:"Node Type"`
	IndexName string     `json:"Index Name"`
	Relation  string     `json:"Relation Name"`
	Plans     []planNode `json:"Plans"`
}

func (n planNode) walk(fn func(planNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

// Every export page, read from the middle of a large session beside another session,
// comes straight out of an index in id order: no Sort node, so a page costs the same
// wherever it is and an export grows linearly with its rows.
func TestExportPagesReadAnIndexInOrder(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	_, ses := seedSession(t, db, store.EventSettings{}, 0)
	_, other := seedSession(t, db, store.EventSettings{}, 0)
	storetest.SeedAttendees(t, db, ses, 20_000)
	storetest.SeedAttendees(t, db, other, 5_000)
	for _, s := range []*store.Session{ses, other} {
		seedRoomData(t, db, s)
	}
	if _, err := db.ExecContext(ctx, "ANALYZE registrants, attendance, chat_messages, questions, polls, poll_votes"); err != nil {
		t.Fatal(err)
	}
	rec := &queryRecorder{}
	db.AddQueryHook(rec)

	pages := []struct {
		table, index string
		read         func(cursor string) error
	}{
		{"registrants", "registrants_session_id_idx", func(c string) error {
			_, err := store.RegistrantsPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"chat_messages", "chat_messages_session_idx", func(c string) error {
			_, err := store.ChatPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"questions", "questions_session_idx", func(c string) error {
			_, err := store.QuestionsPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"polls", "polls_session_idx", func(c string) error {
			_, err := store.PollsPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"poll_votes", "poll_votes_session_id_idx", func(c string) error {
			_, err := store.VotesPage(ctx, db, ses.ID, c, 500)
			return err
		}},
	}
	for _, p := range pages {
		t.Run(p.table, func(t *testing.T) {
			rec.take()
			cursor := midCursor(t, db, p.table, ses.ID)
			rec.take()
			if err := p.read(cursor); err != nil {
				t.Fatal(err)
			}
			queries := rec.take()
			if len(queries) == 0 {
				t.Fatal("the page ran no query")
			}
			for i, q := range queries {
				plan := explain(t, db, q)
				var sorts, used []string
				plan.walk(func(n planNode) {
					if strings.Contains(n.NodeType, "Sort") {
						sorts = append(sorts, n.NodeType)
					}
					if n.IndexName != "" {
						used = append(used, n.IndexName)
					}
				})
				if len(sorts) > 0 {
					t.Errorf("query %d sorts (%v):\n%s", i, sorts, q)
				}
				if i == 0 && !slices.Contains(used, p.index) {
					t.Errorf("page query uses indexes %v, want %s:\n%s", used, p.index, q)
				}
			}
		})
	}
}

// midCursor is the id halfway through a session's rows of table: the cursor of a page in
// the middle of an export.
func midCursor(t *testing.T, db *bun.DB, table, sessionID string) string {
	t.Helper()
	ctx := context.Background()
	n, err := db.NewSelect().Table(table).Where("session_id = ?", sessionID).Count(ctx)
	if err != nil || n == 0 {
		t.Fatalf("%s of the session: %d, %v", table, n, err)
	}
	var id string
	err = db.NewSelect().Table(table).Column("id").Where("session_id = ?", sessionID).OrderExpr("id").
		Offset(n/2).Limit(1).Scan(ctx, &id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func explain(t *testing.T, db *bun.DB, query string) planNode {
	t.Helper()
	var raw string
	if err := db.QueryRowContext(context.Background(), "EXPLAIN (FORMAT JSON) "+query).Scan(&raw); err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	var out []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil || len(out) != 1 {
		t.Fatalf("plan %s: %v", raw, err)
	}
	return out[0].Plan
}

// seedRoomData writes 5,000 chat messages and questions, 50 polls and 100 votes on each
// to a session, in multi-row inserts.
func seedRoomData(t *testing.T, db *bun.DB, ses *store.Session) {
	t.Helper()
	ctx := context.Background()
	now := store.Now()
	msgs := make([]store.ChatMessage, 5_000)
	questions := make([]store.Question, 5_000)
	for i := range msgs {
		msgs[i] = store.ChatMessage{ID: store.NewID("msg"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, PersonID: "reg_x",
			Name: "Ann", Role: "participant", Text: fmt.Sprint("hello ", i), CreatedAt: now}
		questions[i] = store.Question{ID: store.NewID("qst"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, PersonID: "reg_x",
			Name: "Ann", Text: fmt.Sprint("why ", i), CreatedAt: now}
	}
	polls := make([]store.Poll, 50)
	var votes []store.PollVote
	for i := range polls {
		polls[i] = store.Poll{ID: store.NewID("pol"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, Question: "Which?",
			Options: []string{"a", "b"}, Status: "closed", CreatedBy: "mem_x", CreatedAt: now}
		for p := range 100 {
			votes = append(votes, store.PollVote{ID: store.NewID("vot"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID,
				PollID: polls[i].ID, PersonID: fmt.Sprint("reg_", p), Option: p % 2, CreatedAt: now})
		}
	}
	for _, rows := range []any{&msgs, &questions, &polls, &votes} {
		if _, err := db.NewInsert().Model(rows).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
