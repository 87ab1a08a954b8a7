package roompage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onairhq/onair/locale"
)

// errorCodes are the values of media/wire's Code* constants: every code an error or bye
// frame can carry, plus "internal" (media/signal's fallback for errors it cannot name).
func errorCodes(t *testing.T) []string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), "../wire", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{"internal"}
	for _, f := range pkgs["wire"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range spec.Names {
				if !strings.HasPrefix(name.Name, "Code") || i >= len(spec.Values) {
					continue
				}
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, _ := strconv.Unquote(lit.Value)
					codes = append(codes, v)
				}
			}
			return true
		})
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d error codes: %v", len(codes), codes)
	}
	return codes
}

// Every error code the media service sends has its own sentence on the room page, in every
// language (room.error.<code> in the catalogues), so nobody is ever shown a bare code.
func TestRoomPageExplainsEveryErrorCode(t *testing.T) {
	for _, lang := range locale.Supported() {
		ids := locale.MessageIDs(lang)
		for _, code := range errorCodes(t) {
			if !slices.Contains(ids, "room.error."+code) {
				t.Errorf("%s catalogue has no room.error.%s", lang, code)
			}
		}
	}
}

// Every message the page's script names exists in the catalogue: a typo would show the id.
func TestRoomPageScriptNamesOnlyCataloguedMessages(t *testing.T) {
	ids := locale.MessageIDs(locale.Default)
	files, err := filepath.Glob("assets/*.js")
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile(`\bt\('([a-z_.]+)'`)
	seen := 0
	for _, f := range files {
		js, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range named.FindAllSubmatch(js, -1) {
			seen++
			if id := "room." + string(m[1]); !slices.Contains(ids, id) {
				t.Errorf("%s names %s, which the catalogue lacks", f, id)
			}
		}
	}
	if seen < 50 {
		t.Fatalf("found only %d messages named in the scripts", seen)
	}
}
