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

// forward sends a new packet of a layer if the subscriber is fed from it, or starts feeding it
// from this layer when the allocator wants it there and the packet is a switch point. Until
// the wanted layer's keyframe arrives the subscriber keeps getting the layer it is on. writer
// names the fan-out writer sending it, which has a socket of its own (MediaSocket).
func (b *binding) forward(layer int, switchPoint bool, h *rtp.Header, payload []byte, now time.Time, writer int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if layer != b.rw.layer {
		target := int(b.target.Load())
		if !switchPoint || (layer != target && (target != noLayer || b.rw.layer != noLayer)) {
			return nil
		}
		b.stats.switched(b.rw.layer, layer, now)
		b.rw.start(layer, h.SequenceNumber, h.Timestamp, now, b.clockRate)
	}
	seq, ts, ok := b.rw.rewrite(h.SequenceNumber, h.Timestamp, now)
	if !ok {
		return nil
	}
	h.SequenceNumber, h.Timestamp = seq, ts
	return b.writeLocked(h, payload, now, writer)
}

// resend writes a packet from a layer's history again, under the sequence number the
// subscriber NACKed and the timestamp it had then.
func (b *binding) resend(h *rtp.Header, payload []byte, outSeq uint16, tsOffset uint32) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	h.SequenceNumber, h.Timestamp = outSeq, h.Timestamp+tsOffset
	b.resent.add(h.MarshalSize()+len(payload), time.Now())
	return b.writeLocked(h, payload, time.Time{}, 0)
}

// write sends a packet as it is numbered; see writeLocked.
func (b *binding) write(h *rtp.Header, payload []byte, sentAt time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.writeLocked(h, payload, sentAt, 0)
}

// writeLocked rewrites SSRC and payload type in h, which the caller owns and may reuse: the
// write stream marshals it before returning, and passing it by pointer avoids a heap copy of
// the header per subscriber (the interface call makes any header it is given escape). sentAt
// is when a new packet is sent; zero for a retransmission, which counts as sent but says
// nothing about the stream's clock. On the direct path the packet leaves on the socket of
// writer (MediaSocket): 0 for retransmissions, sender reports' fellows and the first writer.
//
// The publisher's header extensions are dropped: their ids are the ones negotiated with the
// publisher, which a subscriber's session may map to other extensions (a browser publisher's
// transport-cc sequence number would reach a subscriber as its MID or RID), and what they carry
// (transport-wide sequence numbers, send times) describes the publisher's hop, not this one.
// This hop's transport-wide sequence number is added instead, on either path, so the
// subscriber's feedback measures it (bwe.go).
func (b *binding) writeLocked(h *rtp.Header, payload []byte, sentAt time.Time, writer int) error {
	h.SSRC, h.PayloadType = b.ssrc, b.payloadType
	h.Extension, h.ExtensionProfile, h.Extensions = false, 0, nil
	b.sent.packets++
	b.sent.octets += uint32(len(payload))
	if !sentAt.IsZero() {
		b.sent.rtpTime, b.sent.at = h.Timestamp, sentAt
	}
	d := b.downlink.Load()
	at := sentAt
	if at.IsZero() {
		at = time.Now()
	}
	if d != nil && b.twccID != 0 {
		h.Extensions = b.ext[:0]
		seq := d.bwe.sent(h.MarshalSize()+4+len(payload), at)
		b.twcc[0], b.twcc[1] = byte(seq>>8), byte(seq)
		_ = h.SetExtension(b.twccID, b.twcc[:]) // fails only for an id out of range, which SDP cannot negotiate
	}
	size := h.MarshalSize() + len(payload)
	b.out.add(size, at)
	b.stats.packets.Add(1)
	b.stats.bytes.Add(uint64(size))
	if d != nil {
		if dst, keys, ok := d.path(); ok {
			return b.sendDirectLocked(d.socket.sender(writer), dst, keys, h, payload)
		}
	}
	b.stats.fallback.Add(1)
	_, err := b.writer.WriteRTP(h, payload)
	return err
}

// sendDirectLocked encrypts the packet with the binding's SRTP context and sends it on conn,
// the shared socket or one of its twins.
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
