package roompage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
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

// Every error code the media service sends has its own sentence on the room page, so nobody
// is ever shown a bare code.
func TestRoomPageExplainsEveryErrorCode(t *testing.T) {
	js, err := os.ReadFile("assets/room.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range errorCodes(t) {
		if !regexp.MustCompile(`(?m)[\s{,]` + regexp.QuoteMeta(code) + `:\s`).Match(js) {
			t.Errorf("room.js MESSAGES has no entry for error code %q", code)
		}
	}
}
