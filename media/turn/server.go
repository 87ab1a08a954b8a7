package turn

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	pionturn "github.com/pion/turn/v5"
)

// Realm is the realm the embedded server authenticates in.
const Realm = "onair"

// ErrNoListener is a server given neither a UDP nor a TLS address.
var ErrNoListener = errors.New("turn: no UDP or TLS address to listen on")

// ServerParams configure the embedded TURN server.
type ServerParams struct {
	// Secret checks the credentials Credentials minted with the same secret (required).
	Secret []byte
	// UDPAddr is where TURN over UDP listens ("host:port"); empty: no UDP listener.
	UDPAddr string
	// TLSAddr is where TURN over TLS (TCP) listens, 443 in production so that networks which
	// let only HTTPS out still reach it; empty: no TLS listener.
	TLSAddr string
	// CertFile and KeyFile are the TLS listener's PEM certificate (chain) and key; browsers
	// check it against the host name of the turns: URL.
	CertFile, KeyFile string
	// RelayIP is the address relayed candidates announce: the node's public address.
	RelayIP net.IP
	// RelayListenIP is the local address relay sockets bind; empty means every interface.
	RelayListenIP string
	// RelayMinPort and RelayMaxPort bound the relay sockets' ports (a firewall's range);
	// zero: any free port.
	RelayMinPort, RelayMaxPort uint16
	// Peers are the addresses relayed media may go to, besides this machine's own interfaces:
	// the node's public addresses. The media node is the only peer a join needs, so the relay
	// is no open proxy into the network around it.
	Peers  []net.IP
	Logger *slog.Logger
	// Now is the clock credentials are checked against; nil means time.Now.
	Now func() time.Time
}

// Server is the embedded TURN server.
type Server struct {
	server         *pionturn.Server
	udp, tls       net.Addr
	current, total atomic.Int64
}

// Allocations counts the relays the server holds now and has granted since it started,
// for the node's metrics.
type Allocations struct {
	Current, Total int64
}

// NewServer starts listening; Close stops it. A bad setting (a missing certificate, a port in
// use, an empty secret) is an error, never a server that refuses every browser.
func NewServer(p ServerParams) (_ *Server, err error) {
	if len(p.Secret) == 0 {
		return nil, errors.New("turn: a shared secret is required")
	}
	if p.UDPAddr == "" && p.TLSAddr == "" {
		return nil, ErrNoListener
	}
	if p.RelayIP == nil {
		return nil, errors.New("turn: the relay address (the node's public IP) is required")
	}
	if (p.RelayMinPort == 0) != (p.RelayMaxPort == 0) || p.RelayMinPort > p.RelayMaxPort {
		return nil, fmt.Errorf("turn: relay ports %d-%d are not a range", p.RelayMinPort, p.RelayMaxPort)
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	if p.RelayListenIP == "" {
		p.RelayListenIP = "0.0.0.0"
	}
	s := &Server{}
	peers, err := allowedPeers(p.Peers, p.RelayIP)
	if err != nil {
		return nil, err
	}
	var closers []func() error
	defer func() {
		if err != nil {
			for _, c := range closers {
				_ = c()
			}
		}
	}()
	cfg := pionturn.ServerConfig{
		Realm:         Realm,
		LoggerFactory: pionLogs{log: p.Logger.With("component", "turn")},
		AuthHandler:   s.authHandler(p.Secret, p.Now, p.Logger),
		EventHandler:  s.eventHandler(),
	}
	if p.UDPAddr != "" {
		conn, err := net.ListenPacket("udp4", p.UDPAddr)
		if err != nil {
			return nil, fmt.Errorf("turn: UDP listener: %w", err)
		}
		closers = append(closers, conn.Close)
		s.udp = conn.LocalAddr()
		cfg.PacketConnConfigs = append(cfg.PacketConnConfigs, pionturn.PacketConnConfig{
			PacketConn: conn, RelayAddressGenerator: relayAddresses(p), PermissionHandler: peers,
		})
	}
	if p.TLSAddr != "" {
		cert, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("turn: TLS certificate: %w", err)
		}
		l, err := tls.Listen("tcp4", p.TLSAddr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		if err != nil {
			return nil, fmt.Errorf("turn: TLS listener: %w", err)
		}
		closers = append(closers, l.Close)
		s.tls = l.Addr()
		cfg.ListenerConfigs = append(cfg.ListenerConfigs, pionturn.ListenerConfig{
			Listener: l, RelayAddressGenerator: relayAddresses(p), PermissionHandler: peers,
		})
	}
	if s.server, err = pionturn.NewServer(cfg); err != nil {
		return nil, fmt.Errorf("turn: %w", err)
	}
	p.Logger.Info("turn listening", "udp", addrString(s.udp), "tls", addrString(s.tls), "relay_ip", p.RelayIP.String())
	return s, nil
}

// UDPAddr is the UDP listener's address (nil without one).
func (s *Server) UDPAddr() net.Addr { return s.udp }

// TLSAddr is the TLS listener's address (nil without one).
func (s *Server) TLSAddr() net.Addr { return s.tls }

// Allocations is how many relays the server holds now and has granted in all.
func (s *Server) Allocations() Allocations {
	return Allocations{Current: s.current.Load(), Total: s.total.Load()}
}

// Close stops the listeners and every allocation.
func (s *Server) Close() error { return s.server.Close() }

// authHandler accepts a username whose expiry is ahead and answers with the key of the
// password Credentials minted for it: a client that signs with another password (a wrong
// secret, an edited username) fails the message-integrity check.
func (s *Server) authHandler(secret []byte, clock func() time.Time, log *slog.Logger) pionturn.AuthHandler {
	return func(ra *pionturn.RequestAttributes) (string, []byte, bool) {
		user, err := checkUsername(ra.Username, now(clock))
		if err != nil {
			log.Debug("turn credentials refused", "src", ra.SrcAddr.String(), "err", err)
			return "", nil, false
		}
		return user, pionturn.GenerateAuthKey(ra.Username, ra.Realm, Password(secret, ra.Username)), true
	}
}

func (s *Server) eventHandler() pionturn.EventHandler {
	return pionturn.EventHandler{
		OnAllocationCreated: func(_, _ net.Addr, _, _, _ string, _ net.Addr, _ int) {
			s.current.Add(1)
			s.total.Add(1)
		},
		OnAllocationDeleted: func(_, _ net.Addr, _, _, _ string) { s.current.Add(-1) },
	}
}

func relayAddresses(p ServerParams) pionturn.RelayAddressGenerator {
	if p.RelayMinPort != 0 {
		return &pionturn.RelayAddressGeneratorPortRange{RelayAddress: p.RelayIP, Address: p.RelayListenIP,
			MinPort: p.RelayMinPort, MaxPort: p.RelayMaxPort}
	}
	return &pionturn.RelayAddressGeneratorStatic{RelayAddress: p.RelayIP, Address: p.RelayListenIP}
}

// allowedPeers lets relayed packets go only to this machine (its interfaces, the relay's own
// public address) and the configured peers.
func allowedPeers(extra []net.IP, relayIP net.IP) (pionturn.PermissionHandler, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("turn: local addresses: %w", err)
	}
	allowed := append([]net.IP{relayIP}, extra...)
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			allowed = append(allowed, n.IP)
		}
	}
	return func(_ net.Addr, peer net.IP) bool {
		for _, ip := range allowed {
			if ip.Equal(peer) {
				return true
			}
		}
		return false
	}, nil
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
