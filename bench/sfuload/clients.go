package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Synthetic media: Opus at 50 packets/s of 120 B payload (48 kbit/s) and VP8 at 30 frames/s of
// six 1,100-byte packets (≈1.58 Mbit/s), a keyframe every two seconds.
const (
	audioPayload       = 120
	audioPacketsPerSec = 50
	videoPacketBytes   = 1100
	videoPacketsPer    = 6
	videoFPS           = 30
	keyframeEvery      = 2 * videoFPS
)

// newClientAPI is what a browser-like Pion client needs of RTCP: NACKs for what it misses
// (and answers to the server's NACKs, for the publisher) and sender/receiver reports. Pion's
// stats and TWCC interceptors are left out to spare the load generator's core: the servers
// add no transport-wide sequence numbers to what they forward, so TWCC would report nothing.
//
// In the simulcast mode the publisher also needs the MID and RID header extensions.
func newClientAPI(simulcast bool) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("register codecs: %w", err)
	}
	if simulcast {
		if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
			return nil, fmt.Errorf("register simulcast extensions: %w", err)
		}
	}
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(m, reg); err != nil {
		return nil, fmt.Errorf("register nack: %w", err)
	}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, fmt.Errorf("register reports: %w", err)
	}
	se := webrtc.SettingEngine{}
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(0) // ice.MulticastDNSModeDisabled
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// publisher sends the synthetic tracks until its context ends.
type publisher struct {
	pc           *webrtc.PeerConnection
	audio, video *webrtc.TrackLocalStaticRTP
	simulcast    *simulcastVideo // instead of video, in the simulcast mode (simulcast.go)
}

func newPublisher(api *webrtc.API, withAudio, simulcast bool) (*publisher, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("publisher peer connection: %w", err)
	}
	p := &publisher{pc: pc}
	if simulcast {
		err = p.addSimulcastVideo()
	} else {
		p.video, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "bench")
		if err == nil {
			err = p.addTrack(p.video)
		}
	}
	if err == nil && withAudio {
		p.audio, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "bench")
		if err == nil {
			err = p.addTrack(p.audio)
		}
	}
	if err != nil {
		_ = pc.Close()
		return nil, fmt.Errorf("publisher tracks: %w", err)
	}
	return p, nil
}

func (p *publisher) addTrack(t *webrtc.TrackLocalStaticRTP) error {
	s, err := p.pc.AddTrack(t)
	if err != nil {
		return err
	}
	go drainSender(s)
	return nil
}

func drainSender(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// run paces both tracks from one goroutine until ctx ends. It keeps to an absolute schedule,
// sending what fell due while it was not scheduled (the machine is shared), so the average
// rate stays nominal; more than a second behind, it skips ahead instead.
func (p *publisher) run(ctx context.Context) {
	const audioEvery, videoEvery = time.Second / audioPacketsPerSec, time.Second / videoFPS
	video := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96}, Payload: make([]byte, videoPacketBytes-12)}
	audio := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111}, Payload: make([]byte, audioPayload)}
	for i := range video.Payload {
		video.Payload[i] = byte(i * 7)
	}
	nextAudio, nextVideo := time.Now(), time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for frame := 0; ; {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		now := time.Now()
		if now.Sub(nextVideo) > time.Second {
			nextAudio, nextVideo = now, now
		}
		for ; p.audio != nil && !nextAudio.After(now); nextAudio = nextAudio.Add(audioEvery) {
			audio.SequenceNumber++
			audio.Timestamp += 960
			_ = p.audio.WriteRTP(audio)
		}
		for ; !nextVideo.After(now); nextVideo = nextVideo.Add(videoEvery) {
			if p.simulcast != nil {
				p.simulcast.sendFrame(frame%keyframeEvery == 0)
			} else {
				p.sendFrame(video, frame%keyframeEvery == 0)
			}
			frame++
		}
		next := nextVideo
		if p.audio != nil && nextAudio.Before(next) {
			next = nextAudio
		}
		timer.Reset(time.Until(next))
	}
}

// sendFrame sends one synthetic VP8 frame as videoPacketsPer packets.
func (p *publisher) sendFrame(video *rtp.Packet, keyframe bool) {
	video.Timestamp += 90000 / videoFPS
	for i := range videoPacketsPer {
		video.SequenceNumber++
		video.Marker = i == videoPacketsPer-1
		video.Payload[0] = 0 // VP8 descriptor: continuation
		stamp(video.Payload, time.Now())
		if i == 0 {
			video.Payload[0] = 0x10 // start of partition
			video.Payload[1] = 1    // P bit set: inter frame
			if keyframe {
				video.Payload[1] = 0
			}
		}
		_ = p.video.WriteRTP(video)
	}
}

// streamStats counts one received SSRC: packets and the highest extended sequence number.
type streamStats struct {
	kind     webrtc.RTPCodecType
	received uint64
	first    uint64 // extended sequence number of the first packet
	highest  uint64
	started  bool
}

func (s *streamStats) add(seq uint16) {
	s.received++
	if !s.started {
		s.started, s.first, s.highest = true, uint64(seq), uint64(seq)
		return
	}
	// Extend around the 16-bit wrap relative to the highest seen.
	ext := s.highest&^0xffff | uint64(seq)
	switch {
	case ext+0x8000 < s.highest:
		ext += 0x10000
	case ext > s.highest+0x8000 && ext >= 0x10000:
		ext -= 0x10000
	}
	if ext > s.highest {
		s.highest = ext
	}
}

// subscriber receives whatever the server sends and counts it per stream.
type subscriber struct {
	pc       *webrtc.PeerConnection
	arrivals *arrivalLog // where video arrivals are noted (delay.go); nil: not measured
	mu       sync.Mutex
	streams  map[uint32]*streamStats
	tracks   chan struct{} // one value per track that delivered its first packet
}

func newSubscriber(api *webrtc.API, arrivals *arrivalLog) (*subscriber, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("subscriber peer connection: %w", err)
	}
	s := &subscriber{pc: pc, arrivals: arrivals, streams: map[uint32]*streamStats{}, tracks: make(chan struct{}, 4)}
	pc.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
		go drainReceiver(r)
		s.receive(t)
	})
	return s, nil
}

func drainReceiver(r *webrtc.RTPReceiver) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := r.Read(buf); err != nil {
			return
		}
	}
}

func (s *subscriber) receive(t *webrtc.TrackRemote) {
	st := &streamStats{kind: t.Kind()}
	s.mu.Lock()
	s.streams[uint32(t.SSRC())] = st
	s.mu.Unlock()
	buf := make([]byte, 1500)
	arrivals := s.arrivals
	if t.Kind() != webrtc.RTPCodecTypeVideo {
		arrivals = nil
	}
	for first := true; ; first = false {
		n, _, err := t.Read(buf)
		if err != nil {
			return
		}
		if n < 12 {
			continue
		}
		if arrivals != nil {
			arrivals.add(buf[:n], time.Now())
		}
		s.mu.Lock()
		st.add(binary.BigEndian.Uint16(buf[2:4]))
		s.mu.Unlock()
		if first {
			s.tracks <- struct{}{}
		}
	}
}

// counts is a snapshot of what one subscriber received, per kind.
type counts struct{ received, expected [2]uint64 } // index 0 audio, 1 video

func (s *subscriber) snapshot() counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	var c counts
	for _, st := range s.streams {
		i := 0
		if st.kind == webrtc.RTPCodecTypeVideo {
			i = 1
		}
		c.received[i] += st.received
		if st.started {
			c.expected[i] += st.highest - st.first + 1
		}
	}
	return c
}

func (c counts) sub(o counts) counts {
	for i := range c.received {
		c.received[i] -= o.received[i]
		c.expected[i] -= o.expected[i]
	}
	return c
}

func (c *counts) add(o counts) {
	for i := range c.received {
		c.received[i] += o.received[i]
		c.expected[i] += o.expected[i]
	}
}

// waitTracks waits until n tracks delivered media.
func (s *subscriber) waitTracks(ctx context.Context, n int) error {
	for range n {
		select {
		case <-s.tracks:
		case <-ctx.Done():
			return fmt.Errorf("waiting for media: %w", ctx.Err())
		}
	}
	return nil
}
