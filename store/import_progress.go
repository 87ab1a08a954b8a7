package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/webhookevents"
)

// Refusals of the import functions.
var (
	// ErrImportFinished: the import has completed, failed or been cancelled.
	ErrImportFinished = errors.New("store: the import is over")
	// ErrImportRace: another run recorded progress first (a retried chunk whose
	// first attempt went on); the caller reads the import again.
	ErrImportRace = errors.New("store: the import progressed elsewhere")
)

// ImportProgress is what one chunk of an import did.
type ImportProgress struct {
	From       int // rows processed before the chunk, as the chunk read them
	Processed  int
	Imported   int
	Duplicates int
	Failed     int
	Errors     []ImportError
	Done       bool   // no row is left
	Failure    string // the import cannot go on, and why
}

// Refuse counts a row refused for reason.
func (p *ImportProgress) Refuse(row int, reason string) {
	p.Processed++
	p.Failed++
	p.Errors = append(p.Errors, ImportError{Row: row, Error: reason})
}

// Duplicate counts a row whose person is registered already.
func (p *ImportProgress) Duplicate(row int, reason string) {
	p.Processed++
	p.Duplicates++
	p.Errors = append(p.Errors, ImportError{Row: row, Error: reason})
}

// ImportByID loads an import in any workspace (for the workflow that runs it).
func ImportByID(ctx context.Context, db bun.IDB, id string) (*RegistrantImport, error) {
	imp := new(RegistrantImport)
	err := db.NewSelect().Model(imp).Where("id = ?", id).Limit(1).Scan(ctx)
	return imp, notFound("get import "+id, err)
}

// RecordImportProgress adds a chunk's counts to its import, keeping at most
// MaxImportErrors row reports. The import completes when p.Done, fails when
// p.Failure is set; one cancelled meanwhile stays cancelled and still counts
// the rows the chunk registered. The write is conditional on the progress and
// status it read, so a concurrent cancel is never overwritten.
func RecordImportProgress(ctx context.Context, db bun.IDB, id string, p ImportProgress) error {
	for range 3 {
		imp, err := ImportByID(ctx, db, id)
		if err != nil {
			return err
		}
		if imp.Processed != p.From {
			return fmt.Errorf("record import %s from row %d, found %d: %w", id, p.From, imp.Processed, ErrImportRace)
		}
		read := imp.Status
		imp.Processed += p.Processed
		imp.Imported += p.Imported
		imp.Duplicates += p.Duplicates
		imp.Failed += p.Failed
		if room := MaxImportErrors - len(imp.Errors); room > 0 {
			imp.Errors = append(imp.Errors, p.Errors[:min(room, len(p.Errors))]...)
		}
		if imp.Status == ImportRunning {
			switch {
			case p.Failure != "":
				imp.Status, imp.Failure = ImportFailed, p.Failure
			case p.Done:
				imp.Status = ImportCompleted
			}
		}
		imp.UpdatedAt = Now()
		written := false
		err = InTx(ctx, db, func(ctx context.Context, tx bun.IDB) error {
			res, err := tx.NewUpdate().Model(imp).WherePK().Where("processed = ?", p.From).Where("status = ?", read).Exec(ctx)
			if err != nil {
				return fmt.Errorf("record import %s progress: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return nil
			}
			written = true
			if read == ImportRunning && imp.Status != ImportRunning {
				return emitImportFinished(ctx, tx, id)
			}
			return nil
		})
		if err != nil || written {
			return err
		}
	}
	return fmt.Errorf("record import %s progress: %w", id, ErrImportRace)
}

// FailImport ends a running import as failed, with the reason; an import
// already over (or deleted with its event) is left as it is.
func FailImport(ctx context.Context, db bun.IDB, id, reason string) error {
	return InTx(ctx, db, func(ctx context.Context, db bun.IDB) error {
		res, err := db.NewUpdate().Model((*RegistrantImport)(nil)).
			Set("status = ?", ImportFailed).Set("failure = ?", reason).Set("updated_at = ?", Now()).
			Where("id = ?", id).Where("status = ?", ImportRunning).Exec(ctx)
		if err != nil {
			return fmt.Errorf("fail import %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return emitImportFinished(ctx, db, id)
		}
		return nil
	})
}

// CancelImport marks a running import of workspace ws cancelled and returns
// it; ErrImportFinished when it is already over.
func CancelImport(ctx context.Context, db bun.IDB, ws, id string) (imp *RegistrantImport, err error) {
	err = InTx(ctx, db, func(ctx context.Context, db bun.IDB) error {
		imp, err = cancelImport(ctx, db, ws, id)
		if err != nil {
			return err
		}
		return EmitWebhookEvent(ctx, db, ws, webhookevents.ImportFinished, importPayload(imp))
	})
	return imp, err
}

func cancelImport(ctx context.Context, db bun.IDB, ws, id string) (*RegistrantImport, error) {
	res, err := db.NewUpdate().Model((*RegistrantImport)(nil)).
		Set("status = ?", ImportCancelled).Set("updated_at = ?", Now()).
		Where("workspace_id = ?", ws).Where("id = ?", id).Where("status = ?", ImportRunning).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("cancel import %s: %w", id, err)
	}
	imp, err := Get[RegistrantImport](ctx, db, ws, id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return imp, fmt.Errorf("cancel import %s, %s: %w", id, imp.Status, ErrImportFinished)
	}
	return imp, nil
}
