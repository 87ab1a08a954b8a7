package tabular_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/onairhq/onair/tabular"
	"github.com/onairhq/onair/tabular/tabulartest"
)

var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// The day Paris moves to summer time: 09:00 there is 07:00 UTC.
var summerMorning = time.Date(2026, 3, 29, 9, 0, 0, 0, paris)

var table = tabular.Table{Sheet: "Inscrits", Header: []string{"Nom", "Question", "Secondes", "Inscrit le"}}

var rows = [][]tabular.Cell{
	{tabular.Text("Zoë 名前"), tabular.Text(`=HYPERLINK("http://evil.test")`), tabular.Int(3600), tabular.Time(&summerMorning)},
	{tabular.Text("-1"), tabular.Text("a, \"quoted\"\nline"), tabular.Int(0), tabular.Time(nil)},
}

// A CSV starts with a byte order mark, breaks lines with CRLF, quotes what needs it, turns
// typed cells a spreadsheet would evaluate into text, and writes times with their offset.
func TestCSV(t *testing.T) {
	got := write(t, tabular.CSV)
	want := "\ufeffNom,Question,Secondes,Inscrit le\r\n" +
		"Zoë 名前,\"'=HYPERLINK(\"\"http://evil.test\"\")\",3600,2026-03-29 09:00:00 +02:00\r\n" +
		"'-1,\"a, \"\"quoted\"\"\r\nline\",0,\r\n" // encoding/csv writes a line break in a field as CRLF too
	if got != want {
		t.Fatalf("csv:\n%q\nwant\n%q", got, want)
	}
}

// An XLSX, read back by unzipping its XML: the sheet has the table's name, a frozen header
// and an auto-filter over every row; text stays text (formulas included, never evaluated),
// numbers are numbers and times are date serials of the zone's wall clock with a date format.
func TestXLSX(t *testing.T) {
	sheet := tabulartest.Read(t, []byte(write(t, tabular.XLSX)))
	if sheet.Name != "Inscrits" || sheet.FrozenRows != 1 || sheet.AutoFilter != "A1:D3" {
		t.Fatalf("sheet %q, %d frozen rows, filter %q; want Inscrits, 1, A1:D3", sheet.Name, sheet.FrozenRows, sheet.AutoFilter)
	}
	if len(sheet.Rows) != 3 {
		t.Fatalf("%d rows, want 3", len(sheet.Rows))
	}
	for i, h := range table.Header {
		if c := sheet.Rows[0][i]; c.Text != h || c.IsNumber() {
			t.Errorf("header %d is %+v, want the text %q", i, c, h)
		}
	}
	first := sheet.Rows[1]
	if c := first[1]; c.Type != "inlineStr" || c.Text != `=HYPERLINK("http://evil.test")` {
		t.Errorf("formula-like text is %+v, want it as an inline string", c)
	}
	if c := first[2]; !c.IsNumber() || c.IsDate() || c.Text != "3600" {
		t.Errorf("seconds cell %+v, want the number 3600", c)
	}
	// 2026-03-29 is day 46110 of the 1900 date system; 09:00 is 0.375 of a day.
	if c := first[3]; !c.IsDate() || c.Text != "46110.375" {
		t.Errorf("time cell %+v, want the date serial 46110.375 with a date format", c)
	}
	second := sheet.Rows[2]
	if c := second[0]; c.Type != "inlineStr" || c.Text != "-1" {
		t.Errorf("typed -1 is %+v, want the text -1", c)
	}
	if len(second) > 3 && second[3].Text != "" {
		t.Errorf("empty time is %+v, want an empty cell", second[3])
	}
}

func TestFormats(t *testing.T) {
	for format, want := range map[string]string{tabular.CSV: "text/csv; charset=utf-8", tabular.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": ""} {
		got, ok := tabular.ContentType(format)
		if got != want || ok != (want != "") {
			t.Errorf("ContentType(%q) = %q, %v; want %q", format, got, ok, want)
		}
		if _, err := tabular.NewWriter(format, &bytes.Buffer{}, table); (err == nil) != ok {
			t.Errorf("NewWriter(%q) error %v, want one only for an unknown format", format, err)
		}
	}
}

func write(t *testing.T, format string) string {
	t.Helper()
	var out bytes.Buffer
	w, err := tabular.NewWriter(format, &out, table)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := w.Row(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
