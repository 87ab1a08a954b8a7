package tabular

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxWriter writes one named sheet through excelize's StreamWriter, which spills to a
// temporary file past its buffer; Close zips the workbook to the output. Text cells are
// inline strings, so a spreadsheet shows a value starting with "=" as text and never
// evaluates it; numbers are numbers and times are date serials with a date format.
type xlsxWriter struct {
	out       io.Writer
	file      *excelize.File
	sw        *excelize.StreamWriter
	sheet     string
	columns   int
	row       int
	dateStyle int
	values    []any
}

// dateFormat is how a spreadsheet shows a time cell: the same order as CSV's, without the
// offset (a spreadsheet's dates have none).
const dateFormat = "yyyy-mm-dd hh:mm:ss"

func newXLSXWriter(w io.Writer, table Table) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x, err := startSheet(f, table)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	x.out = w
	return x, nil
}

// startSheet names the workbook's only sheet, freezes the header row and writes it in bold.
func startSheet(f *excelize.File, table Table) (*xlsxWriter, error) {
	sheet := table.Sheet
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, fmt.Errorf("xlsx sheet name %q: %w", sheet, err)
	}
	format := dateFormat
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return nil, fmt.Errorf("xlsx date style: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx header style: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx stream writer: %w", err)
	}
	// The header stays in view while scrolling (panes are written before the rows).
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, fmt.Errorf("xlsx freeze header: %w", err)
	}
	x := &xlsxWriter{file: f, sw: sw, sheet: sheet, columns: len(table.Header), dateStyle: dateStyle}
	header := make([]any, len(table.Header))
	for i, h := range table.Header {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return x, x.setRow(header)
}

func (x *xlsxWriter) Row(cells []Cell) error {
	x.values = x.values[:0]
	for _, c := range cells {
		switch c.kind {
		case numberCell:
			x.values = append(x.values, c.num)
		case decimalCell:
			x.values = append(x.values, c.dec)
		case timeCell:
			x.values = append(x.values, excelize.Cell{StyleID: x.dateStyle, Value: serial(c.at)})
		default:
			x.values = append(x.values, c.text)
		}
	}
	return x.setRow(x.values)
}

func (x *xlsxWriter) setRow(values []any) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	if err := x.sw.SetRow(cell, values); err != nil {
		return fmt.Errorf("write xlsx row %d: %w", x.row, err)
	}
	return nil
}

// Close puts the auto-filter over the header and every row written (known only now; the
// stream writer writes it after the rows at Flush) and zips the workbook to the output.
func (x *xlsxWriter) Close() error {
	defer x.file.Close()
	if x.columns > 0 {
		last, err := excelize.CoordinatesToCellName(x.columns, max(x.row, 1))
		if err != nil {
			return err
		}
		if err := x.file.AutoFilter(x.sheet, "A1:"+last, nil); err != nil {
			return fmt.Errorf("xlsx auto-filter: %w", err)
		}
	}
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("flush xlsx: %w", err)
	}
	if err := x.file.Write(x.out); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}
