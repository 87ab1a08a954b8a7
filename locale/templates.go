package locale

import (
	"fmt"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
)

// Templates returns the raw messages of lang whose ids start with prefix, for a client that
// fills them itself (the room page's script): id → CLDR plural form ("other", and "one" …
// where the message has plural forms) → the template, placeholders left as {{.Name}}. A
// message lang lacks comes from Default, as T does.
func Templates(lang, prefix string) map[string]map[string]string {
	if !Valid(lang) {
		lang = Default
	}
	raw := rawMessages()
	out := map[string]map[string]string{}
	for _, l := range []string{Default, lang} { // lang's own words overwrite the default's
		for id, forms := range raw[l] {
			if strings.HasPrefix(id, prefix) {
				out[id] = forms
			}
		}
	}
	return out
}

// rawMessages parses the catalogues once more, keeping what the bundle compiles away: the
// templates' source text.
var rawMessages = sync.OnceValue(func() map[string]map[string]map[string]string {
	all := map[string]map[string]map[string]string{}
	for _, lang := range supported {
		f := "catalog/" + lang + ".toml"
		data, err := catalogs.ReadFile(f)
		if err != nil {
			panic(fmt.Sprintf("locale: read %s: %v", f, err)) // init read the same file already
		}
		mf, err := i18n.ParseMessageFileBytes(data, f, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			panic(fmt.Sprintf("locale: catalogue %s: %v", f, err))
		}
		msgs := map[string]map[string]string{}
		for _, m := range mf.Messages {
			forms := map[string]string{"other": m.Other}
			for form, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many} {
				if text != "" {
					forms[form] = text
				}
			}
			msgs[m.ID] = forms
		}
		all[lang] = msgs
	}
	return all
})
