package sfu

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// senderReportInterval is how often a subscriber gets sender reports, Pion's default.
const senderReportInterval = time.Second

// Downlink is the way forwarded packets leave for one subscriber's PeerConnection, and the
// sender reports that describe them.
//
// When every PeerConnection shares one UDP socket and ICE chose a pair on it, a packet skips
// Pion's per-write layers (interceptor chain, SRTP session, mux endpoint, ICE connection, UDP
// mux): the binding encrypts it with its own SRTP context, keyed from this PeerConnection's DTLS
// handshake (srtp_keys.go), and sends it on the socket to the selected remote address. Until
// then, and for a pair elsewhere (ICE-TCP, a relay, a remote named by mDNS), packets go
// through Pion as before. Pion's SRTP context and the binding's hold the same key for one SSRC,
// and they never encrypt two different packets under one index: the direct path starts when
// the connection comes up and sequence numbers only move forward, and a retransmission is
// the same packet again. Pion's context would only fall behind on the rollover counter if the
// pair moved off the socket after 65,536 packets. ICE does not move a working UDP pair to TCP
// without a restart.
//
// Sender reports come from here for both paths (Pion's sender-report interceptor is not
// installed): per subscribed track, every second, from the binding's own counts.
type Downlink struct {
	socket  *MediaSocket // the shared media socket and its twins; nil: always through Pion
	capture keyCapture
	keys    atomic.Pointer[srtpKeys]
	dst     atomic.Pointer[netip.AddrPort] // set while ICE's selected pair is on conn

	bwe bandwidthEstimator

	mu        sync.Mutex
	bindings  []*binding
	ended     SubscriptionTotals // the counts of bindings removed (stats.go)
	scratch   []*binding         // the allocator's copy of bindings, reused
	writeRTCP func([]rtcp.Packet) error
	started   bool
	closed    chan struct{}
	closeOnce sync.Once
}

// NewDownlink prepares a subscriber's downlink; shared is the socket every PeerConnection's
// UDP traffic uses (the SettingEngine's ICE UDP mux), or nil.
func NewDownlink(shared *MediaSocket) *Downlink {
	d := &Downlink{socket: shared, closed: make(chan struct{})}
	d.bwe.init()
	return d
}

// Configure sets the hooks that capture the SRTP keys on the SettingEngine the subscriber's
// PeerConnection is built from (it must be that PeerConnection's alone), and makes this node
// the DTLS server when it answers, as it is when a browser answers its offer.
func (d *Downlink) Configure(se *webrtc.SettingEngine) {
	if d.socket == nil {
		return
	}
	se.SetDTLSKeyLogWriter(&d.capture)
	se.SetDTLSServerHelloMessageHook(d.capture.serverHello)
	_ = se.SetAnsweringDTLSRole(webrtc.DTLSRoleServer) // fails only for a role other than client or server
}

// Watch follows the PeerConnection's selected ICE pair; call it right after creating it.
func (d *Downlink) Watch(pc *webrtc.PeerConnection) {
	if d.socket == nil {
		return
	}
	pc.SCTP().Transport().ICETransport().OnSelectedCandidatePairChange(d.route)
}

// Connected starts the direct path (when keys and a pair on the shared socket are there) and
// the sender reports; call it when the PeerConnection is connected. Calling it again (after a
// reconnection) only looks at the selected pair again.
func (d *Downlink) Connected(pc *webrtc.PeerConnection) {
	if d.socket != nil {
		if d.keys.Load() == nil {
			if keys, ok := d.capture.keys(); ok {
				d.keys.Store(keys)
			}
		}
		if pair, err := pc.SCTP().Transport().ICETransport().GetSelectedCandidatePair(); err == nil && pair != nil {
			d.route(pair)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started {
		return
	}
	d.started, d.writeRTCP = true, pc.WriteRTCP
	go d.run()
}

// Close stops the sender reports; the PeerConnection is closing.
func (d *Downlink) Close() {
	d.closeOnce.Do(func() { close(d.closed) })
}

// DirectPackets counts the packets of the bound tracks that skipped Pion's write path.
func (d *Downlink) DirectPackets() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	var n uint64
	for _, b := range d.bindings {
		b.mu.Lock()
		n += b.direct.sent
		b.mu.Unlock()
	}
	return n
}

// route takes a newly selected ICE pair: direct when its local side is the shared socket.
func (d *Downlink) route(pair *webrtc.ICECandidatePair) {
	if pair == nil || pair.Local == nil || pair.Remote == nil {
		d.dst.Store(nil)
		return
	}
	local, remote := pair.Local, pair.Remote
	addr, err := netip.ParseAddr(remote.Address)
	if err != nil || local.Protocol != webrtc.ICEProtocolUDP || remote.Protocol != webrtc.ICEProtocolUDP ||
		local.Typ == webrtc.ICECandidateTypeRelay || int(local.Port) != d.socket.Conn.LocalAddr().(*net.UDPAddr).Port {
		d.dst.Store(nil)
		return
	}
	dst := netip.AddrPortFrom(addr.Unmap(), remote.Port)
	d.dst.Store(&dst)
}

// path is where a binding sends right now on d.socket: the address and the keys, or false
// (through Pion).
func (d *Downlink) path() (netip.AddrPort, *srtpKeys, bool) {
	keys, dst := d.keys.Load(), d.dst.Load()
	if keys == nil || dst == nil {
		return netip.AddrPort{}, nil, false
	}
	return *dst, keys, true
}

func (d *Downlink) add(b *binding) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.bindings = append(d.bindings, b)
}

func (d *Downlink) remove(b *binding) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, x := range d.bindings {
		if x == b {
			d.endedLocked(b)
			d.bindings = append(d.bindings[:i], d.bindings[i+1:]...)
			return
		}
	}
}

// run shares the bandwidth among the subscriptions (allocate.go) every allocateInterval and
// sends one compound of sender reports per senderReportInterval, one per track that has sent.
func (d *Downlink) run() {
	tick := time.NewTicker(allocateInterval)
	defer tick.Stop()
	var lastReport time.Time
	for {
		select {
		case <-d.closed:
			return
		case now := <-tick.C:
			d.allocate(now)
			if now.Sub(lastReport) >= senderReportInterval-allocateInterval/2 {
				lastReport = now
				d.sendReports(now)
			}
		}
	}
}

func (d *Downlink) sendReports(now time.Time) {
	d.mu.Lock()
	var reports []rtcp.Packet
	for _, b := range d.bindings {
		if sr, ok := b.senderReport(now); ok {
			reports = append(reports, sr)
		}
	}
	write := d.writeRTCP
	d.mu.Unlock()
	if len(reports) > 0 {
		_ = write(reports) // fails only while the connection closes
	}
}
