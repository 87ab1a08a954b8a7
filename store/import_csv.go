package store

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// csvRecord is one record of a CSV file: its values and the line it starts
// on, or why it cannot be read.
type csvRecord struct {
	line   int
	fields []string
	err    error
}

// Why a record cannot be read.
var (
	errBareQuote      = errors.New(`a quote inside an unquoted value (quote the whole value and double the quote: "Ann ""Bee"" Smith")`)
	errTextAfterQuote = errors.New("text after a closing quote (a stray quote?)")
	errOpenQuote      = errors.New("a quote is never closed")
	errNotText        = errors.New("the line is not UTF-8 text")
)

// csvScanner splits a CSV file into records as RFC 4180 reads them (a value in
// double quotes may hold commas, doubled quotes and line breaks), except that
// a record breaking the rules never takes the rest of the file with it: it is
// refused with the line it starts on, and reading resumes on the next line.
// Blank lines are skipped. encoding/csv cannot do this: after a stray quote it
// reads on inside a quoted value to the next quote, or to the end of the file.
type csvScanner struct {
	data string
	pos  int // byte offset of the next record
	line int // 1-based line number at pos
}

func newCSVScanner(data string) *csvScanner { return &csvScanner{data: data, line: 1} }

// next returns the next record, or false at the end of the file.
func (s *csvScanner) next() (csvRecord, bool) {
	s.skipBlankLines()
	if s.pos >= len(s.data) {
		return csvRecord{}, false
	}
	rec := csvRecord{line: s.line}
	end, lines, err := s.parse(&rec.fields)
	switch {
	case err != nil:
		rec.err, rec.fields = err, nil
		s.pos, s.line = s.endOfLine(s.pos), s.line+1
	case !utf8.ValidString(s.data[s.pos:end]):
		rec.err, rec.fields = errNotText, nil
		s.pos, s.line = end, s.line+lines
	default:
		s.pos, s.line = end, s.line+lines
	}
	return rec, true
}

// skipBlankLines moves past lines holding only spaces, tabs or a carriage return.
func (s *csvScanner) skipBlankLines() {
	for s.pos < len(s.data) {
		i := s.pos
		for i < len(s.data) && (s.data[i] == ' ' || s.data[i] == '\t' || s.data[i] == '\r') {
			i++
		}
		switch {
		case i == len(s.data):
			s.pos = i
		case s.data[i] == '\n':
			s.pos, s.line = i+1, s.line+1
		default:
			return
		}
	}
}

// endOfLine is the offset just past the line break after from (or the end).
func (s *csvScanner) endOfLine(from int) int {
	if i := strings.IndexByte(s.data[from:], '\n'); i >= 0 {
		return from + i + 1
	}
	return len(s.data)
}

// parse reads the record at s.pos into fields, returning the offset just past
// it and the line breaks it spans (its own included).
func (s *csvScanner) parse(fields *[]string) (end, lines int, err error) {
	d, p := s.data, s.pos
	for {
		var v string
		if p < len(d) && d[p] == '"' {
			var n int
			if v, p, n, err = quotedValue(d, p+1); err != nil {
				return 0, 0, err
			}
			lines += n
		} else {
			stop := p + strings.IndexAny(d[p:], ",\n")
			if stop < p {
				stop = len(d)
			}
			v = d[p:stop]
			if stop == len(d) || d[stop] == '\n' {
				v = strings.TrimSuffix(v, "\r")
			}
			if strings.IndexByte(v, '"') >= 0 {
				return 0, 0, errBareQuote
			}
			p = stop
		}
		*fields = append(*fields, v)
		switch {
		case p >= len(d):
			return p, lines, nil
		case d[p] == ',':
			p++
		case d[p] == '\n':
			return p + 1, lines + 1, nil
		case d[p] == '\r' && p+1 < len(d) && d[p+1] == '\n':
			return p + 2, lines + 1, nil
		case d[p] == '\r' && p+1 == len(d):
			return p + 1, lines, nil
		default:
			return 0, 0, errTextAfterQuote
		}
	}
}

// quotedValue reads a quoted value whose opening quote ends just before p:
// the value, the offset after its closing quote and the line breaks inside it.
func quotedValue(d string, p int) (string, int, int, error) {
	var b strings.Builder
	lines := 0
	for {
		q := strings.IndexByte(d[p:], '"')
		if q < 0 {
			return "", 0, 0, errOpenQuote
		}
		chunk := d[p : p+q]
		lines += strings.Count(chunk, "\n")
		b.WriteString(strings.ReplaceAll(chunk, "\r\n", "\n"))
		p += q + 1
		if p < len(d) && d[p] == '"' {
			b.WriteByte('"')
			p++
			continue
		}
		return b.String(), p, lines, nil
	}
}
