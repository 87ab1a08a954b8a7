package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Policy decides where outbound requests may go. The zero value is the
// production policy: https only, public addresses only, names looked up with
// the system resolver.
type Policy struct {
	// AllowPrivate lets requests reach loopback, private, link-local and
	// internal names over http or https: for development, where the receiving
	// end runs on the same machine (ONAIR_WEBHOOKS_ALLOW_PRIVATE).
	AllowPrivate bool
	// Resolver looks names up when a URL is checked; nil is net.DefaultResolver.
	Resolver Resolver
}

// Resolver is the part of *net.Resolver a URL check needs; tests give their own.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ErrRefused is wrapped by every refusal of a URL or an address.
var ErrRefused = errors.New("outbound: target refused")

// ErrUnresolved is wrapped when a URL's host name has no address: the name
// cannot be shown to be public, so it is refused too.
var ErrUnresolved = errors.New("outbound: host name does not resolve")

// lookupTimeout bounds the name lookup of CheckHost.
const lookupTimeout = 5 * time.Second

// internalNames are names, and suffixes after a dot, that only mean something
// inside a network: a request to them would reach our own or the cloud's hosts.
var internalNames = []string{
	"localhost", "local", "internal", "localdomain", "home.arpa", "arpa",
	"metadata", "instance-data", "metadata.goog",
}

// RefusalError says why a URL or an address was refused, in words for the
// person who gave it (Reason reads well after "url "). It matches ErrRefused or
// ErrUnresolved with errors.Is.
type RefusalError struct {
	Reason string
	kind   error
}

func (e *RefusalError) Error() string { return e.kind.Error() + ": " + e.Reason }
func (e *RefusalError) Unwrap() error { return e.kind }

func refused(format string, args ...any) error {
	return &RefusalError{Reason: fmt.Sprintf(format, args...), kind: ErrRefused}
}

// CheckURL checks what can be told from the URL alone and returns it parsed:
// https (http too when private targets are allowed), no user name or password,
// a host that is a DNS name or an IP address written the usual way, and, unless
// private targets are allowed, neither an internal name nor a refused address.
// Errors are *RefusalError.
func (p Policy) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return nil, refused("must be an absolute URL like https://hooks.example.com/onair")
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "https":
	case scheme == "http" && p.AllowPrivate:
	case scheme == "http":
		return nil, refused("must use https")
	default:
		return nil, refused("must be an https URL")
	}
	if u.User != nil {
		return nil, refused("must not carry a user name or password; authenticate with the signing secret instead")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, refused("has an invalid port %q", port)
		}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return nil, refused("has no host")
	}
	if strings.Contains(u.Host, "[") || strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return nil, refused("has an invalid IPv6 address %q", host)
		}
		return u, p.checkAddr(a)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return u, p.checkAddr(a)
	}
	if looksNumeric(host) {
		return nil, refused("writes its IPv4 address in an unusual form (%q); write it as four decimal numbers, like 203.0.113.10, or use a name", host)
	}
	if err := checkName(host); err != nil {
		return nil, err
	}
	if !p.AllowPrivate {
		if name, ok := internal(host); ok {
			return nil, refused("names an internal host (%s)", name)
		}
		if !strings.Contains(host, ".") {
			return nil, refused("names a host without a domain (%q); use its full public name", host)
		}
	}
	return u, nil
}

// CheckHost looks the URL's host name up and refuses it when it resolves to a
// refused address or to nothing. Deliveries check again when they connect
// (Dialer): a name's answers can change after this check.
func (p Policy) CheckHost(ctx context.Context, u *url.URL) error {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if p.AllowPrivate {
		return nil
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil // an address literal, judged by CheckURL
	}
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return &RefusalError{kind: ErrUnresolved,
			Reason: fmt.Sprintf("names %s, which has no address in DNS; the name must resolve to a public address", host)}
	}
	for _, a := range addrs {
		if why := Refused(a); why != "" {
			return refused("names %s, which resolves to %s, %s", host, a, why)
		}
	}
	return nil
}

func (p Policy) checkAddr(a netip.Addr) error {
	if p.AllowPrivate {
		if a.Zone() != "" {
			return refused("names an address with an interface zone")
		}
		return nil
	}
	if why := Refused(a); why != "" {
		return refused("names %s, %s", a, why)
	}
	return nil
}

// looksNumeric reports a host that URL parsers and the C resolver read as an
// IPv4 address in a short, decimal, octal or hexadecimal form (127.1,
// 2130706433, 0177.0.0.1, 0x7f000001): its last label is a number. Such a
// label is never a real top-level domain.
func looksNumeric(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	digits := last
	if strings.HasPrefix(last, "0x") {
		digits = last[2:]
		return strings.Trim(digits, "0123456789abcdef") == ""
	}
	return strings.Trim(digits, "0123456789") == ""
}

// checkName accepts ASCII DNS names (international names in their xn-- form).
func checkName(host string) error {
	if len(host) > 253 {
		return refused("has a host name longer than 253 characters")
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return refused("has an invalid host name %q", host)
		}
		if strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return refused("has an invalid host name %q (write international names in their xn-- form)", host)
		}
	}
	return nil
}

// internal returns the internal name host is, or ends with.
func internal(host string) (string, bool) {
	for _, n := range internalNames {
		if host == n || strings.HasSuffix(host, "."+n) {
			return n, true
		}
	}
	return "", false
}
