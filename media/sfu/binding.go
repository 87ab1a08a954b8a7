package sfu

import (
	"net"
	"net/netip"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/srtp/v3"
)

// directState is a binding's own SRTP context and buffers for the direct path (downlink.go).
// One context per binding: each SSRC's rollover counter lives in exactly one place.
type directState struct {
	keys   *srtpKeys // what ctx was created from
	ctx    *srtp.Context
	header rtp.Header // EncryptRTP's parse of plain
	plain  []byte
	sealed []byte
	sent   uint64 // packets sent this way
}

// srtpOverhead bounds what SRTP adds to a packet: a 16-byte AEAD tag, or a 10-byte HMAC tag.
const srtpOverhead = 16

// sentCounts are what a sender report says about a binding's stream.
type sentCounts struct {
	packets, octets uint32
	rtpTime         uint32    // the timestamp of the newest packet sent
	at              time.Time // when it was sent
}

// write rewrites SSRC and payload type in h, which the caller owns and may reuse: the write
// stream marshals it before returning, and passing it by pointer avoids a heap copy of the
// header per subscriber (the interface call makes any header it is given escape). sentAt is
// when a new packet is sent; zero for a retransmission, which counts as sent but says nothing
// about the stream's clock.
//
// The publisher's header extensions are dropped: their ids are the ones negotiated with the
// publisher, which a subscriber's session may map to other extensions (a browser publisher's
// transport-cc sequence number would reach a subscriber as its MID or RID), and what they carry
// (transport-wide sequence numbers, send times) describes the publisher's hop, not this one.
func (b *binding) write(h *rtp.Header, payload []byte, sentAt time.Time) error {
	h.SSRC, h.PayloadType = b.ssrc, b.payloadType
	h.Extension, h.ExtensionProfile, h.Extensions = false, 0, nil
	b.mu.Lock()
	b.sent.packets++
	b.sent.octets += uint32(len(payload))
	if !sentAt.IsZero() {
		b.sent.rtpTime, b.sent.at = h.Timestamp, sentAt
	}
	if d := b.downlink.Load(); d != nil {
		if dst, keys, ok := d.path(); ok {
			err := b.sendDirectLocked(d.conn, dst, keys, h, payload)
			b.mu.Unlock()
			return err
		}
	}
	b.mu.Unlock()
	_, err := b.writer.WriteRTP(h, payload)
	return err
}

// sendDirectLocked encrypts the packet with the binding's SRTP context and sends it on the
// shared socket.
func (b *binding) sendDirectLocked(conn *net.UDPConn, dst netip.AddrPort, keys *srtpKeys, h *rtp.Header, payload []byte) error {
	s := &b.direct
	if s.keys != keys {
		ctx, err := srtp.CreateContext(keys.key, keys.salt, keys.profile)
		if err != nil {
			return err
		}
		s.keys, s.ctx = keys, ctx
	}
	n := h.MarshalSize()
	if cap(s.plain) < n+len(payload) {
		// Room for the longest packet read and its SRTP tag, so a stream allocates once.
		s.plain = make([]byte, 0, max(maxRTPPacket, n+len(payload)))
		s.sealed = make([]byte, 0, cap(s.plain)+srtpOverhead)
	}
	plain := s.plain[:n+len(payload)]
	if _, err := h.MarshalTo(plain); err != nil {
		return err
	}
	copy(plain[n:], payload)
	sealed, err := s.ctx.EncryptRTP(s.sealed, plain, &s.header)
	if err != nil {
		return err
	}
	s.sealed = sealed[:0]
	s.sent++
	_, err = conn.WriteToUDPAddrPort(sealed, dst)
	return err
}

// senderReport describes what the binding has sent (RFC 3550 §6.4.1): the RTP time of now
// extrapolated from the newest packet at the track's clock rate. False before any new packet
// (a retransmission alone says nothing of the clock).
func (b *binding) senderReport(now time.Time) (*rtcp.SenderReport, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sent.at.IsZero() || b.clockRate == 0 {
		return nil, false
	}
	elapsed := now.Sub(b.sent.at)
	return &rtcp.SenderReport{
		SSRC:        b.ssrc,
		NTPTime:     ntpTime(now),
		RTPTime:     b.sent.rtpTime + uint32(elapsed.Seconds()*float64(b.clockRate)),
		PacketCount: b.sent.packets,
		OctetCount:  b.sent.octets,
	}, true
}

// ntpTime is t in the NTP timestamp format: seconds since 1900 in the high 32 bits and the
// fraction of a second in the low 32.
func ntpTime(t time.Time) uint64 {
	const unixToNTP = 2208988800 // seconds from 1900 to 1970
	secs := uint64(t.Unix() + unixToNTP)
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return secs<<32 | frac
}
