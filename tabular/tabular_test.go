package tabular

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var table = [][]string{
	{"name", "question"},
	{"Zoë 名前", `=HYPERLINK("http://evil.test")`},
	{"-1", "a, \"quoted\"\nline"},
}

// A CSV starts with a byte order mark, breaks lines with CRLF, quotes what needs it and
// turns cells a spreadsheet would evaluate into text.
func TestCSV(t *testing.T) {
	got := write(t, CSV)
	want := "\ufeffname,question\r\n" +
		"Zoë 名前,\"'=HYPERLINK(\"\"http://evil.test\"\")\"\r\n" +
		"'-1,\"a, \"\"quoted\"\"\r\nline\"\r\n" // encoding/csv writes a line break in a field as CRLF too
	if got != want {
		t.Fatalf("csv:\n%q\nwant\n%q", got, want)
	}
}

// An XLSX keeps every cell as the text it was, formulas included, and evaluates none.
func TestXLSX(t *testing.T) {
	book, err := excelize.OpenReader(strings.NewReader(write(t, XLSX)))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(rows, table, slices.Equal[[]string]) {
		t.Fatalf("rows %q, want %q", rows, table)
	}
	if f, err := book.GetCellFormula(xlsxSheet, "B2"); err != nil || f != "" {
		t.Fatalf("B2 holds formula %q (%v), want none", f, err)
	}
}

func TestFormats(t *testing.T) {
	for format, want := range map[string]string{CSV: "text/csv; charset=utf-8", XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": ""} {
		got, ok := ContentType(format)
		if got != want || ok != (want != "") {
			t.Errorf("ContentType(%q) = %q, %v; want %q", format, got, ok, want)
		}
		if _, err := NewWriter(format, &bytes.Buffer{}); (err == nil) != ok {
			t.Errorf("NewWriter(%q) error %v, want one only for an unknown format", format, err)
		}
	}
}

func write(t *testing.T, format string) string {
	t.Helper()
	var out bytes.Buffer
	w, err := NewWriter(format, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range table {
		if err := w.Row(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
