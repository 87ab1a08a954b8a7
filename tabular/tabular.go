// Package tabular writes a table row by row, as it is read, in one of the file formats
// spreadsheets open: CSV (RFC 4180, UTF-8 with a byte order mark) or XLSX (a named sheet
// with typed cells, a frozen header row and an auto-filter). Both keep a cell a person
// typed from running as a formula. It imports nothing of onair; the API's exports stream
// their rows through it.
package tabular

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Writer writes one table's rows, as they are read, after the header NewWriter wrote.
type Writer interface {
	Row(cells []Cell) error
	Close() error
}

// Table is what a table is before its rows: the name of its XLSX sheet (CSV has none) and
// the header row, the column labels a person reads.
type Table struct {
	Sheet  string
	Header []string
}

// Formats.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

var contentTypes = map[string]string{
	CSV:  "text/csv; charset=utf-8",
	XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// ContentType is the media type of format; false when format is not one this package writes.
func ContentType(format string) (string, bool) {
	t, ok := contentTypes[format]
	return t, ok
}

// NewWriter starts table in format (CSV or XLSX) on w and writes its header.
func NewWriter(format string, w io.Writer, table Table) (Writer, error) {
	switch format {
	case CSV:
		return newCSVWriter(w, table)
	case XLSX:
		return newXLSXWriter(w, table)
	}
	return nil, fmt.Errorf("tabular: unknown format %q", format)
}

// csvWriter writes RFC 4180 CSV (CRLF line ends, quotes doubled inside quoted fields) in
// UTF-8 with a byte order mark, which is what makes spreadsheet programs read non-Latin
// scripts right.
type csvWriter struct {
	w    *csv.Writer
	line []string
}

func newCSVWriter(w io.Writer, table Table) (*csvWriter, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, fmt.Errorf("write csv bom: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	c := &csvWriter{w: cw}
	header := make([]Cell, len(table.Header))
	for i, h := range table.Header {
		header[i] = Text(h)
	}
	return c, c.Row(header)
}

func (c *csvWriter) Row(cells []Cell) error {
	c.line = c.line[:0]
	for _, cell := range cells {
		if cell.kind == textCell {
			c.line = append(c.line, neutralizeFormula(cell.text))
		} else {
			c.line = append(c.line, cell.String()) // numbers and times are onair's, never typed
		}
	}
	return c.write(c.line)
}

func (c *csvWriter) write(values []string) error {
	if err := c.w.Write(values); err != nil {
		return fmt.Errorf("write csv row: %w", err)
	}
	return nil
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// neutralizeFormula prefixes a quote to a value a spreadsheet would run as a formula (OWASP's
// CSV injection advice): attendees choose their names and questions, organizers open the file.
func neutralizeFormula(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
