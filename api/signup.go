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
	WorkspaceName string `json:"workspace_name" openapi:"required"`
	Name          string `json:"name" openapi:"required"`
	Email         string `json:"email" openapi:"required"`
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

// accessGranted is what sign-up and invitation acceptance answer: who you now are,
// where, and the key to act with.
type accessGranted struct {
	Workspace *store.Workspace  `json:"workspace"`
	Member    *store.Membership `json:"member"`
	APIKey    newKey            `json:"api_key"`
}

func (s *onboardingAPI) signupRoutes() {
	s.add(route{ID: "signUp", Method: http.MethodPost, Path: "/v1/signup", Tag: "account", Public: true, Limit: limitSignup,
		Summary: "Create a workspace with its owner and first API key (an address that already has an account gets 202 and a verification e-mail instead)",
		Request: signupRequest{}, Response: accessGranted{}, Status: http.StatusCreated,
		Also: map[int]any{http.StatusAccepted: signupPending{}}, Handler: s.signup})
	s.add(route{ID: "verifySignup", Method: http.MethodPost, Path: "/v1/signup/verify", Tag: "account", Public: true, Limit: limitSignup,
		Summary: "Complete a sign-up held for verification with its e-mailed token: creates the workspace and returns its owner API key once",
		Request: signupVerifyRequest{}, Response: accessGranted{}, Status: http.StatusCreated,
		Handler: s.verifySignup})
}

func (s *onboardingAPI) signup(c *gin.Context) {
	var req signupRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	var out accessGranted
	err := store.InTx(c.Request.Context(), s.db, func(ctx context.Context, tx bun.IDB) error {
		// Only a new address gets its workspace at once; an existing account's
		// address must be verified first (holdSignup).
		u, err := store.CreateUser(ctx, tx, req.Email, req.Name)
		if errors.Is(err, store.ErrConflict) {
			return errAddressTaken
		}
		if err != nil {
			return err
		}
		ws := store.NewWorkspace(req.WorkspaceName, s.defaultPlan)
		if err := store.Insert(ctx, tx, ws); err != nil {
			return err
		}
		out, err = join(ctx, tx, ws, u, req.Name, store.RoleOwner)
		return err
	})
	if errors.Is(err, errAddressTaken) {
		s.holdSignup(c, req)
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	s.log.InfoContext(c.Request.Context(), "workspace created", "workspace", out.Workspace.ID, "user", out.Member.UserID)
	c.JSON(http.StatusCreated, out)
}

// join makes u a member of ws, shown there as name, and gives them a first API key.
func join(ctx context.Context, tx bun.IDB, ws *store.Workspace, u *store.User, name, role string) (accessGranted, error) {
	m, err := store.AddMember(ctx, tx, ws.ID, u, role, name)
	if errors.Is(err, store.ErrConflict) {
		return accessGranted{}, conflict("you are already a member of this workspace")
	}
	if err != nil {
		return accessGranted{}, err
	}
	key, secret, err := store.NewAPIKey(ctx, tx, ws.ID, u.ID, "first key")
	if err != nil {
		return accessGranted{}, err
	}
	return accessGranted{Workspace: ws, Member: m, APIKey: newKey{*key, secret}}, nil
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
