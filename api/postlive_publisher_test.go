package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	pionmedia "github.com/pion/webrtc/v4/pkg/media"

	"github.com/onairhq/onair/media"
)

// publisher is a room client with a real Pion PeerConnection over loopback that sends an
// Opus and a VP8 track, as a host's browser does with camera and microphone.
type publisher struct {
	*roomClient
	pc      *webrtc.PeerConnection
	neg     sync.Mutex
	pending []webrtc.ICECandidateInit
}

func loopbackWebRTC(t *testing.T) *webrtc.API {
	t.Helper()
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	api, err := media.NewWebRTCAPI(se)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// newPublisher joins like joinRoom and answers the node's signaling on a PeerConnection.
func newPublisher(t *testing.T, session string, token reply) *publisher {
	t.Helper()
	pc, err := loopbackWebRTC(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	p := &publisher{pc: pc}
	p.roomClient = dialRoom(t, token, p.signal)
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			init := c.ToJSON()
			p.sendQuiet(media.Frame{Type: media.FrameCandidate, Candidate: &init})
		}
	})
	p.joinAs(session, token)
	return p
}

// signal applies the node's offers, answers and candidates; it reports whether it took f.
func (p *publisher) signal(f media.Frame) bool {
	p.neg.Lock()
	defer p.neg.Unlock()
	switch f.Type {
	case media.FrameOffer:
		if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: f.SDP}); err != nil {
			p.t.Errorf("apply offer: %v", err)
			return true
		}
		p.flushLocked()
		answer, err := p.pc.CreateAnswer(nil)
		if err == nil {
			err = p.pc.SetLocalDescription(answer)
		}
		if err != nil {
			p.t.Errorf("answer: %v", err)
			return true
		}
		p.sendQuiet(media.Frame{Type: media.FrameAnswer, SDP: answer.SDP})
	case media.FrameAnswer:
		if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: f.SDP}); err != nil {
			p.t.Errorf("apply answer: %v", err)
		}
		p.flushLocked()
	case media.FrameCandidate:
		if p.pc.RemoteDescription() == nil {
			p.pending = append(p.pending, *f.Candidate)
		} else if err := p.pc.AddICECandidate(*f.Candidate); err != nil {
			p.t.Errorf("add candidate: %v", err)
		}
	default:
		return false
	}
	return true
}

func (p *publisher) flushLocked() {
	for _, c := range p.pending {
		_ = p.pc.AddICECandidate(c)
	}
	p.pending = nil
}

// publish sends synthetic VP8 (a 320×240 keyframe a second) and Opus until the test ends.
func (p *publisher) publish() {
	p.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p.t.Cleanup(cancel)
	for _, kind := range []string{"audio", "video"} {
		codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}
		payload, every := make([]byte, 120), 20*time.Millisecond
		if kind == "video" {
			codec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
			payload, every = make([]byte, 1200), 33*time.Millisecond
		}
		track, err := webrtc.NewTrackLocalStaticSample(codec, kind, "host")
		if err != nil {
			p.t.Fatal(err)
		}
		sender, err := p.pc.AddTrack(track)
		if err != nil {
			p.t.Fatal(err)
		}
		go func() { // RTCP must be read for the sender to work
			for {
				if _, _, err := sender.ReadRTCP(); err != nil {
					return
				}
			}
		}()
		go func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				if kind == "video" {
					vp8Frame(payload, i%30 == 0)
				} else {
					payload[0] = 0x08 // Opus TOC: SILK narrowband, one 20 ms frame
				}
				if err := track.WriteSample(pionmedia.Sample{Data: payload, Duration: every}); err != nil {
					return
				}
			}
		}()
	}
	p.neg.Lock()
	offer, err := p.pc.CreateOffer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	p.neg.Unlock()
	if err != nil {
		p.t.Fatalf("offer: %v", err)
	}
	p.send(media.Frame{Type: media.FrameOffer, SDP: offer.SDP})
}

// vp8Frame writes a VP8 frame header (RFC 6386 §9.1): a keyframe carries the start code and
// its 320×240 size, which is what the recorder reads the video's dimensions from.
func vp8Frame(frame []byte, keyframe bool) {
	clear(frame[:10])
	const showFrame, partitionSize = 0x10, 100
	tag := uint32(showFrame | partitionSize<<5)
	if !keyframe {
		tag |= 0x01
	}
	frame[0], frame[1], frame[2] = byte(tag), byte(tag>>8), byte(tag>>16)
	if keyframe {
		frame[3], frame[4], frame[5] = 0x9d, 0x01, 0x2a
		frame[6], frame[7], frame[8], frame[9] = 320&0xff, 320>>8, 240, 0
	}
}
