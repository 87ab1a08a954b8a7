package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/workflows/contract"
)

const (
	maxImportRows  = 50_000
	maxImportBytes = 20 << 20
)

func (s *eventsAPI) importRoutes() {
	s.add(route{ID: "importRegistrants", Method: http.MethodPost, Path: "/v1/sessions/:id/imports", Tag: "registrants", Action: authz.RegistrantRegister,
		Summary: "Register up to 50,000 people from a CSV (header: email, name, custom field keys); runs in the background",
		Raw:     "text/csv", Response: store.RegistrantImport{}, Status: http.StatusAccepted, Handler: s.createImport})
	s.add(route{Query: []param{sessionIDParam}, Method: http.MethodGet, Path: "/v1/imports", Tag: "registrants", Action: authz.WorkspaceView, Paged: true,
		Summary: "CSV imports and their progress (?session_id= narrows)", Response: store.RegistrantImport{},
		Handler: listOf[store.RegistrantImport](s.base, withoutFile(byParent("session_id")))})
	s.add(route{Method: http.MethodGet, Path: "/v1/imports/:id", Tag: "registrants", Action: authz.WorkspaceView,
		Summary: "One import: rows processed, imported, duplicates, refused (with the line and reason per row), why it failed", Response: store.RegistrantImport{},
		Handler: getOf[store.RegistrantImport](s.base)})
	s.add(route{Method: http.MethodPost, Path: "/v1/imports/:id/cancel", Tag: "registrants", Action: authz.RegistrantRegister,
		Summary:  "Stop a running import after the row in progress; the people it registered stay registered (409 once it is over)",
		Response: store.RegistrantImport{}, Handler: s.cancelImport})
}

func (s *eventsAPI) createImport(c *gin.Context) {
	ses, err := s.sessionOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	if ct := c.ContentType(); ct != "text/csv" {
		fail(c, problem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type", "send the file as text/csv"))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxImportBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		fail(c, problem(http.StatusRequestEntityTooLarge, "too-large", "File too large", "the CSV must be at most 20 MiB"))
		return
	case err != nil:
		fail(c, badInput("csv", "the file could not be read"))
		return
	case !utf8.Valid(data) || strings.ContainsRune(string(data), 0):
		fail(c, badInput("csv", "the file must be UTF-8 text"))
		return
	}
	ctx := c.Request.Context()
	p := caller(c)
	auditObject(c, "session", ses.ID)
	if ses.Closed() {
		fail(c, conflict("the session is "+ses.Status+": it takes no registrations"))
		return
	}
	ev, err := store.Get[store.Event](ctx, s.db, p.Workspace.ID, ses.EventID)
	if err != nil {
		fail(c, err)
		return
	}
	text := string(data)
	if err := store.ReadImport(text, ev.Settings.CustomFields, func(store.ImportRow) error { return store.ErrStopReading }); err != nil {
		fail(c, badInput("csv", err.Error()))
		return
	}
	rows := store.CountImportRows(text)
	if rows > maxImportRows {
		fail(c, unprocessable("csv", fmt.Sprintf("%d rows; an import takes at most %d", rows, maxImportRows)))
		return
	}
	t := store.Now()
	imp := &store.RegistrantImport{ID: store.NewID("imp"), WorkspaceID: p.Workspace.ID, SessionID: ses.ID, Status: store.ImportRunning,
		CSV: text, Rows: rows, Errors: []store.ImportError{}, CreatedBy: p.Member.UserID, CreatedAt: t, UpdatedAt: t}
	if err := store.Insert(ctx, s.db, imp); err != nil {
		fail(c, err)
		return
	}
	s.relay.kick(ctx) // the relay must be running to hear the import's kicks
	err = s.lifecycle.start(ctx, client.StartWorkflowOptions{
		ID:                    contract.RegistrantImportWorkflowID(imp.ID),
		TypedSearchAttributes: temporal.NewSearchAttributes(contract.WorkspaceKey.ValueSet(p.Workspace.ID), contract.EventKey.ValueSet(ev.ID)),
		StaticSummary:         fmt.Sprintf("Import %d registrants into %s", rows, ev.Title),
	}, contract.RegistrantImportWorkflow, contract.RegistrantImportInput{ImportID: imp.ID})
	if err != nil {
		s.log.ErrorContext(ctx, "import workflow not started", "workspace", p.Workspace.ID, "import", imp.ID, "err", err)
		_ = store.Delete[store.RegistrantImport](context.WithoutCancel(ctx), s.db, p.Workspace.ID, imp.ID)
		fail(c, problem(http.StatusServiceUnavailable, "unavailable", "Try again later", "the workflow engine did not accept the import; nothing was imported"))
		return
	}
	c.JSON(http.StatusAccepted, imp)
}

// cancelImport marks the import cancelled, then cancels its workflow: the
// chunk in progress stops after its current row and records what it did. The
// store's status decides, so a workflow that already ended changes nothing.
func (s *eventsAPI) cancelImport(c *gin.Context) {
	ctx := c.Request.Context()
	auditObject(c, "import", c.Param("id"))
	imp, err := store.CancelImport(ctx, s.db, caller(c).Workspace.ID, c.Param("id"))
	if errors.Is(err, store.ErrImportFinished) {
		fail(c, conflict("the import is "+imp.Status+": there is nothing to cancel"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	err = s.lifecycle.cancel(context.WithoutCancel(ctx), contract.RegistrantImportWorkflowID(imp.ID))
	if err != nil && !isWorkflowGone(err) {
		// The next chunk sees the status and ends the workflow.
		s.log.ErrorContext(ctx, "import workflow not cancelled", "workspace", imp.WorkspaceID, "import", imp.ID, "err", err)
	}
	c.JSON(http.StatusOK, imp)
}

// withoutFile leaves the CSV itself out of listed imports.
func withoutFile(narrow narrowing) narrowing {
	return func(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
		f, err := narrow(c)
		if err != nil {
			return nil, err
		}
		return func(q *bun.SelectQuery) *bun.SelectQuery {
			if f != nil {
				q = f(q)
			}
			return q.ExcludeColumn("csv")
		}, nil
	}
}
