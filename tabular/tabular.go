// Package tabular writes a table row by row, as it is read, in one of the file formats
// spreadsheets open: CSV (RFC 4180, UTF-8 with a byte order mark) or XLSX. Both keep a cell
// a person typed from running as a formula. It imports nothing of onair; the API's exports
// stream their rows through it.
package tabular

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Writer writes one table as rows, as they are read: CSV goes straight to the output;
// XLSX rows go through excelize's StreamWriter (which spills to a temporary file past its
// buffer) and the workbook is zipped to the output by Close.
type Writer interface {
	Row(cells []string) error
	Close() error
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

// NewWriter starts a table in format (CSV or XLSX) on w.
func NewWriter(format string, w io.Writer) (Writer, error) {
	switch format {
	case CSV:
		return newCSVWriter(w)
	case XLSX:
		return newXLSXWriter(w)
	}
	return nil, fmt.Errorf("tabular: unknown format %q", format)
}

// csvWriter writes RFC 4180 CSV (CRLF line ends, quotes doubled inside quoted fields) in
// UTF-8 with a byte order mark, which is what makes spreadsheet programs read non-Latin
// scripts right.
type csvWriter struct {
	w *csv.Writer
}

func newCSVWriter(w io.Writer) (*csvWriter, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, fmt.Errorf("write csv bom: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &csvWriter{w: cw}, nil
}

func (c *csvWriter) Row(cells []string) error {
	safe := make([]string, len(cells))
	for i, v := range cells {
		safe[i] = neutralizeFormula(v)
	}
	if err := c.w.Write(safe); err != nil {
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

// xlsxWriter writes one sheet. Cells are typed as strings, so a spreadsheet shows a value
// starting with "=" as text and never evaluates it.
type xlsxWriter struct {
	out  io.Writer
	file *excelize.File
	sw   *excelize.StreamWriter
	row  int
}

const xlsxSheet = "Sheet1"

func newXLSXWriter(w io.Writer) (*xlsxWriter, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter(xlsxSheet)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("xlsx stream writer: %w", err)
	}
	return &xlsxWriter{out: w, file: f, sw: sw}, nil
}

func (x *xlsxWriter) Row(cells []string) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	values := make([]any, len(cells))
	for i, v := range cells {
		values[i] = excelize.Cell{Value: v}
	}
	if err := x.sw.SetRow(cell, values); err != nil {
		return fmt.Errorf("write xlsx row %d: %w", x.row, err)
	}
	return nil
}

func (x *xlsxWriter) Close() error {
	defer x.file.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("flush xlsx: %w", err)
	}
	if err := x.file.Write(x.out); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}
