package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/store"
)

// ImportChunkInput asks for the next Limit rows of an import.
type ImportChunkInput struct {
	ImportID string
	Limit    int
}

// ImportChunkResult says whether the import is over.
type ImportChunkResult struct {
	Done bool
}

// ImportUnreadable is the error type of an import that cannot go on whatever
// the retries: its file, session or event is unusable.
const ImportUnreadable = "ImportUnreadable"

// ImportChunk registers the next rows of a CSV import, then records the
// progress with its counters, so a crash repeats at most one chunk. A repeated
// row finds the registration it made (the registrant carries the import's id)
// and counts as imported; a person registered otherwise, or twice in the file,
// counts as a duplicate. Each row goes through the registration rules of the
// API (store.Registration.Clean and CheckAnswers).
func (a *Activities) ImportChunk(ctx context.Context, in ImportChunkInput) (ImportChunkResult, error) {
	imp, err := store.ImportByID(ctx, a.DB, in.ImportID)
	if errors.Is(err, store.ErrNotFound) {
		return ImportChunkResult{Done: true}, nil // deleted with its event
	}
	if err != nil {
		return ImportChunkResult{}, err
	}
	if imp.Status != store.ImportRunning {
		return ImportChunkResult{Done: true}, nil
	}
	ses, err := store.SessionByID(ctx, a.DB, imp.SessionID)
	if err != nil {
		return ImportChunkResult{}, unhealable(err)
	}
	ev, err := store.EventByID(ctx, a.DB, ses.EventID)
	if err != nil {
		return ImportChunkResult{}, unhealable(err)
	}
	attrs, err := store.EventAttributes(ctx, a.DB, ev)
	if err != nil {
		return ImportChunkResult{}, err
	}
	chunk := importChunk{imp: imp, ses: ses, ev: ev, attrs: attrs, end: imp.Processed + in.Limit,
		progress: store.ImportProgress{From: imp.Processed}, firstLine: map[string]int{}}
	var rowErr error
	readErr := store.ReadImport(imp.CSV, ev.Settings.CustomFields, func(row store.ImportRow) error {
		if row.Index >= chunk.end {
			return store.ErrStopReading
		}
		if err := chunk.row(ctx, a, row); err != nil {
			if !errors.Is(err, store.ErrStopReading) {
				rowErr = err
			}
			return err
		}
		activity.RecordHeartbeat(ctx, chunk.progress.Processed)
		return nil
	})
	if readErr != nil && rowErr == nil {
		// The header no longer fits the event (its custom fields changed).
		return ImportChunkResult{}, temporal.NewNonRetryableApplicationError("the file cannot be read: "+readErr.Error(), ImportUnreadable, readErr)
	}
	p := chunk.progress
	p.Done = rowErr == nil && (imp.Processed+p.Processed >= imp.Rows || p.Processed < in.Limit)
	// What was registered is recorded even when the chunk stops early (cancelled, or
	// a failing database), so the counters match the registrants.
	if err := store.RecordImportProgress(context.WithoutCancel(ctx), a.DB, imp.ID, p); err != nil {
		return ImportChunkResult{}, errors.Join(rowErr, err)
	}
	if rowErr != nil {
		return ImportChunkResult{}, rowErr
	}
	return ImportChunkResult{Done: p.Done || p.Failure != ""}, nil
}

// importChunk is one run of ImportChunk: the rows it reads and what they did.
type importChunk struct {
	imp      *store.RegistrantImport
	ses      *store.Session
	ev       *store.Event
	attrs    []store.CustomAttribute
	end      int // the index of the first row left to the next chunk
	progress store.ImportProgress
	// firstLine is the line of each address's first valid row in the file, the
	// rows of earlier chunks included: a later row with it is a duplicate.
	firstLine map[string]int
}

// row handles one data row: earlier chunks' rows only mark their address seen.
func (c *importChunk) row(ctx context.Context, a *Activities, row store.ImportRow) error {
	r := store.Registration{Event: c.ev, Session: c.ses, Email: row.Email, Name: row.Name, Fields: row.Fields,
		ByOrganizer: true, JoinWaitlist: c.ev.Settings.Waitlist, ImportID: c.imp.ID}
	refusal := row.Err
	if refusal == nil {
		refusal = r.Clean()
	}
	if refusal == nil {
		refusal = r.CheckAnswers(c.attrs)
	}
	first, seen := c.firstLine[r.Email]
	if refusal == nil && !seen {
		c.firstLine[r.Email] = row.Row
	}
	if row.Index < c.imp.Processed {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err // cancelled: the rows so far are recorded
	}
	switch {
	case refusal != nil:
		c.progress.Refuse(row.Row, refusal.Error())
		return nil
	case seen:
		c.progress.Duplicate(row.Row, fmt.Sprintf("the same address as line %d", first))
		return nil
	}
	reg, created, err := store.Register(ctx, a.DB, r)
	switch {
	case errors.Is(err, store.ErrSessionFull):
		c.progress.Refuse(row.Row, "the session is full")
	case errors.Is(err, store.ErrSessionClosed):
		c.progress.Failure = "the session was cancelled or is over: it takes no more registrations"
		return store.ErrStopReading
	case err != nil:
		return fmt.Errorf("import %s line %d: %w", c.imp.ID, row.Row, err)
	case created || reg.ImportID == c.imp.ID:
		c.progress.Processed++
		c.progress.Imported++
	default:
		c.progress.Duplicate(row.Row, "already registered to this session")
	}
	return nil
}

// unhealable marks a missing session or event as final: retries cannot bring it back.
func unhealable(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return temporal.NewNonRetryableApplicationError("the session or its event is gone: "+err.Error(), ImportUnreadable, err)
	}
	return err
}

// FailImportInput ends an import that cannot go on.
type FailImportInput struct {
	ImportID string
	Reason   string
}

// FailImport marks a running import failed with the reason the workflow gave up.
func (a *Activities) FailImport(ctx context.Context, in FailImportInput) error {
	return store.FailImport(ctx, a.DB, in.ImportID, in.Reason)
}
