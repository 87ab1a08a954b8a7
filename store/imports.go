package store

import (
	"errors"
	"fmt"
	"strings"
)

// MaxImportErrors bounds the refused rows an import keeps (it still counts them all).
const MaxImportErrors = 1000

// ImportRow is one data row of an import CSV.
type ImportRow struct {
	Index  int // 0-based among the data rows, the order imports count in
	Row    int // 1-based line the row starts on (the header is line 1)
	Email  string
	Name   string
	Fields map[string]string
	Err    error // the row cannot be read as given
}

// ErrStopReading, returned by ReadImport's callback, ends the reading without error.
var ErrStopReading = errors.New("store: stop reading the import")

// ImportColumns checks a CSV header: an "email" column, optionally "name",
// and the rest custom field keys the event asks. It returns the normalized columns.
func ImportColumns(header []string, customFields []string) ([]string, error) {
	cols := make([]string, len(header))
	hasEmail := false
	for i, h := range header {
		c := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch {
		case contains(cols[:i], c):
			return nil, fmt.Errorf("column %q appears twice", h)
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

// ReadImport checks the header of an import CSV, then calls fn for each data
// row in order until fn returns an error (ErrStopReading ends without one). A row
// that cannot be read (a stray quote, a quote never closed, as many values as
// columns, bytes that are not UTF-8) reaches fn with Err set, and the rows
// after it are read as usual; CountImportRows counts the same rows.
func ReadImport(data string, customFields []string, fn func(ImportRow) error) error {
	sc := newCSVScanner(data)
	header, ok := sc.next()
	switch {
	case !ok:
		return errors.New(`the file is empty: the first line must name the columns, one of them "email"`)
	case header.err != nil:
		return fmt.Errorf("line %d, the header: %w", header.line, header.err)
	}
	cols, err := ImportColumns(header.fields, customFields)
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		rec, ok := sc.next()
		if !ok {
			return nil
		}
		if err := fn(importRow(i, rec, cols)); err != nil {
			if errors.Is(err, ErrStopReading) {
				return nil
			}
			return err
		}
	}
}

func importRow(i int, rec csvRecord, cols []string) ImportRow {
	out := ImportRow{Index: i, Row: rec.line, Fields: map[string]string{}}
	switch {
	case rec.err != nil:
		out.Err = rec.err
	case len(rec.fields) != len(cols):
		out.Err = fmt.Errorf("%d values for %d columns", len(rec.fields), len(cols))
	default:
		for i, c := range cols {
			v := strings.TrimSpace(rec.fields[i])
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
	return out
}

// CountImportRows counts the data rows of a CSV as ReadImport reads them.
func CountImportRows(data string) int {
	sc := newCSVScanner(data)
	n := -1
	for {
		if _, ok := sc.next(); !ok {
			return max(n, 0)
		}
		n++
	}
}
