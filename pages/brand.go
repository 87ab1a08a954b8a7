package pages

import (
	"regexp"

	"github.com/onairhq/onair/store"
)

// Brand is how a workspace dresses its pages and e-mails.
type Brand struct {
	Name    string // the workspace's name
	LogoURL string // empty when it has no logo
	Color   string // "#rrggbb", always valid: it is written into CSS
	// HomeURL is its company page, empty when it turned it off.
	HomeURL string
}

// DefaultColor is the brand colour of a workspace that set none (or an unusable one).
const DefaultColor = "#3b5bdb"

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Color returns c when it is a "#rrggbb" colour, else DefaultColor: only such a value may
// reach a stylesheet.
func Color(c string) string {
	if hexColor.MatchString(c) {
		return c
	}
	return DefaultColor
}

// BrandOf is ws's brand, with links under the public base URL.
func BrandOf(ws *store.Workspace, base string) Brand {
	b := Brand{Name: ws.Name, Color: Color(ws.Settings.BrandColor)}
	if len(ws.Logo) > 0 {
		b.LogoURL = LogoPath(ws.Slug)
		if base != "" {
			b.LogoURL = base + b.LogoURL
		}
	}
	if ws.CompanyPageEnabled {
		b.HomeURL = base + "/c/" + ws.Slug
	}
	return b
}

// LogoPath is where a workspace's logo is served publicly (pages, e-mails, the room).
func LogoPath(workspaceSlug string) string { return "/brand/" + workspaceSlug + "/logo" }
