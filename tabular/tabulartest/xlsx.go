// Package tabulartest reads back the XLSX files tabular writes, for tests, without the
// library that wrote them: it unzips the workbook and decodes its XML parts with
// encoding/xml, so a test sees the cell types, styles, panes and filter a spreadsheet sees.
package tabulartest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"testing"
)

// Sheet is the first sheet of a workbook as a spreadsheet program reads it.
type Sheet struct {
	Name string
	// FrozenRows is how many rows the frozen pane keeps in view (0 when none is frozen).
	FrozenRows int
	// AutoFilter is the range the filter buttons cover ("A1:L6", absolute marks dropped),
	// empty when none.
	AutoFilter string
	Rows       [][]Cell
}

// Cell is one cell: its type attribute (empty, "n", "s", "str", "inlineStr", "b"), its text
// (shared strings resolved) and, for a styled number, the number format its style applies.
type Cell struct {
	Ref, Type, Text string
	NumFmt          string
}

// IsNumber reports whether a spreadsheet stores the cell as a number.
func (c Cell) IsNumber() bool { return (c.Type == "" || c.Type == "n") && c.Text != "" }

// IsDate reports whether the cell is a number shown through a date or time format.
func (c Cell) IsDate() bool { return c.IsNumber() && isDateFormat(c.NumFmt) }

// Column returns the cells below the header cell labelled label.
func (s Sheet) Column(t testing.TB, label string) []Cell {
	t.Helper()
	for i, h := range s.Rows[0] {
		if h.Text == label {
			var out []Cell
			for _, r := range s.Rows[1:] {
				if i < len(r) {
					out = append(out, r[i])
				} else {
					out = append(out, Cell{})
				}
			}
			return out
		}
	}
	t.Fatalf("no column %q in the header %v", label, s.Rows[0])
	return nil
}

// Read unzips an XLSX file and decodes its first sheet.
func Read(t testing.TB, data []byte) Sheet {
	t.Helper()
	s, err := read(data)
	if err != nil {
		t.Fatalf("read xlsx: %v", err)
	}
	return s
}

func read(data []byte) (Sheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Sheet{}, err
	}
	part := func(name string, v any) error {
		f, err := zr.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		return xml.Unmarshal(b, v)
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := part("xl/workbook.xml", &book); err != nil || len(book.Sheets) == 0 {
		return Sheet{}, fmt.Errorf("workbook: %v (%d sheets)", err, len(book.Sheets))
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := part("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return Sheet{}, err
	}
	sheetPath := ""
	for _, r := range rels.Rels {
		if r.ID == book.Sheets[0].RID {
			sheetPath = path.Join("xl", strings.TrimPrefix(r.Target, "/xl/"))
		}
	}
	var shared struct {
		Items []struct {
			T    string   `xml:"t"`
			Runs []string `xml:"r>t"`
		} `xml:"si"`
	}
	if err := part("xl/sharedStrings.xml", &shared); err != nil && !strings.Contains(err.Error(), "not exist") {
		return Sheet{}, err
	}
	formats, err := styleFormats(part)
	if err != nil {
		return Sheet{}, err
	}
	var ws struct {
		Panes []struct {
			YSplit string `xml:"ySplit,attr"`
			State  string `xml:"state,attr"`
		} `xml:"sheetViews>sheetView>pane"`
		AutoFilter struct {
			Ref string `xml:"ref,attr"`
		} `xml:"autoFilter"`
		Rows []struct {
			Cells []struct {
				R      string `xml:"r,attr"`
				S      string `xml:"s,attr"`
				T      string `xml:"t,attr"`
				V      string `xml:"v"`
				Inline string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := part(sheetPath, &ws); err != nil {
		return Sheet{}, fmt.Errorf("sheet %s: %w", sheetPath, err)
	}
	out := Sheet{Name: book.Sheets[0].Name, AutoFilter: strings.ReplaceAll(ws.AutoFilter.Ref, "$", "")}
	for _, p := range ws.Panes {
		if p.State == "frozen" {
			out.FrozenRows, _ = strconv.Atoi(p.YSplit)
		}
	}
	for _, r := range ws.Rows {
		var row []Cell
		for _, c := range r.Cells {
			cell := Cell{Ref: c.R, Type: c.T, Text: c.V}
			switch c.T {
			case "inlineStr":
				cell.Text = c.Inline
			case "s":
				i, _ := strconv.Atoi(c.V)
				if i < len(shared.Items) {
					cell.Text = shared.Items[i].T + strings.Join(shared.Items[i].Runs, "")
				}
			}
			if s, err := strconv.Atoi(c.S); err == nil && s < len(formats) {
				cell.NumFmt = formats[s]
			}
			row = append(row, cell)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// builtInDates are the number formats ECMA-376 predefines as dates and times (§18.8.30).
var builtInDates = map[int]string{14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
	19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0"}

// styleFormats lists, per cell style index (cellXfs), the format code it applies.
func styleFormats(part func(string, any) error) ([]string, error) {
	var styles struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := part("xl/styles.xml", &styles); err != nil {
		return nil, fmt.Errorf("styles: %w", err)
	}
	codes := map[int]string{}
	for id, code := range builtInDates {
		codes[id] = code
	}
	for _, f := range styles.NumFmts {
		codes[f.ID] = f.Code
	}
	out := make([]string, len(styles.Xfs))
	for i, xf := range styles.Xfs {
		out[i] = codes[xf.NumFmtID]
	}
	return out, nil
}

// isDateFormat reports whether a format code shows a date or time: it has a day, month,
// year, hour or second part outside quoted text and brackets other than elapsed time.
func isDateFormat(code string) bool {
	inQuote, inBracket := false, false
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '[':
			inBracket = true
		case r == ']':
			inBracket = false
		case inBracket:
		case strings.ContainsRune("ymdhs", r):
			return true
		}
	}
	return false
}
