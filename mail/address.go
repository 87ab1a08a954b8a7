package mail

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// ErrInvalidAddress is wrapped by every error about an unusable sender or recipient.
var ErrInvalidAddress = errors.New("mail: invalid address")

// Limits from RFC 5321 section 4.5.3.1: longer addresses are refused by real servers.
const (
	maxLocalPart = 64
	maxAddress   = 254
)

// ValidateAddress checks one address ("a@example.com" or "Ann <a@example.com>") and returns
// the bare address with its domain lower-cased, ready to store or compare. The local part
// keeps its case: RFC 5321 lets servers treat it as case-sensitive.
func ValidateAddress(addr string) (string, error) {
	a, err := parseAddress(addr)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// parseAddress is ValidateAddress keeping the display name, for From and To headers.
func parseAddress(raw string) (*mail.Address, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidAddress)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrInvalidAddress, raw, err)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 {
		return nil, fmt.Errorf("%w %q: missing local part", ErrInvalidAddress, raw)
	}
	local, domain := a.Address[:at], strings.ToLower(a.Address[at+1:])
	if err := checkDomain(domain); err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrInvalidAddress, raw, err)
	}
	bare := local + "@" + domain
	if len(local) > maxLocalPart || len(bare) > maxAddress {
		return nil, fmt.Errorf("%w %q: too long", ErrInvalidAddress, raw)
	}
	// net/mail unquotes `"john doe"@example.com` to `john doe@example.com`, which is not an
	// address any more; only accept bare forms that parse back to themselves, since that is
	// what we hand to RCPT TO and store.
	if again, err := mail.ParseAddress(bare); err != nil || again.Address != bare || again.Name != "" {
		return nil, fmt.Errorf("%w %q: local part needs quoting", ErrInvalidAddress, raw)
	}
	return &mail.Address{Name: a.Name, Address: bare}, nil
}

// checkDomain accepts host names (letters, digits, hyphens, and non-ASCII for IDNs) with at
// least one dot, plus "localhost" for development; address literals like [127.0.0.1] are
// refused because no real recipient uses them and they bypass DNS-based checks.
func checkDomain(domain string) error {
	if domain == "localhost" {
		return nil
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return errors.New("domain needs a dot")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return fmt.Errorf("bad domain label %q", l)
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("domain label %q starts or ends with a hyphen", l)
		}
		for _, r := range l {
			ok := r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' ||
				r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
			if !ok {
				return fmt.Errorf("bad character %q in domain", r)
			}
		}
	}
	return nil
}

// OnBehalfOf is the From of an e-mail a workspace sends: the process's sender address (from,
// as ONAIR_MAIL_FROM gives it) under the workspace's name, so recipients see who writes to
// them, and the bare address, which calendar invitations name as ORGANIZER.
func OnBehalfOf(from, name string) (header, addr string, err error) {
	a, err := parseAddress(from)
	if err != nil {
		return "", "", fmt.Errorf("sender: %w", err)
	}
	if strings.TrimSpace(name) != "" {
		a.Name = strings.Join(strings.Fields(name), " ")
	}
	return a.String(), a.Address, nil
}
