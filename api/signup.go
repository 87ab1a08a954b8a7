package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

type signupRequest struct {
	WorkspaceName string `json:"workspace_name"`
	Name          string `json:"name"`
	Email         string `json:"email"`
}

func (r *signupRequest) validate() (err error) {
	if r.WorkspaceName, err = required("workspace_name", r.WorkspaceName, 120); err != nil {
		return err
	}
	if r.Name, err = required("name", r.Name, 120); err != nil {
		return err
	}
	r.Email, err = validEmail("email", r.Email)
	return err
}

// newKey is an API key with its secret, shown once.
type newKey struct {
	store.APIKey
	Secret string `json:"secret"`
}

// session is what sign-up and invitation acceptance answer: who you now are,
// where, and the key to act with.
type session struct {
	Workspace *store.Workspace  `json:"workspace"`
	Member    *store.Membership `json:"member"`
	APIKey    newKey            `json:"api_key"`
}

func (s *Server) signupRoutes() {
	s.add(route{Method: http.MethodPost, Path: "/v1/signup", Tag: "account", Public: true, Limit: limitSignup, Idempotent: true,
		Summary: "Create a workspace with its owner and first API key",
		Request: signupRequest{}, Response: session{}, Status: http.StatusCreated,
		Handler: s.signup})
}

func (s *Server) signup(c *gin.Context) {
	var req signupRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	var out session
	err := s.p.DB.RunInTx(c.Request.Context(), nil, func(ctx context.Context, tx bun.Tx) error {
		ws := store.NewWorkspace(req.WorkspaceName, s.p.DefaultPlan)
		if err := store.Insert(ctx, tx, ws); err != nil {
			return err
		}
		var err error
		out, err = join(ctx, tx, ws, req.Email, req.Name, store.RoleOwner)
		return err
	})
	if err != nil {
		fail(c, err)
		return
	}
	s.p.Log.Info("workspace created", "workspace", out.Workspace.ID, "user", out.Member.UserID)
	c.JSON(http.StatusCreated, out)
}

// join makes the person with this e-mail (a new user, or the existing one) a
// member of ws and gives them a first API key.
func join(ctx context.Context, tx bun.Tx, ws *store.Workspace, email, name, role string) (session, error) {
	u, err := store.GetOrCreateUser(ctx, tx, email, name)
	if err != nil {
		return session{}, err
	}
	m, err := store.AddMember(ctx, tx, ws.ID, u, role, name)
	if errors.Is(err, store.ErrConflict) {
		return session{}, conflict("you are already a member of this workspace")
	}
	if err != nil {
		return session{}, err
	}
	key, secret, err := store.NewAPIKey(ctx, tx, ws.ID, u.ID, "first key")
	if err != nil {
		return session{}, err
	}
	return session{Workspace: ws, Member: m, APIKey: newKey{*key, secret}}, nil
}

// validEmail checks an address and returns it lower-cased for storage and lookup.
func validEmail(field, v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", badInput(field, field+" is required")
	}
	addr, err := mail.ValidateAddress(v)
	if err != nil || strings.ContainsAny(v, "<>") {
		return "", badInput(field, field+" must be a plain e-mail address like ann@example.com")
	}
	return strings.ToLower(addr), nil
}
