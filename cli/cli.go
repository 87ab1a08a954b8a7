// Package cli is the onair command line for organizers and operators: events, sessions,
// registrants, webhooks and recordings, on the generated API client. It speaks French or
// English (ONAIR_LANG, else LANG), prints tables by default and JSON with --json, and
// prints the API's problem (title and detail) on an error, exiting non-zero.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/onairhq/onair/client"
	"github.com/onairhq/onair/locale"
)

// DefaultAPIURL is where the API listens under onair dev.
const DefaultAPIURL = "http://localhost:8080"

// Env reads an environment variable (os.Getenv, or a map in tests).
type Env func(string) string

// app is one run of a command: where to write, in which language and format, and the client.
type app struct {
	out, errOut io.Writer
	l           *locale.Localizer
	json        bool
	api         *client.ClientWithResponses
}

// command runs one subcommand with its arguments.
type command struct {
	args  string // the arguments' usage, e.g. "<event-id>"
	nargs int    // how many it needs
	run   func(ctx context.Context, a *app, args []string) error
}

// commands are the subcommands by group and name: onair <group> <name> args...
var commands = map[string]map[string]command{
	"events":      eventCommands,
	"sessions":    sessionCommands,
	"registrants": registrantCommands,
	"webhooks":    webhookCommands,
	"recordings":  recordingCommands,
}

// Handles reports whether args are a command line's (onair [flags] events …), not a
// server's (onair api).
func Handles(args []string) bool {
	_, rest := splitFlags(args)
	if len(rest) == 0 {
		return false
	}
	_, ok := commands[rest[0]]
	return ok
}

// flags are the options every command takes, wherever they stand on the line.
type flags struct {
	json   bool
	apiURL string
}

func splitFlags(args []string) (flags, []string) {
	var f flags
	var rest []string
	for i := 0; i < len(args); i++ {
		switch arg := args[i]; {
		case arg == "--json":
			f.json = true
		case strings.HasPrefix(arg, "--api-url="):
			f.apiURL = strings.TrimPrefix(arg, "--api-url=")
		case arg == "--api-url" && i+1 < len(args):
			f.apiURL = args[i+1]
			i++
		default:
			rest = append(rest, arg)
		}
	}
	return f, rest
}

// Run runs the command args name and returns the process's exit code.
func Run(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	f, rest := splitFlags(args)
	a := &app{out: stdout, errOut: stderr, l: locale.For(language(env)), json: f.json}
	apiURL := f.apiURL
	if apiURL == "" {
		apiURL = env("ONAIR_API_URL")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if len(rest) < 2 {
		return a.usage()
	}
	cmd, ok := commands[rest[0]][rest[1]]
	if !ok || len(rest)-2 < cmd.nargs {
		return a.usage()
	}
	key := env("ONAIR_API_KEY")
	api, err := client.NewClientWithResponses(apiURL, client.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		req.Header.Set("Accept-Language", a.l.Lang())
		return nil
	}))
	if err != nil {
		return a.fail(err)
	}
	a.api = api
	if err := cmd.run(ctx, a, rest[2:]); err != nil {
		return a.fail(err)
	}
	return 0
}

// language is ONAIR_LANG, else the language of LANG ("fr_FR.UTF-8" → "fr").
func language(env Env) string {
	if l := env("ONAIR_LANG"); l != "" {
		return l
	}
	lang, _, _ := strings.Cut(env("LANG"), "_")
	lang, _, _ = strings.Cut(lang, ".")
	return strings.ToLower(lang)
}

func (a *app) usage() int {
	fmt.Fprintln(a.errOut, a.l.T("cli.usage"))
	for _, group := range []string{"events", "sessions", "registrants", "webhooks", "recordings"} {
		for _, name := range sortedKeys(commands[group]) {
			cmd := commands[group][name]
			fmt.Fprintf(a.errOut, "  onair %s %s %s\n      %s\n", group, name, cmd.args, a.l.T("cli.help."+group+"."+name))
		}
	}
	fmt.Fprintln(a.errOut, a.l.T("cli.flags"))
	return 2
}

// problemError is the API's refusal: its problem document.
type problemError struct {
	status int
	client.Problem
}

func (p *problemError) Error() string { return p.Title }

func (a *app) fail(err error) int {
	var p *problemError
	switch {
	case errors.As(err, &p) && p.Detail != nil && *p.Detail != "":
		fmt.Fprintln(a.errOut, a.l.T("cli.error.problem", "Status", p.status, "Title", p.Title, "Detail", *p.Detail))
	case errors.As(err, &p):
		fmt.Fprintln(a.errOut, a.l.T("cli.error.problem_short", "Status", p.status, "Title", p.Title))
	default:
		fmt.Fprintln(a.errOut, a.l.T("cli.error.failed", "Error", err.Error()))
	}
	return 1
}

// answer is what every generated response has: its status, and a Body field.
type answer interface{ StatusCode() int }

// check turns a failed call into its error, and a refusal into the API's problem.
// everyPage gathers every page of a listing: page fetches the one at cursor and answers its
// items and the next cursor (nil on the last).
func everyPage[T any](page func(cursor *string) ([]T, *string, error)) ([]T, error) {
	all := []T{}
	var cursor *string
	for {
		items, next, err := page(cursor)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if cursor = next; cursor == nil {
			return all, nil
		}
	}
}

func check(res answer, err error) error {
	if err != nil {
		return err
	}
	status := res.StatusCode()
	if status < 400 {
		return nil
	}
	p := &problemError{status: status}
	body := reflect.ValueOf(res).Elem().FieldByName("Body").Bytes()
	if json.Unmarshal(body, &p.Problem) != nil || p.Title == "" {
		p.Title = http.StatusText(status)
	}
	return p
}

// show prints v as JSON with --json, else the table rows gives.
func (a *app) show(v any, header []string, rows [][]string) error {
	if a.json {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	titles := make([]string, len(header))
	for i, h := range header {
		titles[i] = a.l.T("cli.column." + h)
	}
	fmt.Fprintln(w, strings.Join(titles, "\t"))
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	return w.Flush()
}

// say prints one localized line, or v as JSON with --json.
func (a *app) say(v any, id string, args ...any) error {
	if a.json {
		return a.show(v, nil, nil)
	}
	_, err := fmt.Fprintln(a.out, a.l.T(id, args...))
	return err
}
