package store

import (
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// readAll reads every data row of an import CSV (custom field "company").
func readAll(t testing.TB, data string) ([]ImportRow, error) {
	t.Helper()
	var rows []ImportRow
	err := ReadImport(data, []string{"company"}, func(r ImportRow) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// summary is a row as a test states it: line, email and name, or line and the refusal.
func summary(r ImportRow) string {
	if r.Err != nil {
		return fmt.Sprintf("%02d refused: %v", r.Row, r.Err)
	}
	return fmt.Sprintf("%02d %s %s", r.Row, r.Email, r.Name)
}

func TestReadImportRefusesBrokenRowsAndReadsOn(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		want      []string
	}{
		{"a stray quote on a later row", "email,name\na@x.io,Ann\nb@x.io,Bob \"the\" Builder\nc@x.io,Cid\n",
			[]string{"02 a@x.io Ann", "03 refused: " + errBareQuote.Error(), "04 c@x.io Cid"}},
		{"a stray quote on the first data row", "email,name\nb@x.io,\"Bob\" B\nc@x.io,Cid\n",
			[]string{"02 refused: " + errTextAfterQuote.Error(), "03 c@x.io Cid"}},
		{"a quote never closed takes only its own line", "email,name\na@x.io,\"Ann\nb@x.io,Bob\nc@x.io,Cid\n",
			[]string{"02 refused: " + errOpenQuote.Error(), "03 b@x.io Bob", "04 c@x.io Cid"}},
		{"a lone quote on its own line", "email,name\na@x.io,Ann\n\"\nb@x.io,Bob\n",
			[]string{"02 a@x.io Ann", "03 refused: " + errOpenQuote.Error(), "04 b@x.io Bob"}},
		{"a quoted value over two lines is one row", "email,name\na@x.io,\"Ann,\nof Paris\"\nb@x.io,\"Bob \"\"B\"\"\"\n",
			[]string{"02 a@x.io Ann,\nof Paris", "04 b@x.io Bob \"B\""}},
		{"wrong number of values", "email,name\na@x.io\nb@x.io,Bob,extra\nc@x.io,Cid\n",
			[]string{"02 refused: 1 values for 2 columns", "03 refused: 3 values for 2 columns", "04 c@x.io Cid"}},
		{"CRLF, blank lines and a BOM", "\ufeffEmail,Name\r\n\r\n  \r\na@x.io,Ann\r\n\r\nb@x.io,Bob",
			[]string{"04 a@x.io Ann", "06 b@x.io Bob"}},
		{"bytes that are not UTF-8", "email,name\na@x.io,A\xffnn\nb@x.io,Bob\n",
			[]string{"02 refused: " + errNotText.Error(), "03 b@x.io Bob"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := readAll(t, tc.csv)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, summary(r))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("rows\n got %q\nwant %q", got, tc.want)
			}
			if n := CountImportRows(tc.csv); n != len(rows) {
				t.Fatalf("CountImportRows %d, ReadImport %d rows", n, len(rows))
			}
		})
	}
}

func TestReadImportRefusesABadHeader(t *testing.T) {
	for _, tc := range []struct{ name, csv, want string }{
		{"empty", "", "the file is empty"},
		{"blank", "\n \n", "the file is empty"},
		{"no email column", "name\nAnn\n", `one of them "email"`},
		{"unknown column", "email,shoe_size\n", `column "shoe_size" is neither`},
		{"a column twice", "email,Email\n", `column "Email" appears twice`},
		{"a stray quote", "email,na\"me\n", "line 1, the header: a quote inside an unquoted value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(t, tc.csv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// FuzzReadImport: whatever the file, reading never panics; every row is read
// or refused with its line, lines increasing; CountImportRows counts the rows
// ReadImport gives; reading chunk by chunk (as the import workflow does)
// gives the same rows; and a file encoding/csv reads without error is read
// exactly as encoding/csv reads it.
func FuzzReadImport(f *testing.F) {
	for _, seed := range []string{
		"email,name\na@x.io,Ann\n",
		"email,name,company\na@x.io,Ann,Acme\nb@x.io,\"Bob \"\"B\"\"\",\"A,B\"\n",
		"email,name\na@x.io,Ann\nb@x.io,Bob \"the\" Builder\nc@x.io,Cid\n",
		"email,name\na@x.io,\"Ann\nb@x.io,Bob\n\"\n",
		"\ufeffemail\r\n\r\na@x.io\r\n",
		"email,name\na@x.io,A\xffnn\n",
		"email\n\"a\"b\n\"\"\"\n\"\n",
	} {
		f.Add(seed, uint8(1))
	}
	f.Fuzz(func(t *testing.T, data string, chunk uint8) {
		rows, err := readAll(t, data)
		if err != nil {
			return // the header is refused: the API answers 400, no import starts
		}
		if n := CountImportRows(data); n != len(rows) {
			t.Fatalf("CountImportRows %d, ReadImport %d rows", n, len(rows))
		}
		lines := strings.Count(data, "\n") + 1
		prev := 1
		for i, r := range rows {
			if r.Index != i || r.Row <= prev || r.Row > lines {
				t.Fatalf("row %d: index %d, line %d after line %d (of %d)", i, r.Index, r.Row, prev, lines)
			}
			prev = r.Row
			if r.Err == nil && !utf8.ValidString(r.Email+r.Name) {
				t.Fatalf("line %d read as text that is not UTF-8", r.Row)
			}
		}
		size := int(chunk%7) + 1
		for from := 0; from < len(rows); from += size {
			var got []ImportRow
			err := ReadImport(data, []string{"company"}, func(r ImportRow) error {
				switch {
				case r.Index >= from+size:
					return ErrStopReading
				case r.Index >= from:
					got = append(got, r)
				}
				return nil
			})
			if err != nil || !reflect.DeepEqual(got, rows[from:min(from+size, len(rows))]) {
				t.Fatalf("chunk from %d (size %d): %v %+v, want %+v", from, size, err, got, rows[from:min(from+size, len(rows))])
			}
		}
		sameAsEncodingCSV(t, data)
	})
}

// sameAsEncodingCSV checks the scanner against encoding/csv on the files both
// must read alike: UTF-8, no line of only spaces (which the scanner skips),
// and no error from encoding/csv.
func sameAsEncodingCSV(t *testing.T, data string) {
	if !utf8.ValidString(data) {
		return
	}
	for _, line := range strings.Split(data, "\n") {
		if line != "" && line != "\r" && strings.TrimSpace(line) == "" {
			return
		}
	}
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = -1
	want, err := r.ReadAll()
	if err != nil {
		return
	}
	var got [][]string
	sc := newCSVScanner(data)
	for {
		rec, ok := sc.next()
		if !ok {
			break
		}
		if rec.err != nil {
			t.Fatalf("line %d refused (%v) but encoding/csv reads the file", rec.line, rec.err)
		}
		got = append(got, rec.fields)
	}
	if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
		t.Fatalf("records\n got %q\nwant %q", got, want)
	}
}
