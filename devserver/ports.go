package devserver

import (
	"fmt"
	"net"
	"strconv"
)

// splitAddress parses host:port; an empty host means 127.0.0.1 so the dev stack stays local
// unless asked otherwise.
func splitAddress(addr string) (host string, port int, err error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("address %q: %w", addr, err)
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("address %q: invalid port %q", addr, p)
	}
	if h == "" {
		h = loopback
	}
	return h, port, nil
}

// bindablePort returns port, or a free one on host when port is 0. It also fails early with a
// readable error when a fixed port is taken (e.g. by another `onair dev`), rather than letting a
// server fail later in a less obvious way.
func bindablePort(host string, port int) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return 0, err
	}
	port = l.Addr().(*net.TCPAddr).Port
	// Another process could take the port between this Close and our server's bind; that window
	// is accepted for a dev server, as the servers we embed only take a host:port to listen on.
	if err := l.Close(); err != nil {
		return 0, err
	}
	return port, nil
}

// dialHost is the host clients should dial to reach a server listening on host: a wildcard
// listener (0.0.0.0, ::) is reached through loopback.
func dialHost(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return loopback
	}
	return host
}

func joinAddress(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}
