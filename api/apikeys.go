package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/store"
)

type apiKeyRequest struct {
	Name string `json:"name" openapi:"required"`
}

func (r *apiKeyRequest) validate() (err error) {
	r.Name, err = required("name", r.Name, 80)
	return err
}

// API keys are personal settings: each person manages only their own.
func (s *Server) apiKeyRoutes() {
	s.add(route{Method: http.MethodGet, Path: "/v1/api-keys", Tag: "profile", Action: authz.ProfileEditOwn, Paged: true,
		Summary: "List your live API keys", Response: store.APIKey{}, Handler: listOf[store.APIKey](s.base, ownKeys)})
	s.add(route{Method: http.MethodPost, Path: "/v1/api-keys", Tag: "profile", Action: authz.ProfileEditOwn, Idempotent: true, SecretResponse: true,
		Summary: "Create an API key (the secret is shown once)", Request: apiKeyRequest{}, Response: newKey{},
		Status: http.StatusCreated, Handler: s.createAPIKey})
	s.add(route{Method: http.MethodDelete, Path: "/v1/api-keys/:id", Tag: "profile", Action: authz.ProfileEditOwn,
		Summary: "Revoke one of your API keys", Status: http.StatusNoContent, Handler: s.revokeAPIKey})
}

func (s *Server) createAPIKey(c *gin.Context) {
	var req apiKeyRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := caller(c)
	key, secret, err := store.NewAPIKey(c.Request.Context(), s.db, p.Workspace.ID, p.Member.UserID, req.Name)
	if err != nil {
		fail(c, err)
		return
	}
	auditObject(c, "api_key", key.ID)
	c.JSON(http.StatusCreated, newKey{*key, secret})
}

func (s *Server) revokeAPIKey(c *gin.Context) {
	p := caller(c)
	auditObject(c, "api_key", c.Param("id"))
	if err := store.RevokeAPIKey(c.Request.Context(), s.db, p.Workspace.ID, p.Member.UserID, c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// ownKeys narrows the list to the caller's own live keys.
func ownKeys(c *gin.Context) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
	return store.LiveKeysOf(caller(c).Member.UserID), nil
}
