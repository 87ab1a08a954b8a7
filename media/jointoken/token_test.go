package jointoken

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
)

var testSecret = []byte("test join-token secret, not for production")

func TestJoinTokenVerify(t *testing.T) {
	now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	claims := Claims{SessionID: "ses_1", PersonID: "reg_1", Role: authz.SessionParticipant, Name: "Ada",
		MediaURL: "https://media.example", ExpiresAt: now.Add(TTL).Unix()}
	good, err := Sign(testSecret, claims)
	if err != nil {
		t.Fatal(err)
	}
	payload, mac, _ := strings.Cut(good, ".")
	other := claims
	other.Role = authz.SessionHost
	promoted, _ := Sign(testSecret, other)
	promotedPayload, _, _ := strings.Cut(promoted, ".")

	cases := []struct {
		name    string
		secret  []byte
		token   string
		session string
		now     time.Time
		want    error
	}{
		{"valid", testSecret, good, "ses_1", now, nil},
		{"valid until the last second", testSecret, good, "ses_1", now.Add(TTL - time.Second), nil},
		{"expired", testSecret, good, "ses_1", now.Add(TTL), ErrTokenExpired},
		{"wrong session", testSecret, good, "ses_2", now, ErrTokenWrongSession},
		{"other secret", []byte("another secret"), good, "ses_1", now, ErrTokenForged},
		{"claims swapped under the old signature", testSecret, promotedPayload + "." + mac, "ses_1", now, ErrTokenForged},
		{"signature truncated", testSecret, payload + "." + mac[:10], "ses_1", now, ErrTokenForged},
		{"no signature", testSecret, payload, "ses_1", now, ErrTokenMalformed},
		{"empty", testSecret, "", "ses_1", now, ErrTokenMalformed},
		{"not base64", testSecret, payload + ".***", "ses_1", now, ErrTokenMalformed},
		{"empty secret", nil, good, "ses_1", now, ErrTokenForged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Verify(tc.secret, tc.token, tc.session, tc.now)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Verify error = %v, want %v", err, tc.want)
			}
			if tc.want == nil && got != claims {
				t.Fatalf("claims = %+v, want %+v", got, claims)
			}
		})
	}
}

func TestJoinTokenSignRefusesIncompleteClaims(t *testing.T) {
	exp := time.Now().Add(time.Minute).Unix()
	for name, c := range map[string]Claims{
		"no session": {PersonID: "p", Role: authz.SessionHost, ExpiresAt: exp},
		"no person":  {SessionID: "s", Role: authz.SessionHost, ExpiresAt: exp},
		"bad role":   {SessionID: "s", PersonID: "p", Role: "owner", ExpiresAt: exp},
		"no expiry":  {SessionID: "s", PersonID: "p", Role: authz.SessionHost},
	} {
		if _, err := Sign(testSecret, c); !errors.Is(err, ErrTokenMalformed) {
			t.Errorf("%s: Sign error = %v, want ErrTokenMalformed", name, err)
		}
	}
	if _, err := Sign(nil, Claims{SessionID: "s", PersonID: "p", Role: authz.SessionHost, ExpiresAt: exp}); err == nil {
		t.Error("Sign with an empty secret succeeded")
	}
}

// A token names its issue time; one without counts as issued TTL before its expiry.
func TestIssued(t *testing.T) {
	exp := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if got := (Claims{ExpiresAt: exp.Unix(), IssuedAt: exp.Add(-time.Minute).Unix()}).Issued(); !got.Equal(exp.Add(-time.Minute)) {
		t.Fatalf("issued %v, want a minute before expiry", got)
	}
	if got := (Claims{ExpiresAt: exp.Unix()}).Issued(); !got.Equal(exp.Add(-TTL)) {
		t.Fatalf("a token without iat issued %v, want TTL before its expiry", got)
	}
}
