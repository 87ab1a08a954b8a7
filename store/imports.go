package store

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxImportErrors bounds the refused rows an import keeps (it still counts them all).
const MaxImportErrors = 1000

// ImportRow is one data row of an import CSV, by 1-based line number.
type ImportRow struct {
	Row    int
	Email  string
	Name   string
	Fields map[string]string
	Err    error // the row cannot be read as given
}

// ImportColumns checks a CSV header: an "email" column, optionally "name",
// and the rest custom field keys the event asks. It returns the normalized columns.
func ImportColumns(header []string, customFields []string) ([]string, error) {
	cols := make([]string, len(header))
	hasEmail := false
	for i, h := range header {
		c := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch {
		case c == "email":
			hasEmail = true
		case c == "name":
		case !contains(customFields, c):
			return nil, fmt.Errorf("column %q is neither email, name nor a custom field of the event", h)
		}
		cols[i] = c
	}
	if !hasEmail {
		return nil, errors.New(`the first line must name the columns, one of them "email"`)
	}
	return cols, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ReadImport calls fn for each data row after the first skip ones, stopping
// after limit rows (0: no limit). Rows that do not parse reach fn with Err set.
func ReadImport(data string, customFields []string, skip, limit int, fn func(ImportRow) error) error {
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	cols, err := ImportColumns(header, customFields)
	if err != nil {
		return err
	}
	seen := 0
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		seen++
		if seen <= skip {
			continue
		}
		if limit > 0 && seen > skip+limit {
			return nil
		}
		line, _ := r.FieldPos(0)
		if line > 0 {
			row = line
		}
		out := ImportRow{Row: row, Fields: map[string]string{}}
		switch {
		case err != nil:
			out.Err = fmt.Errorf("unreadable CSV: %v", err)
		case len(rec) != len(cols):
			out.Err = fmt.Errorf("%d values for %d columns", len(rec), len(cols))
		default:
			for i, c := range cols {
				v := strings.TrimSpace(rec[i])
				switch c {
				case "email":
					out.Email = v
				case "name":
					out.Name = v
				default:
					if v != "" {
						out.Fields[c] = v
					}
				}
			}
		}
		if err := fn(out); err != nil {
			return err
		}
	}
}

// CountImportRows counts the data rows of a CSV.
func CountImportRows(data string) int {
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = -1
	n := -1
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			return max(n, 0)
		}
		n++
	}
}
