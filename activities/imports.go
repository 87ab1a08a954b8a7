package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// ImportChunkInput asks for the next Limit rows of an import.
type ImportChunkInput struct {
	ImportID string
	Limit    int
}

// ImportChunkResult says whether the import is finished.
type ImportChunkResult struct {
	Done bool
}

// ImportChunk registers the next rows of a CSV import and commits the
// progress in one transaction with its counters, so a crash repeats at most
// one chunk; repeated rows find their registration already there.
func (a *Activities) ImportChunk(ctx context.Context, in ImportChunkInput) (ImportChunkResult, error) {
	imp := new(store.RegistrantImport)
	if err := a.DB.NewSelect().Model(imp).Where("id = ?", in.ImportID).Scan(ctx); err != nil {
		return ImportChunkResult{}, fmt.Errorf("load import %s: %w", in.ImportID, err)
	}
	if imp.Status == store.ImportDone {
		return ImportChunkResult{Done: true}, nil
	}
	ses, err := store.SessionByID(ctx, a.DB, imp.SessionID)
	if err != nil {
		return ImportChunkResult{}, err
	}
	ev, err := store.EventByID(ctx, a.DB, ses.EventID)
	if err != nil {
		return ImportChunkResult{}, err
	}
	var processed, imported, failed int
	var rowErrors []store.ImportError
	refuse := func(row int, msg string) {
		failed++
		rowErrors = append(rowErrors, store.ImportError{Row: row, Error: msg})
	}
	closed := false
	err = store.ReadImport(imp.CSV, ev.Settings.CustomFields, imp.Processed, in.Limit, func(r store.ImportRow) error {
		processed++
		activity.RecordHeartbeat(ctx, processed)
		if r.Err != nil {
			refuse(r.Row, r.Err.Error())
			return nil
		}
		addr, err := mail.ValidateAddress(r.Email)
		if err != nil {
			refuse(r.Row, fmt.Sprintf("invalid e-mail address %q", r.Email))
			return nil
		}
		_, _, err = store.Register(ctx, a.DB, store.Registration{Event: ev, Session: ses, Email: addr, Name: r.Name,
			Fields: r.Fields, ByOrganizer: true, JoinWaitlist: ev.Settings.Waitlist})
		switch {
		case errors.Is(err, store.ErrSessionFull):
			refuse(r.Row, "the session is full")
		case errors.Is(err, store.ErrSessionClosed):
			closed = true
			return err
		case err != nil:
			return err
		default:
			imported++
		}
		return nil
	})
	if err != nil && !closed {
		return ImportChunkResult{}, err
	}
	done := closed || imp.Processed+processed >= imp.Rows || processed < in.Limit
	err = a.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		fresh := new(store.RegistrantImport)
		if err := tx.NewSelect().Model(fresh).Where("id = ?", imp.ID).Scan(ctx); err != nil {
			return err
		}
		if fresh.Processed != imp.Processed {
			return temporal.NewApplicationError("import progressed elsewhere", "ImportRace")
		}
		fresh.Processed += processed
		fresh.Imported += imported
		fresh.Failed += failed
		if room := store.MaxImportErrors - len(fresh.Errors); room > 0 {
			fresh.Errors = append(fresh.Errors, rowErrors[:min(room, len(rowErrors))]...)
		}
		if closed {
			fresh.Errors = append(fresh.Errors, store.ImportError{Error: "the session was cancelled or ended: the import stopped"})
		}
		if done {
			fresh.Status = store.ImportDone
		}
		fresh.UpdatedAt = store.Now()
		_, err := tx.NewUpdate().Model(fresh).WherePK().Exec(ctx)
		return err
	})
	if err != nil {
		return ImportChunkResult{}, fmt.Errorf("record import %s progress: %w", imp.ID, err)
	}
	return ImportChunkResult{Done: done}, nil
}
