package mail

import (
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		url     string
		want    smtpConfig // redacted is not compared
		wantErr string     // substring; "" means success
	}{
		{url: "smtp://mail.example.com", want: smtpConfig{host: "mail.example.com", port: 25, tls: tlsOpportunistic}},
		{url: "smtps://mail.example.com", want: smtpConfig{host: "mail.example.com", port: 465, tls: tlsImplicit}},
		{url: "SMTP://mail.example.com:2525/", want: smtpConfig{host: "mail.example.com", port: 2525, tls: tlsOpportunistic}},
		{url: "smtp://mailpit:1025?tls=none", want: smtpConfig{host: "mailpit", port: 1025, tls: tlsNone}},
		{url: "smtp://mail.example.com?tls=starttls", want: smtpConfig{host: "mail.example.com", port: 25, tls: tlsStartTLS}},
		{url: "smtp://mail.example.com:587?tls=STARTTLS", want: smtpConfig{host: "mail.example.com", port: 587, tls: tlsStartTLS}},
		{url: "smtp://mail.example.com?tls=tls", want: smtpConfig{host: "mail.example.com", port: 465, tls: tlsImplicit}},
		{url: "smtps://mail.example.com:2465?tls=tls", want: smtpConfig{host: "mail.example.com", port: 2465, tls: tlsImplicit}},
		{url: "smtp://[::1]:25", want: smtpConfig{host: "::1", port: 25, tls: tlsOpportunistic}},
		{
			url:  "smtps://apikey:s3cr%2Ft%40x@smtp.example.com",
			want: smtpConfig{host: "smtp.example.com", port: 465, tls: tlsImplicit, auth: true, user: "apikey", pass: "s3cr/t@x"},
		},
		{url: "smtp://user@mail.example.com", want: smtpConfig{host: "mail.example.com", port: 25, auth: true, user: "user"}},

		{url: "http://mail.example.com", wantErr: "scheme"},
		{url: "mail.example.com:25", wantErr: "scheme"},
		{url: "", wantErr: "scheme"},
		{url: "smtp://", wantErr: "no host"},
		{url: "smtp:///path", wantErr: "no host"},
		{url: "smtp:mail.example.com", wantErr: "no host"},
		{url: "smtp://:25", wantErr: "no host"},
		{url: "smtp://mail.example.com?tls=ssl", wantErr: "tls value"},
		{url: "smtp://mail.example.com?tls=", wantErr: "tls value"},
		{url: "smtp://mail.example.com?tls=none&tls=tls", wantErr: "more than once"},
		{url: "smtps://mail.example.com?tls=none", wantErr: "contradicts"},
		{url: "smtp://mail.example.com?tsl=none", wantErr: "unknown parameter"},
		{url: "smtp://mail.example.com:0", wantErr: "port"},
		{url: "smtp://mail.example.com:70000", wantErr: "port"},
		{url: "smtp://mail.example.com/inbox", wantErr: "path"},
		{url: "smtp://:secret@mail.example.com", wantErr: "no user name"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := parseSMTPURL(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.redacted = ""
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A password with an unescaped '/', '?' or '#' makes the URL parse oddly; whatever the
// error, it must not repeat any of the password.
func TestParseSMTPURLErrorsHideThePassword(t *testing.T) {
	for _, u := range []string{
		"smtp://user:hunter2/x@mail.example.com",
		"smtp://user:12345/hunter2@mail.example.com",
		"smtp://user:99999/hunter2@mail.example.com",
		"smtp://user:1?hunter2@mail.example.com",
		"smtp://user:1?tls=hunter2@mail.example.com",
		"smtp://user:hunter2#x@mail.example.com",
		"smtp://user:hunter2 x@mail.example.com",
		"ftp://user:hunter2@mail.example.com",
	} {
		_, err := parseSMTPURL(u)
		if err == nil {
			t.Errorf("%s: no error", u)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "12345") || strings.Contains(err.Error(), "99999") {
			t.Errorf("%s: error shows the password: %v", u, err)
		}
	}
}

func TestSMTPSenderStringMasksPassword(t *testing.T) {
	s, err := NewSMTPSender("smtp://alice:hunter2@mail.example.com:587?tls=starttls", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); strings.Contains(got, "hunter2") || !strings.Contains(got, "alice") {
		t.Errorf("String() = %q, want the user without the password", got)
	}
}
