package mediatest

import (
	"context"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// SimulcastLayer is one layer a Peer publishes with PublishSimulcast.
type SimulcastLayer struct {
	RID     string // q, h or f, as the room page names them
	Bitrate int    // bits/s of synthetic VP8
}

// RoomPageLayers are a publisher's three layers at about the room page's bitrates.
var RoomPageLayers = []SimulcastLayer{{RID: "q", Bitrate: 150_000}, {RID: "h", Bitrate: 500_000}, {RID: "f", Bitrate: 1_500_000}}

// PublishSimulcast publishes one synthetic VP8 video track ("video") as the given layers, each
// an RTP stream of its own named by its RID, with a keyframe every second per layer. Each
// frame's byte 10 (after the VP8 frame header) is the layer's index in layers, so a receiver
// tells which layer reaches it (VideoLog.Layer). Like a browser, it puts the MID and RID
// header extensions on every packet (Pion's sender does not), which is how the node tells the
// layers apart.
func (p *Peer) PublishSimulcast(layers ...SimulcastLayer) {
	p.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p.t.Cleanup(cancel)
	codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
	var sender *webrtc.RTPSender
	const every = 33 * time.Millisecond
	for i, l := range layers {
		track, err := webrtc.NewTrackLocalStaticRTP(codec, "video", p.name, webrtc.WithRTPStreamID(l.RID))
		if err != nil {
			p.t.Fatal(err)
		}
		if sender == nil {
			if sender, err = p.pc.AddTrack(track); err != nil {
				p.t.Fatal(err)
			}
			go p.readRTCP(sender)
		} else if err := sender.AddEncoding(track); err != nil {
			p.t.Fatal(err)
		}
		frame := make([]byte, max(16, l.Bitrate/8*int(every)/int(time.Second)))
		packetizer := rtp.NewPacketizer(1200, 96, 0, &codecs.VP8Payloader{}, rtp.NewRandomSequencer(), codec.ClockRate)
		go func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			started := time.Now()
			for n := 0; ; {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				mid, midID, ridID := p.simulcastIDs(sender)
				for due := int(time.Since(started) / every); n < due; n++ {
					syntheticVP8(frame, n%30 == 0)
					frame[10] = byte(i)
					for _, pkt := range packetizer.Packetize(frame, uint32(every.Seconds()*float64(codec.ClockRate))) {
						if midID == 0 || ridID == 0 {
							continue // not negotiated yet: a node could not place the packet
						}
						_ = pkt.SetExtension(midID, []byte(mid))
						_ = pkt.SetExtension(ridID, []byte(l.RID))
						if err := track.WriteRTP(pkt); err != nil {
							return
						}
					}
				}
			}
		}()
	}
	p.Offer()
}

// simulcastIDs are the sender's MID and the ids of the MID and RID header extensions, once
// negotiated (zero before).
func (p *Peer) simulcastIDs(sender *webrtc.RTPSender) (mid string, midID, ridID uint8) {
	for _, ext := range sender.GetParameters().HeaderExtensions {
		switch ext.URI {
		case sdp.SDESMidURI:
			midID = uint8(ext.ID)
		case sdp.SDESRTPStreamIDURI:
			ridID = uint8(ext.ID)
		}
	}
	for _, tr := range p.pc.GetTransceivers() {
		if tr.Sender() == sender {
			mid = tr.Mid()
		}
	}
	return mid, midID, ridID
}

// VideoLog records the video packets a Peer receives from one stream: when each arrived, its
// sequence number, and for a packet that starts a frame, the layer marker PublishSimulcast put
// in it.
type VideoLog struct {
	mu      sync.Mutex
	packets []loggedPacket
	highest uint64 // the extended sequence number of the newest packet
}

type loggedPacket struct {
	at    time.Time
	seq   uint64 // extended over wraps
	layer int    // -1: not the start of a frame
}

// VideoLog is the log of the video received from stream (empty until some arrives).
func (p *Peer) VideoLog(stream string) *VideoLog {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.logs[stream]
	if l == nil {
		l = &VideoLog{}
		p.logs[stream] = l
	}
	return l
}

func (l *VideoLog) add(pkt *rtp.Packet, at time.Time) {
	layer := -1
	// The VP8 payload descriptor of Pion's payloader is one byte; S (0x10) starts a frame.
	if len(pkt.Payload) > 11 && pkt.Payload[0]&0x10 != 0 {
		layer = int(pkt.Payload[11])
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	seq := uint64(pkt.SequenceNumber)
	if len(l.packets) > 0 {
		// Extend to the value nearest the newest packet's.
		base := l.highest &^ 0xffff
		seq |= base
		if int64(seq)-int64(l.highest) > 0x8000 {
			seq -= 0x10000
		} else if int64(l.highest)-int64(seq) > 0x8000 {
			seq += 0x10000
		}
	}
	l.highest = max(l.highest, seq)
	l.packets = append(l.packets, loggedPacket{at: at, seq: seq, layer: layer})
}

// Layer is the layer of the newest frame received (-1 before any).
func (l *VideoLog) Layer() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.packets) - 1; i >= 0; i-- {
		if l.packets[i].layer >= 0 {
			return l.packets[i].layer
		}
	}
	return -1
}

// Frames counts the frames received since from, by layer.
func (l *VideoLog) Frames(from time.Time) map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := map[int]int{}
	for _, p := range l.packets {
		if !p.at.Before(from) && p.layer >= 0 {
			n[p.layer]++
		}
	}
	return n
}

// Loss is the share of the sequence numbers between the first and the last packet received
// in [from, to) that never arrived, retransmissions counting as arrivals; and how many packets
// that range holds.
func (l *VideoLog) Loss(from, to time.Time) (float64, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[uint64]bool{}
	var first, last uint64
	for _, p := range l.packets {
		if p.at.Before(from) || !p.at.Before(to) {
			continue
		}
		if len(seen) == 0 || p.seq < first {
			first = p.seq
		}
		last = max(last, p.seq)
		seen[p.seq] = true
	}
	if len(seen) == 0 {
		return 0, 0
	}
	// A late retransmission of a packet from before the range is no arrival within it.
	n := 0
	for s := range seen {
		if s >= first && s <= last {
			n++
		}
	}
	expected := int(last - first + 1)
	return 1 - float64(n)/float64(expected), expected
}
