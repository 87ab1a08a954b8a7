package main

import (
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/wire"
)

// The simulcast mode (-simulcast): against onair the publisher sends its video as the room
// page's three layers, each its own RTP stream with the MID and RID header extensions a
// browser puts on it, and subscriber i shows the video at the size of layer i mod 3 (a
// video.size frame), so a third of the subscribers get each layer. The baseline, which cannot
// choose layers, gets the single stream as in the single-layer sweep.

// simulcastLayer is one layer of the synthetic simulcast video: packets per frame and their size.
type simulcastLayer struct {
	rid           string
	packets, size int
	width, height int // the size a subscriber shows it at to be sent this layer
}

var simulcastLayers = []simulcastLayer{
	{rid: "q", packets: 1, size: 600, width: 320, height: 180},              // ≈ 144 kbit/s
	{rid: "h", packets: 2, size: videoPacketBytes, width: 640, height: 360}, // ≈ 528 kbit/s
	{rid: "f", packets: videoPacketsPer, size: videoPacketBytes, width: 1280, height: 720},
}

// simulcastVideo is the publisher's video as three layers on one sender.
type simulcastVideo struct {
	pc     *webrtc.PeerConnection
	sender *webrtc.RTPSender
	tracks []*webrtc.TrackLocalStaticRTP
	pkts   []*rtp.Packet
}

func (p *publisher) addSimulcastVideo() error {
	v := &simulcastVideo{pc: p.pc}
	for _, l := range simulcastLayers {
		track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "bench", webrtc.WithRTPStreamID(l.rid))
		if err != nil {
			return err
		}
		if v.sender == nil {
			if v.sender, err = p.pc.AddTrack(track); err != nil {
				return err
			}
			go drainSender(v.sender)
		} else if err := v.sender.AddEncoding(track); err != nil {
			return err
		}
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96}, Payload: make([]byte, l.size-12)}
		v.tracks, v.pkts = append(v.tracks, track), append(v.pkts, pkt)
	}
	p.simulcast = v
	return nil
}

// sendFrame sends one frame on every layer, once the MID and RID extensions are negotiated.
func (v *simulcastVideo) sendFrame(keyframe bool) {
	var mid string
	var midID, ridID uint8
	for _, ext := range v.sender.GetParameters().HeaderExtensions {
		switch ext.URI {
		case sdp.SDESMidURI:
			midID = uint8(ext.ID)
		case sdp.SDESRTPStreamIDURI:
			ridID = uint8(ext.ID)
		}
	}
	for _, tr := range v.pc.GetTransceivers() {
		if tr.Sender() == v.sender {
			mid = tr.Mid()
		}
	}
	if mid == "" || midID == 0 || ridID == 0 {
		return // not negotiated yet: the server could not place the packets
	}
	for i, l := range simulcastLayers {
		pkt := v.pkts[i]
		pkt.Timestamp += 90000 / videoFPS
		for j := range l.packets {
			pkt.SequenceNumber++
			pkt.Marker = j == l.packets-1
			pkt.Payload[0] = 0
			if j == 0 {
				pkt.Payload[0], pkt.Payload[1] = 0x10, 1
				if keyframe {
					pkt.Payload[1] = 0
				}
			}
			pkt.Header.Extensions = pkt.Header.Extensions[:0]
			pkt.Header.Extension = false
			_ = pkt.SetExtension(midID, []byte(mid))
			_ = pkt.SetExtension(ridID, []byte(l.rid))
			_ = v.tracks[i].WriteRTP(pkt)
		}
	}
}

// simulcastSize is the video.size frame subscriber i sends: the size of layer i mod 3.
func simulcastSize(i int) wire.Frame {
	l := simulcastLayers[i%len(simulcastLayers)]
	return wire.Frame{Type: wire.FrameVideoSize, VideoSizeFields: wire.VideoSizeFields{Stream: "host_bench", Width: l.width, Height: l.height}}
}

// simulcastNominal is the packets per second n subscribers should get in the simulcast mode.
func simulcastNominal(n int, audio bool) float64 {
	var total float64
	for i := range n {
		total += float64(videoFPS * simulcastLayers[i%len(simulcastLayers)].packets)
		if audio {
			total += audioPacketsPerSec
		}
	}
	return total
}
