package mail

import (
	"fmt"
	"net/url"
	"time"
)

// KindSignupVerification asks the owner of an address that already has an
// account to confirm a sign-up made with it before a workspace is attached.
const KindSignupVerification = "signup_verification"

// SignupVerification is the data of the sign-up verification e-mail. The
// address may belong to a French or an English speaker and no workspace says
// which yet, so the default template holds both languages (its tl and datein).
type SignupVerification struct {
	WorkspaceName string // the workspace the sign-up asked for
	Name          string // the name given at sign-up
	VerifyURL     string // absolute http(s) URL of the confirmation page (GET /signup/verify/<token>)
	Token         string // the secret to post there
	ExpiresAt     time.Time
}

// SignupVerificationMessage composes the verification e-mail to `to`.
func SignupVerificationMessage(to string, v SignupVerification) (Message, error) {
	if v.WorkspaceName == "" || v.Token == "" || v.ExpiresAt.IsZero() {
		return Message{}, fmt.Errorf("%w: sign-up verification needs workspace name, token and expiry", ErrInvalidMessage)
	}
	if u, err := url.Parse(v.VerifyURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Message{}, fmt.Errorf("%w: sign-up verification URL must be an absolute http(s) URL", ErrInvalidMessage)
	}
	v.ExpiresAt = v.ExpiresAt.UTC()
	t, err := DefaultTemplate(KindSignupVerification)
	if err != nil {
		return Message{}, err
	}
	return Compose(Envelope{Kind: KindSignupVerification, To: to, Lang: "en", Brand: Brand{Name: "onair"}, Data: v}, t)
}
