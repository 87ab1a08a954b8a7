package outbound

import (
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Timeouts of the outbound client: a receiver gets 10 seconds in all to accept
// the connection and answer, as webhook senders usually allow (a slow receiver
// should queue the event and answer at once).
const (
	dialTimeout     = 5 * time.Second
	tlsTimeout      = 5 * time.Second
	headerTimeout   = 10 * time.Second
	requestTimeout  = 10 * time.Second
	idleConnTimeout = 90 * time.Second
)

// Dialer connects only to addresses the policy allows. The check runs on the
// address actually being connected to, after the name was resolved, so a name
// that now resolves to an internal address is refused however it resolved when
// the URL was saved.
func (p Policy) Dialer() *net.Dialer {
	return &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Control: p.control}
}

func (p Policy) control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp4", "tcp6":
	default:
		return refused("uses network %s", network)
	}
	if p.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refused("connects to %q, not an IP address and port", address)
	}
	if why := Refused(ap.Addr()); why != "" {
		return refused("connects to %s, %s", ap.Addr(), why)
	}
	return nil
}

// Client is the HTTP client for requests to user-chosen URLs: it dials through
// Dialer, never uses a proxy from the environment (the proxy's address would
// be the one checked, not the target's), bounds every phase in time and does
// not follow redirects (a redirect could lead anywhere; the caller sees the
// 3xx answer, which a webhook delivery counts as a failure).
func (p Policy) Client() *http.Client {
	d := p.Dialer()
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    tlsTimeout,
		ResponseHeaderTimeout:  headerTimeout,
		IdleConnTimeout:        idleConnTimeout,
		MaxIdleConnsPerHost:    2,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
