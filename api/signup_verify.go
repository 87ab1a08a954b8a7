package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/mail"
	"github.com/onairhq/onair/store"
)

// A sign-up with the address of an existing account creates nothing: anyone
// could type that address, and the new workspace (with its owner key) would be
// attached to that person's account. It is held until the address's owner
// posts the e-mailed token to /v1/signup/verify.
const (
	// SignupVerificationTTL is how long the e-mailed token works.
	SignupVerificationTTL = 24 * time.Hour
	// signupRetention is how long an expired or used pending sign-up is kept, so
	// its token answers 410 rather than 404 for a while; then it is erased.
	signupRetention = 7 * 24 * time.Hour
)

// errAddressTaken leaves the sign-up transaction when the address has an account.
var errAddressTaken = errors.New("address has an account")

// signupPending answers a sign-up held for verification. It carries no
// workspace and no key; the address's owner receives the token by e-mail.
type signupPending struct {
	Status    string    `json:"status"` // "verification_sent"
	Email     string    `json:"email"`
	ExpiresAt time.Time `json:"expires_at"`
	Detail    string    `json:"detail"`
}

type signupVerifyRequest struct {
	Token string `json:"token" openapi:"required"`
}

func (r *signupVerifyRequest) validate() (err error) {
	r.Token, err = required("token", r.Token, 128)
	return err
}

// holdSignup stores the sign-up of an existing account's address and e-mails
// its owner the token that completes it.
func (s *onboardingAPI) holdSignup(c *gin.Context, req signupRequest) {
	ctx := c.Request.Context()
	if _, err := store.DeleteExpiredSignups(ctx, s.db, store.Now().Add(-signupRetention)); err != nil {
		s.log.WarnContext(ctx, "erasing expired sign-ups failed", "err", err)
	}
	pending, token, err := store.NewPendingSignup(ctx, s.db, req.Email, req.WorkspaceName, req.Name, SignupVerificationTTL)
	if err != nil {
		fail(c, err)
		return
	}
	msg, err := mail.SignupVerificationMessage(pending.Email, mail.SignupVerification{
		WorkspaceName: pending.WorkspaceName, Name: pending.Name, VerifyURL: s.baseURL + signupVerifyPagePath(token),
		Token: token, ExpiresAt: pending.ExpiresAt,
	})
	if err == nil {
		err = s.mail.Send(ctx, msg)
	}
	if err != nil {
		// Without the e-mail the token is lost (only its hash is kept): say so,
		// and the person signs up again.
		s.log.ErrorContext(ctx, "sign-up verification e-mail failed", "signup", pending.ID, "err", err)
		fail(c, problem(http.StatusServiceUnavailable, "mail-unavailable", "E-mail unavailable",
			"the verification e-mail could not be sent; try again in a few minutes"))
		return
	}
	s.log.InfoContext(ctx, "sign-up held for verification", "signup", pending.ID)
	c.JSON(http.StatusAccepted, signupPending{
		Status: "verification_sent", Email: pending.Email, ExpiresAt: pending.ExpiresAt,
		Detail: "this address already has an onair account: follow the e-mail sent to it to create the workspace",
	})
}

func (s *onboardingAPI) verifySignup(c *gin.Context) {
	var req signupVerifyRequest
	if err := decode(c, &req); err != nil {
		fail(c, err)
		return
	}
	out, err := s.completeSignup(c.Request.Context(), req.Token)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// completeSignup creates the workspace of a sign-up held for verification, with its owner
// and first API key: the one way to complete it, for the JSON route and the verification
// page. Refusals are problems (unknown, used, expired).
func (s *onboardingAPI) completeSignup(ctx context.Context, token string) (accessGranted, error) {
	var out accessGranted
	err := store.InTx(ctx, s.db, func(ctx context.Context, tx bun.IDB) error {
		pending, err := pendingSignupByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := signupUsable(pending); err != nil {
			return err
		}
		if err := store.ClaimPendingSignup(ctx, tx, pending); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return signupUsed()
			}
			return err
		}
		// The user is normally there; it is made again if erased meanwhile.
		u, err := store.GetOrCreateUser(ctx, tx, pending.Email, pending.Name)
		if err != nil {
			return err
		}
		ws := store.NewWorkspace(pending.WorkspaceName, s.defaultPlan)
		if err := store.Insert(ctx, tx, ws); err != nil {
			return err
		}
		out, err = join(ctx, tx, ws, u, pending.Name, store.RoleOwner)
		return err
	})
	if err != nil {
		return accessGranted{}, err
	}
	s.log.InfoContext(ctx, "workspace created after verification", "workspace", out.Workspace.ID, "user", out.Member.UserID)
	return out, nil
}

// pendingSignupByToken finds a held sign-up by its e-mailed token; an unknown one is a 404 problem.
func pendingSignupByToken(ctx context.Context, db bun.IDB, token string) (*store.PendingSignup, error) {
	pending, err := store.GetPendingSignupByToken(ctx, db, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("sign-up")
	}
	return pending, err
}

func signupUsable(p *store.PendingSignup) error {
	switch {
	case p.UsedAt != nil:
		return signupUsed()
	case time.Now().After(p.ExpiresAt):
		return problem(http.StatusGone, "signup-expired", "Sign-up expired",
			"this verification code has expired; sign up again to receive a new one")
	}
	return nil
}

func signupUsed() error {
	return problem(http.StatusGone, "signup-used", "Sign-up already completed",
		"this verification code was already used: its workspace exists")
}
