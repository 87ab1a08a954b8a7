// Command specgen writes the API's OpenAPI document, as the API serves it, to the file
// its argument names: the input of the generated client (go generate in client/).
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/onairhq/onair/api"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: specgen FILE")
		os.Exit(2)
	}
	doc, err := api.New(api.Params{Log: slog.New(slog.DiscardHandler)}).OpenAPIDocument()
	if err == nil {
		err = os.WriteFile(os.Args[1], append(doc, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}
