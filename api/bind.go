package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/store"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 1 << 20

// decode reads exactly one JSON object into dst, refusing unknown fields,
// trailing data and bodies over maxJSONBody, with an error naming the field.
func decode(c *gin.Context, dst any) error {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		return problem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type", "send application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return problem(http.StatusRequestEntityTooLarge, "too-large", "Request body too large", fmt.Sprintf("the body exceeds %d bytes", maxJSONBody))
		}
		return badInput("", "the body could not be read")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	// Anything after the object is refused, including a stray "}" or "]" that
	// dec.More would not report.
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return badInput("", "the body must hold a single JSON object")
	}
	if v, ok := dst.(validator); ok {
		return v.validate()
	}
	return nil
}

// validator is a request that checks and normalizes its own fields once
// decoded, returning a problem naming the first bad one.
type validator interface{ validate() error }

func jsonProblem(err error) *Problem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return badInput("", "the body is empty; send a JSON object")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return badInput("", "the body is not valid JSON")
	case errors.As(err, &typ) && typ.Field == "":
		return badInput("", "the body must be a JSON object")
	case errors.As(err, &typ):
		return badInput(typ.Field, fmt.Sprintf("field %q must be %s", typ.Field, jsonKind(typ.Type)))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badInput(field, fmt.Sprintf("unknown field %q", field))
	}
	return badInput("", "the body is not a valid request: "+err.Error())
}

// jsonKind names what a JSON value of Go type t must be.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number (no fraction, no exponent) within its documented range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// required checks that a trimmed string is present and at most max runes.
func required(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", badInput(field, field+" is required")
	}
	return optional(field, v, max)
}

// optional checks a trimmed string's length, and that it is text (store.CleanText).
func optional(field, v string, max int) (string, error) {
	v, err := store.CleanText(field, v, max)
	return v, fieldProblem(err)
}

// fieldProblem turns the store's refusal of a value into a 400 naming the
// field; other errors pass unchanged.
func fieldProblem(err error) error {
	var invalid *store.InvalidField
	if errors.As(err, &invalid) {
		return badInput(invalid.Field, invalid.Reason)
	}
	return err
}
