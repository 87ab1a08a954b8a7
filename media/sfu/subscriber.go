package sfu

import (
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Subscribe serves one subscriber's sender of this track (added to its PeerConnection and not
// yet negotiated): packets leave through the subscriber's downlink, and its RTCP is read until
// the sender closes — Pion's interceptors (receiver reports) act only on RTCP that someone
// reads — passing keyframe requests on to the publisher, answering NACKs from the shared
// history and giving congestion feedback to the downlink's bandwidth estimate.
func (f *Forwarder) Subscribe(sender *webrtc.RTPSender, d *Downlink) {
	ssrc := senderSSRC(sender)
	f.local.attach(ssrc, d)
	go func() {
		defer f.local.detach(ssrc)
		f.serveSubscriber(sender, d, ssrc)
	}()
}

func senderSSRC(sender *webrtc.RTPSender) uint32 {
	if enc := sender.GetParameters().Encodings; len(enc) > 0 {
		return uint32(enc[0].SSRC)
	}
	return 0
}

// SetDisplaySize tells the forwarder how large the subscriber whose sender this is shows the
// video, in device pixels: it gets no better layer than that size needs (0×0, hidden: the
// lowest).
func (f *Forwarder) SetDisplaySize(sender *webrtc.RTPSender, width, height int) {
	f.local.capLayer(senderSSRC(sender), layerForSize(width, height))
}

// layerForSize is the lowest layer at least as large as a video shown width×height.
func layerForSize(width, height int) int {
	return max(layerForHeight(height), layerForHeight(width*9/16))
}

func (f *Forwarder) serveSubscriber(sender *webrtc.RTPSender, d *Downlink, ssrc uint32) {
	scratch := make([]byte, 0, maxRTPPacket)
	var sent retransmitLog
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		now := time.Now()
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				f.keyframeFor(ssrc)
			case *rtcp.TransportLayerNack:
				if b := f.local.bindingFor(p.MediaSSRC); b != nil {
					scratch = f.retransmit(b, p, &sent, scratch)
				}
			case *rtcp.TransportLayerCC:
				d.bwe.feedback(p, now)
			case *rtcp.ReceiverEstimatedMaximumBitrate:
				d.bwe.remb(uint64(p.Bitrate), now)
			case *rtcp.ReceiverReport:
				for _, r := range p.Reports {
					if r.SSRC == ssrc {
						d.bwe.receiverLoss(r.FractionLost, now)
					}
				}
			}
		}
	}
}

// keyframeFor asks the publisher for a keyframe of the layer a subscriber is fed from (all
// layers when it is fed from none yet).
func (f *Forwarder) keyframeFor(ssrc uint32) {
	b := f.local.bindingFor(ssrc)
	if b == nil || b.stats.layer.Load() == noLayer {
		f.RequestKeyframe()
		return
	}
	f.requestLayerKeyframe(int(b.stats.layer.Load()))
}

// retransmit writes each NACKed packet still in its layer's history to the binding the NACK
// names — the subscriber that asked, and only it — at most maxRetransmits times each. The
// NACK names the subscriber's sequence numbers; its rewriter maps them back to the layer's.
func (f *Forwarder) retransmit(b *binding, nack *rtcp.TransportLayerNack, sent *retransmitLog, scratch []byte) []byte {
	for _, pair := range nack.Nacks {
		for _, seq := range pair.PacketList() {
			b.stats.nacks.Add(1)
			b.mu.Lock()
			index, source, tsOffset, ok := b.rw.source(seq)
			b.mu.Unlock()
			if !ok {
				continue
			}
			l := f.layers[index].Load()
			if l == nil {
				continue
			}
			pkt, ok := l.history.get(source, scratch)
			if !ok || !sent.allow(seq) {
				continue
			}
			scratch = pkt
			var h rtp.Header
			hlen, err := h.Unmarshal(pkt)
			if err != nil {
				continue
			}
			if err := b.resend(&h, pkt[hlen:], seq, tsOffset); err != nil {
				f.log.Debug("retransmit", "err", err)
				return scratch
			}
			f.retransmitted.Add(1)
			b.stats.retransmitted.Add(1)
		}
	}
	return scratch
}
