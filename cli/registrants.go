package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/onairhq/onair/client"
)

var registrantCommands = map[string]command{
	"list":       {args: "[session-id]", run: listRegistrants},
	"import":     {args: "<session-id> <file.csv>", nargs: 2, run: importRegistrants},
	"export":     {args: "<session-id> <csv|xlsx> <file>", nargs: 3, run: exportRegistrants},
	"approve":    {args: "<registrant-id>", nargs: 1, run: approveRegistrant},
	"deliveries": {args: "<registrant-id>", nargs: 1, run: registrantDeliveries},
}

var recordingCommands = map[string]command{
	"start": {args: "<session-id>", nargs: 1, run: recording(true)},
	"stop":  {args: "<session-id>", nargs: 1, run: recording(false)},
}

func listRegistrants(ctx context.Context, a *app, args []string) error {
	params := &client.ListRegistrantsParams{}
	if len(args) > 0 {
		params.SessionId = &args[0]
	}
	all, err := everyPage(func(cursor *string) ([]client.Registrant, *string, error) {
		params.Cursor = cursor
		res, err := a.api.ListRegistrantsWithResponse(ctx, params)
		if err := check(res, err); err != nil {
			return nil, nil, err
		}
		return res.JSON200.Data, res.JSON200.NextCursor, nil
	})
	if err != nil {
		return err
	}
	rows := [][]string{}
	for _, r := range all {
		rows = append(rows, []string{r.Id, string(r.Email), r.Name, r.SessionId, string(r.Status)})
	}
	return a.show(all, []string{"identifier", "email", "name", "session", "status"}, rows)
}

// importRegistrants sends a CSV file (header: email, name, custom field keys); the API
// registers its rows in the background, and `onair registrants list` shows them.
func importRegistrants(ctx context.Context, a *app, args []string) error {
	csv, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	res, err := a.api.ImportRegistrantsWithBodyWithResponse(ctx, args[0], "text/csv", bytes.NewReader(csv))
	if err := check(res, err); err != nil {
		return err
	}
	imp := res.JSON202
	return a.say(imp, "cli.registrants.import_started", "ID", imp.Id, "Rows", imp.Rows)
}

func exportRegistrants(ctx context.Context, a *app, args []string) error {
	format := client.ExportSessionRegistrantsParamsFormat(args[1])
	if !format.Valid() {
		return fmt.Errorf("%s", a.l.T("cli.error.format", "Value", args[1]))
	}
	res, err := a.api.ExportSessionRegistrantsWithResponse(ctx, args[0], &client.ExportSessionRegistrantsParams{Format: &format})
	if err := check(res, err); err != nil {
		return err
	}
	if err := os.WriteFile(args[2], res.Body, 0o644); err != nil {
		return err
	}
	return a.say(map[string]any{"file": args[2], "bytes": len(res.Body)}, "cli.registrants.exported", "File", args[2])
}

func approveRegistrant(ctx context.Context, a *app, args []string) error {
	res, err := a.api.ApproveRegistrantWithResponse(ctx, args[0])
	if err := check(res, err); err != nil {
		return err
	}
	r := res.JSON200
	return a.show(r, []string{"identifier", "email", "name", "session", "status"}, [][]string{{r.Id, string(r.Email), r.Name, r.SessionId, string(r.Status)}})
}

// recording starts or stops recording a live session on its media node.
func recording(start bool) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		var rec *client.RecordingStatus
		if start {
			res, err := a.api.StartSessionRecordingWithResponse(ctx, args[0])
			if err := check(res, err); err != nil {
				return err
			}
			rec = res.JSON200
		} else {
			res, err := a.api.StopSessionRecordingWithResponse(ctx, args[0])
			if err := check(res, err); err != nil {
				return err
			}
			rec = res.JSON200
		}
		tracks := 0
		if rec.Tracks != nil {
			tracks = len(*rec.Tracks)
		}
		return a.show(rec, []string{"session", "state", "tracks"}, [][]string{{rec.SessionId, rec.State, fmt.Sprint(tracks)}})
	}
}
