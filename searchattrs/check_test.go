package searchattrs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onairhq/onair/devserver"
	"github.com/onairhq/onair/searchattrs"
)

// TestCheckNamesWhatIsMissing runs against the in-process Temporal dev server holding one of
// the three attributes wanted: Check names the two missing ones with the type to create them
// with, adds nothing (a second Check says the same), and once they exist passes; one of
// another type is named too.
func TestCheckNamesWhatIsMissing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Options{
		FrontendAddress:  "127.0.0.1:0",
		SearchAttributes: map[string]enumspb.IndexedValueType{"OnairWorkspace": enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		Logger:           slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("start dev server: %v", err)
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := map[string]enumspb.IndexedValueType{
		"OnairWorkspace":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"OnairEvent":         enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"OnairSessionStatus": enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST,
	}
	for range 2 {
		err = searchattrs.Check(ctx, c, devserver.DefaultNamespace, want)
		if err == nil {
			t.Fatal("Check passed with two attributes missing")
		}
		msg := err.Error()
		for _, missing := range []string{"OnairEvent (Keyword)", "OnairSessionStatus (KeywordList)"} {
			if !strings.Contains(msg, missing) {
				t.Errorf("error %q does not name %s", msg, missing)
			}
		}
		if strings.Contains(msg, "OnairWorkspace") {
			t.Errorf("error %q names OnairWorkspace, which exists", msg)
		}
	}

	if err := searchattrs.Ensure(ctx, c, devserver.DefaultNamespace, want); err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if err := searchattrs.Check(ctx, c, devserver.DefaultNamespace, want); err != nil {
		t.Fatalf("Check with every attribute registered: %v", err)
	}
	want["OnairWorkspace"] = enumspb.INDEXED_VALUE_TYPE_INT
	if err := searchattrs.Check(ctx, c, devserver.DefaultNamespace, want); err == nil || !strings.Contains(err.Error(), "OnairWorkspace is Keyword") {
		t.Fatalf("Check with OnairWorkspace wanted as Int: %v, want an error naming its type", err)
	}
}
