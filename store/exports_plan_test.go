package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

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

// Every export page, read from the middle of a session that holds 4 % of each table (as
// one session of a busy workspace does), comes straight out of the session's index in id
// order: no Sort node, so a page costs the same wherever it is and an export grows
// linearly with its rows.
func TestExportPagesReadAnIndexInOrder(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	_, ses := seedSession(t, db, store.EventSettings{}, 0)
	_, others := seedSession(t, db, store.EventSettings{}, 0)
	storetest.SeedAttendees(t, db, ses, 2_000)
	storetest.SeedAttendees(t, db, others, 48_000)
	seedRoomData(t, db, ses, 2_000)
	seedRoomData(t, db, others, 48_000)
	if _, err := db.ExecContext(ctx, "ANALYZE registrants, attendance, chat_messages, questions, polls, poll_votes"); err != nil {
		t.Fatal(err)
	}
	rec := &storetest.Queries{}
	db.AddQueryHook(rec)

	pages := []struct {
		table, index string
		// sortsFew: a session's polls are few (staff write them by hand), so the planner may
		// sort the couple of dozen left after the cursor rather than walk the index; that
		// sort is bounded by one session's polls, never by the table.
		sortsFew bool
		read     func(cursor string) error
	}{
		{"registrants", "registrants_session_id_idx", false, func(c string) error {
			_, err := store.RegistrantsPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"chat_messages", "chat_messages_session_idx", false, func(c string) error {
			_, err := store.ChatPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"questions", "questions_session_idx", false, func(c string) error {
			_, err := store.QuestionsPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"polls", "polls_session_idx", true, func(c string) error {
			_, err := store.PollsPage(ctx, db, ses.ID, c, 500)
			return err
		}},
		{"poll_votes", "poll_votes_session_id_idx", false, func(c string) error {
			_, err := store.VotesPage(ctx, db, ses.ID, c, 500)
			return err
		}},
	}
	for _, p := range pages {
		t.Run(p.table, func(t *testing.T) {
			rec.Take()
			cursor := midCursor(t, db, p.table, ses.ID)
			rec.Take()
			if err := p.read(cursor); err != nil {
				t.Fatal(err)
			}
			queries := rec.Take()
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
				if len(sorts) > 0 && !p.sortsFew {
					t.Errorf("query %d sorts (%v):\n%s", i, sorts, q)
				}
				if i == 0 && !slices.Contains(used, p.index) { // the page itself; then the registrants' visits
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

// seedRoomData writes n chat messages, n questions, n/40 polls and 40 votes on each to a
// session, in multi-row inserts.
func seedRoomData(t *testing.T, db *bun.DB, ses *store.Session, n int) {
	t.Helper()
	now := store.Now()
	msgs := make([]store.ChatMessage, n)
	questions := make([]store.Question, n)
	for i := range msgs {
		msgs[i] = store.ChatMessage{ID: store.NewID("msg"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, PersonID: "reg_x",
			Name: "Ann", Role: "participant", Text: fmt.Sprint("hello ", i), CreatedAt: now}
		questions[i] = store.Question{ID: store.NewID("qst"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, PersonID: "reg_x",
			Name: "Ann", Text: fmt.Sprint("why ", i), CreatedAt: now}
	}
	polls := make([]store.Poll, n/40)
	var votes []store.PollVote
	for i := range polls {
		polls[i] = store.Poll{ID: store.NewID("pol"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID, Question: "Which?",
			Options: []string{"a", "b"}, Status: "closed", CreatedBy: "mem_x", CreatedAt: now}
		for p := range 40 {
			votes = append(votes, store.PollVote{ID: store.NewID("vot"), WorkspaceID: ses.WorkspaceID, SessionID: ses.ID,
				PollID: polls[i].ID, PersonID: fmt.Sprint("reg_", p), Option: p % 2, CreatedAt: now})
		}
	}
	insertInParts(t, db, msgs)
	insertInParts(t, db, questions)
	insertInParts(t, db, polls)
	insertInParts(t, db, votes)
}

// insertInParts inserts rows 5,000 at a time, so no statement grows too large.
func insertInParts[T any](t *testing.T, db *bun.DB, rows []T) {
	t.Helper()
	for start := 0; start < len(rows); start += 5_000 {
		part := rows[start:min(len(rows), start+5_000)]
		if _, err := db.NewInsert().Model(&part).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
