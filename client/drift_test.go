package client_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/onairhq/onair/api"
)

// TestDocumentIsValidAndCurrent holds openapi.json to the document the API serves, and
// has kin-openapi, a validator that shares no code with the generator, check it.
func TestDocumentIsValidAndCurrent(t *testing.T) {
	served, err := api.New(api.Params{Log: slog.New(slog.DiscardHandler)}).OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(served, '\n'), committed) {
		t.Fatal("client/openapi.json differs from the document the API serves: run go generate ./client")
	}
	doc, err := openapi3.NewLoader().LoadFromData(served)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
}

// TestClientIsGeneratedFromTheDocument regenerates the client into a temporary directory
// with the pinned oapi-codegen and fails when client.gen.go differs.
func TestClientIsGeneratedFromTheDocument(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "client.gen.go")
	config, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The same configuration, writing into the temporary directory.
	config = bytes.Replace(config, []byte("output: client.gen.go"), []byte("output: "+out), 1)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", filepath.Join(dir, "config.yaml"), "openapi.json")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Fatal("client/client.gen.go is not what oapi-codegen makes of openapi.json: run go generate ./client")
	}
}
