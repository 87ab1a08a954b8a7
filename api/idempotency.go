package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onairhq/onair/store"
)

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

// recorder keeps a copy of the response body so it can be replayed.
type recorder struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// idempotency replays the first answer to a creating POST retried with the same
// Idempotency-Key, and refuses the key reused for a different request. When the answer holds
// a secret, what is kept and replayed is a 409 naming the created object instead.
func (s *Server) idempotency(secretResponse bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader("Idempotency-Key")
		if key == "" {
			c.Next()
			return
		}
		if len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(r rune) bool { return r < ' ' || r > '~' }) {
			writeProblem(c, badInput("Idempotency-Key", "the Idempotency-Key header must be at most 255 printable ASCII characters"))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody+1))
		if err != nil {
			writeProblem(c, problem(http.StatusRequestEntityTooLarge, "too-large", "Request body too large", "the body is too large"))
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(append([]byte(c.Request.Method+" "+c.Request.URL.Path+"\n"), body...))
		hash := hex.EncodeToString(sum[:])
		scope := idempotencyScope(c)

		ctx := c.Request.Context()
		prev, err := store.ReserveIdempotency(ctx, s.db, scope, key, hash)
		switch {
		case err != nil:
			fail(c, err)
			return
		case prev != nil && prev.RequestHash != hash:
			writeProblem(c, unprocessable("Idempotency-Key", "this Idempotency-Key was used for a different request"))
			return
		case prev != nil && prev.StatusCode == 0:
			c.Header("Retry-After", "1")
			writeProblem(c, conflict("a request with this Idempotency-Key is still in progress; retry shortly"))
			return
		case prev != nil:
			contentType := "application/json; charset=utf-8"
			if prev.StatusCode >= 400 {
				contentType = "application/problem+json"
			}
			c.Header("Idempotent-Replayed", "true")
			c.Data(prev.StatusCode, contentType, prev.Body)
			c.Abort()
			return
		}
		rec := &recorder{ResponseWriter: c.Writer}
		c.Writer = rec
		c.Next()
		// The answer is kept only for success; a failed request frees its key.
		ctx = context.WithoutCancel(ctx)
		if status := rec.Status(); status >= 200 && status < 300 {
			answer := rec.body.Bytes()
			if secretResponse {
				status, answer = secretShownOnce(answer)
			}
			err = store.CompleteIdempotency(ctx, s.db, scope, key, status, answer)
		} else {
			err = store.ReleaseIdempotency(ctx, s.db, scope, key)
		}
		if err != nil {
			s.log.WarnContext(ctx, "idempotency record not updated", "scope", scope, "err", err)
		}
	}
}

// secretShownOnce is what a retry of a request whose answer held a secret gets instead of
// that answer: a 409 with the id of the object the first request created.
func secretShownOnce(answer []byte) (int, []byte) {
	var created struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(answer, &created) // without an id, the problem says the rest
	p := problem(http.StatusConflict, "secret-shown-once", "Secret shown once",
		"the first request with this Idempotency-Key succeeded; its secret was shown once and is not kept")
	p.CreatedID = created.ID
	body, _ := json.Marshal(p) // a Problem always marshals
	return p.Status, body
}

// idempotencyScope keeps the keys of different people apart: a colleague reusing a key must
// not be replayed someone else's answer. Scopes start with the workspace id so deleting the
// workspace erases them. Public routes take no Idempotency-Key (routes.go): a stranger could
// repeat someone's request and key.
func idempotencyScope(c *gin.Context) string {
	p := caller(c)
	return store.IdempotencyScope(p.Workspace.ID, p.Member.UserID)
}
