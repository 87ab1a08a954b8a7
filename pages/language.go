package pages

import (
	"net/http"
	"net/url"

	"github.com/onairhq/onair/locale"
)

// Language picks the localizer of a page: the visitor's ?lang= choice from the switcher when
// it is supported, else the first supported of choices (the event's language, then the
// workspace's), else the browser's Accept-Language.
func Language(r *http.Request, choices ...string) *locale.Localizer {
	if lang := r.URL.Query().Get("lang"); locale.Valid(lang) {
		return locale.For(lang)
	}
	return locale.For(locale.Choose(r.Header.Get("Accept-Language"), choices...))
}

// languageLinks are the switcher's entries: this same URL with ?lang= each language.
func languageLinks(r *http.Request, current string) []LanguageLink {
	links := make([]LanguageLink, 0, len(locale.Supported()))
	for _, lang := range locale.Supported() {
		q := url.Values{}
		if r != nil {
			q = r.URL.Query()
		}
		q.Set("lang", lang)
		u := "?" + q.Encode()
		if r != nil {
			u = r.URL.Path + u
		}
		links = append(links, LanguageLink{Lang: lang, Name: locale.For(lang).T("language_name"), URL: u, Current: lang == current})
	}
	return links
}
