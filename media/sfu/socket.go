package sfu

import (
	"errors"
	"net"
)

// MediaSocket is the UDP socket every PeerConnection of a node shares (the ICE UDP mux reads
// it) and, on Linux, its twins: sockets bound to the same address and port with SO_REUSEPORT
// that only send. A sendto on one socket serializes in the kernel, so with one socket a
// node's fan-out gains nothing from a second core (BENCHMARKS.md, "Fan-out across cores");
// each fan-out writer sends on a twin of its own instead. A twin's packets leave from the same
// address and port as the shared socket's, so to a browser they are the same ICE candidate.
// Incoming traffic is steered to the shared socket alone (a reuseport BPF program that always
// picks it), so the twins never read.
type MediaSocket struct {
	// Conn is the shared socket: the ICE mux reads it; retransmissions and sender reports
	// are written on it.
	Conn    *net.UDPConn
	senders []*net.UDPConn // senders[0] is Conn, then the twins
}

// NewMediaSocket wraps one socket without twins: every write goes through it.
func NewMediaSocket(conn *net.UDPConn) *MediaSocket {
	return &MediaSocket{Conn: conn, senders: []*net.UDPConn{conn}}
}

// ListenMediaSocket opens the shared socket on addr ("udp" or "udp4" network, port 0 for any)
// and up to writers-1 twins. prepare is run on every socket before use (buffers, options). A
// port already in use is an error, as for a plain socket; twins the kernel refuses are only
// left out.
func ListenMediaSocket(network string, addr *net.UDPAddr, writers int, prepare func(*net.UDPConn) error) (*MediaSocket, error) {
	conn, twins, err := listenTwins(network, addr, writers-1)
	if err != nil {
		return nil, err
	}
	s := &MediaSocket{Conn: conn, senders: append([]*net.UDPConn{conn}, twins...)}
	if prepare != nil {
		for _, c := range s.senders {
			if err := prepare(c); err != nil {
				_ = s.Close()
				return nil, err
			}
		}
	}
	return s, nil
}

// Writers is how many sockets writes are spread over (1 without twins).
func (s *MediaSocket) Writers() int { return len(s.senders) }

// sender is the socket writer i sends on.
func (s *MediaSocket) sender(i int) *net.UDPConn {
	return s.senders[uint(i)%uint(len(s.senders))]
}

// Close closes the twins and the shared socket (closing it twice, after the ICE mux did, is
// harmless).
func (s *MediaSocket) Close() error {
	var errs []error
	for _, c := range s.senders[1:] {
		errs = append(errs, c.Close())
	}
	if err := s.Conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
