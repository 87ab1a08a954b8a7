package pages

import (
	"embed"
	"net/http"
	"strings"
)

//go:embed assets
var assets embed.FS

// AssetsPrefix is where the API serves Assets: the pages' stylesheet and script.
const AssetsPrefix = "/assets/pages/"

// Assets serves the embedded stylesheet and script under AssetsPrefix. They change only with
// a new build, so browsers may keep them for a day.
func Assets() http.Handler {
	files := http.FileServerFS(assets)
	return http.StripPrefix(AssetsPrefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		r.URL.Path = "assets/" + r.URL.Path
		files.ServeHTTP(w, r)
	}))
}
