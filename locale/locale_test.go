package locale

import (
	"slices"
	"testing"
	"time"
)

func TestEveryCatalogueDefinesEveryMessage(t *testing.T) {
	want := MessageIDs(Default)
	if len(want) == 0 {
		t.Fatal("the default catalogue is empty")
	}
	for _, lang := range Supported() {
		got := MessageIDs(lang)
		for _, id := range want {
			if !slices.Contains(got, id) {
				t.Errorf("%s.toml lacks %q", lang, id)
			}
		}
		for _, id := range got {
			if !slices.Contains(want, id) {
				t.Errorf("%s.toml has %q, which %s.toml lacks", lang, id, Default)
			}
		}
	}
}

func TestSupportedLanguages(t *testing.T) {
	if got := Supported(); !slices.Equal(got, []string{"en", "fr"}) {
		t.Fatalf("Supported() = %v", got)
	}
	if Valid("klingon") || !Valid("fr") {
		t.Fatal("Valid disagrees with the catalogues")
	}
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		accept  string
		choices []string
		want    string
	}{
		{"", nil, "en"},
		{"fr-FR,fr;q=0.9,en;q=0.8", nil, "fr"},
		{"fr-CA", nil, "fr"},
		{"de-DE,de;q=0.9", nil, "en"},
		{"de-DE,fr;q=0.5", nil, "fr"},
		{"en-GB", []string{"", "fr"}, "fr"}, // the workspace's language wins over the browser
		{"fr", []string{"en", "fr"}, "en"},  // the event's wins over the workspace's
		{"fr", []string{"klingon"}, "fr"},   // an unsupported choice is skipped
		{"garbage;;q=x", nil, "en"},         // a broken header is ignored
	} {
		if got := Choose(tc.accept, tc.choices...); got != tc.want {
			t.Errorf("Choose(%q, %q) = %q, want %q", tc.accept, tc.choices, got, tc.want)
		}
	}
}

func TestDatesReadAsEachLanguageWritesThem(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 1, 20, 14, 30, 0, 0, paris)
	for _, tc := range []struct{ lang, want string }{
		{"en", "Wednesday, 20 January 2027 at 2:30 PM CET"},
		{"fr", "mercredi 20 janvier 2027 à 14:30 (CET)"},
	} {
		if got := For(tc.lang).DateTime(at); got != tc.want {
			t.Errorf("%s: DateTime = %q, want %q", tc.lang, got, tc.want)
		}
	}
	if got := For("fr").DateTimeIn(at, "America/New_York"); got != "mercredi 20 janvier 2027 à 08:30 (EST)" {
		t.Errorf("DateTimeIn = %q", got)
	}
}

func TestPluralsAndDurations(t *testing.T) {
	en, fr := For("en"), For("fr")
	for _, tc := range []struct{ got, want string }{
		{en.Duration(90), "1 hour 30 minutes"},
		{en.Duration(45), "45 minutes"},
		{fr.Duration(120), "2 heures"},
		{en.In(1440), "in 1 day"},
		{fr.In(60), "dans 1 heure"},
		{fr.In(10), "dans 10 minutes"},
		{en.In(1), "in 1 minute"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestUnknownLanguageAndMessage(t *testing.T) {
	if got := For("klingon").Lang(); got != "en" {
		t.Fatalf("For(klingon).Lang() = %q", got)
	}
	if got := For("fr").T("no.such.message"); got != "no.such.message" {
		t.Fatalf("a missing message reads %q", got)
	}
}
