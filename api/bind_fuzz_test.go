package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/mail"
)

// decodeBody runs decode on a JSON body as every handler does.
func decodeBody(body string, dst any) error {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	c.Request.Header.Set("Content-Type", "application/json")
	return decode(c, dst)
}

// fuzzDecode checks decode with one request type: whatever the body, it never
// panics and either answers a 4xx problem or accepts a request that holds to
// its rules (check) and that validating again leaves as it is.
func fuzzDecode[T any, PT interface {
	*T
	validator
}](f *testing.F, seeds []string, check func(PT) error) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := PT(new(T))
		err := decodeBody(body, req)
		if err != nil {
			var p *Problem
			if !errors.As(fieldProblem(err), &p) || p.Status < 400 || p.Status > 499 {
				t.Fatalf("%q: %v, want a 4xx problem", body, err)
			}
			return
		}
		if err := check(req); err != nil {
			t.Fatalf("%q accepted as %+v: %v", body, *req, err)
		}
		again := *req
		if err := PT(&again).validate(); err != nil || !reflect.DeepEqual(again, *req) {
			t.Fatalf("%q: validating %+v again gives %+v, %v", body, *req, again, err)
		}
	})
}

// text checks a decoded string: UTF-8, at most max characters.
func text(field, v string, max int) error {
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max || strings.ContainsRune(v, 0) {
		return fmt.Errorf("%s %q", field, v)
	}
	return nil
}

func FuzzDecodeRegistration(f *testing.F) {
	fuzzDecode(f, []string{
		`{"email":"ann@example.com","name":"Ann","fields":{"company":"Acme"},"join_waitlist":true}`,
		`{"email":" ANN@Example.com ","name":" Ann\tB "}`,
		`{"email":"ann@example.com","name":"` + strings.Repeat("é", 121) + `"}`,
		`{"email":"x@y.com\r\nBcc: z@w.com"}`,
		`{"email":"ann@example.com","fields":{"a":"\u0000"}}`,
		`{"email":"ann@example.com","name":"Ann\nBee"}`,
		`{"email":1}`, `[]`, `{}`, `{"email":"a@b.co"}}`,
	}, func(r *registrationRequest) error {
		if addr, err := mail.ValidateAddress(r.Email); err != nil || addr != r.Email || strings.ToLower(r.Email) != r.Email {
			return fmt.Errorf("email %q (%v)", r.Email, err)
		}
		if err := text("name", r.Name, 120); err != nil {
			return err
		}
		if len(r.Fields) > 50 {
			return fmt.Errorf("%d fields", len(r.Fields))
		}
		for k, v := range r.Fields {
			if err := text("fields."+k, v, 1000); err != nil {
				return err
			}
		}
		return nil
	})
}

func FuzzDecodeEvent(f *testing.F) {
	fuzzDecode(f, []string{
		`{"title":"Launch","description":"d","settings":{"approval":true,"capacity":100,"waitlist":true,"reminder_offsets_minutes":[1440,15],"green_room_minutes":10,"auto_start":true,"auto_record":false,"custom_fields":["company"]}}`,
		`{"title":"T","settings":{"capacity":9007199254740992}}`,
		`{"title":"T","settings":{"reminder_offsets_minutes":[15,15]}}`,
		`{"title":"T","settings":{"green_room_minutes":-1}}`,
		`{"title":"T","settings":{"capacity":1.5}}`,
		`{"title":" "}`, `{"title":"T","settings":null}`,
	}, func(r *eventRequest) error {
		if r.Title == "" {
			return errors.New("no title")
		}
		if err := text("title", r.Title, 200); err != nil {
			return err
		}
		if err := text("description", r.Description, 10000); err != nil {
			return err
		}
		st := r.Settings
		if st == nil {
			return nil
		}
		if st.Capacity != nil && (*st.Capacity < 0 || *st.Capacity > maxCapacity) {
			return fmt.Errorf("capacity %d", *st.Capacity)
		}
		if st.GreenRoomMinutes != nil && (*st.GreenRoomMinutes < 0 || *st.GreenRoomMinutes > maxEventGreenRoom) {
			return fmt.Errorf("green room %d", *st.GreenRoomMinutes)
		}
		if st.ReminderOffsetsMinutes != nil {
			offs := *st.ReminderOffsetsMinutes
			seen := map[int]bool{}
			for _, o := range offs {
				if o < 1 || o > maxReminderMinutes || seen[o] {
					return fmt.Errorf("reminder offsets %v", offs)
				}
				seen[o] = true
			}
			if len(offs) > maxEventReminders {
				return fmt.Errorf("%d reminders", len(offs))
			}
		}
		return nil
	})
}

func FuzzDecodeSession(f *testing.F) {
	fuzzDecode(f, []string{
		`{"starts_at":"2026-12-01T09:00:00Z","duration_minutes":45,"timezone":"Europe/Paris"}`,
		`{"starts_at":"2026-12-01T09:00:00+02:00","duration_minutes":9007199254740992,"timezone":"UTC"}`,
		`{"starts_at":"2026-12-01T09:00:00Z","duration_minutes":-9223372036854775808,"timezone":"UTC"}`,
		`{"starts_at":"2026-12-01T09:00:00Z","duration_minutes":1.5,"timezone":"UTC"}`,
		`{"starts_at":"2026-12-01T09:00:00Z","duration_minutes":1e2,"timezone":"UTC"}`,
		`{"starts_at":"yesterday","duration_minutes":30,"timezone":"Local"}`,
		`{"starts_at":"9999-12-31T23:59:59Z","duration_minutes":1440,"timezone":"Asia/Tokyo"}`,
	}, func(r *sessionRequest) error {
		if r.DurationMinutes < 1 || r.DurationMinutes > maxSessionMinutes {
			return fmt.Errorf("duration %d", r.DurationMinutes)
		}
		if _, err := time.LoadLocation(r.Timezone); err != nil || r.Timezone == "" || r.Timezone == "Local" {
			return fmt.Errorf("time zone %q", r.Timezone)
		}
		if end := r.start.Add(time.Duration(r.DurationMinutes) * time.Minute); !end.After(r.start) {
			return fmt.Errorf("ends %v, not after its start %v", end, r.start)
		}
		return nil
	})
}
