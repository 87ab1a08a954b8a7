package api_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/onairhq/onair/api"
)

// The contract: every request the api tests send through harness.call and every answer
// they get is checked against the OpenAPI document with kin-openapi's openapi3filter, so
// the document cannot drift from what the API serves. A request the document refuses
// must be refused by the API too (a 4xx); every answer must be one the document allows.

type contract struct {
	doc    *openapi3.T
	router routers.Router
	mu     sync.Mutex
	called map[string]bool // operation ids the tests got a success answer from
}

var loadContract = sync.OnceValues(func() (*contract, error) {
	data, err := api.New(api.Params{Log: slog.New(slog.DiscardHandler)}).OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load the document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the document is invalid: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route the document: %w", err)
	}
	// The answers that are files: any bytes are a binary string.
	for _, media := range []string{"text/html", "text/css", "text/calendar", "image/png", "image/jpeg", "image/gif",
		"video/webm", "video/mp4", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		openapi3filter.RegisterBodyDecoder(media, openapi3filter.FileBodyDecoder)
	}
	return &contract{doc: doc, router: router, called: map[string]bool{}}, nil
})

// checkContract holds one exchange of harness.call to the document.
func (h *harness) checkContract(req *http.Request, body []byte, r reply) {
	h.t.Helper()
	c, err := loadContract()
	if err != nil {
		h.t.Fatal(err)
	}
	route, pathParams, err := c.router.FindRoute(req)
	if err != nil {
		return // a path or method the API does not serve: the tests expect its 404 or 405
	}
	if r.Status < 400 {
		// Covered: a test got the operation's success answer (every operation is also
		// called without a key or with bad input somewhere, which proves less).
		c.mu.Lock()
		c.called[route.Operation.OperationID] = true
		c.mu.Unlock()
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	name := req.Method + " " + req.URL.RequestURI()
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && r.Status < 400 {
		h.t.Errorf("contract: the document refuses %s, the API answered %d: %v", name, r.Status, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Body: io.NopCloser(bytes.NewReader(r.Body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if len(r.Body) == 0 || req.Method == http.MethodHead {
		out.Options.ExcludeResponseBody = true
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		h.t.Errorf("contract: the answer to %s is not the documented one: %v\n%.600s", name, err, r.Body)
	}
}

// The operations a client most relies on: the tests must reach each of them.
var mustBeCalled = []string{
	"signUp", "listEvents", "createEvent", "getEvent", "updateEvent", "publishEvent", "createSession", "getSession",
	"getSessionStatus", "startSession", "stopSession", "rescheduleSession", "cancelSession", "listRegistrants",
	"registerSomeone", "approveRegistrant", "importRegistrants", "getImport", "exportSessionRegistrants",
	"registerPublicly", "getPublicEvent", "createJoinToken", "listWebhooks", "createWebhook", "listMembers",
	"createInvitation", "acceptInvitation", "getBilling", "changePlan", "listAuditLog", "getOpenAPI",
}

// reportContractCoverage lists the documented operations no test called and, when
// the whole package ran, fails if one of mustBeCalled is among them.
func reportContractCoverage(code int) int {
	c, err := loadContract()
	if err != nil {
		return code
	}
	var missed []string
	for _, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !c.called[op.OperationID] {
				missed = append(missed, op.OperationID+" ("+method+")")
			}
		}
	}
	sort.Strings(missed)
	fmt.Fprintf(os.Stderr, "contract: %d operations no api test got a success answer from: %s\n", len(missed), strings.Join(missed, ", "))
	if f := flag.Lookup("test.run"); code != 0 || (f != nil && f.Value.String() != "") {
		return code // a narrowed or failed run reaches only some operations
	}
	for _, id := range mustBeCalled {
		if !c.called[id] {
			fmt.Fprintf(os.Stderr, "contract: no api test calls %s\n", id)
			code = 1
		}
	}
	return code
}
