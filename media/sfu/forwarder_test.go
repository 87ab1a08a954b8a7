package sfu

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// loopbackAPI builds peers without Pion's interceptors (whose NACK responder would answer
// NACKs itself) and without SRTP replay protection, so a test subscriber may ask again for a
// packet it already received and count it twice.
func loopbackAPI(t *testing.T) *webrtc.API {
	t.Helper()
	se := webrtc.SettingEngine{}
	se.DisableSRTPReplayProtection(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(&interceptor.Registry{}))
}

// connect negotiates offerer → answerer without trickle (candidates inside the SDP).
func connect(t *testing.T, offerer, answerer *webrtc.PeerConnection) {
	t.Helper()
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(offerer)
	if err := offerer.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := answerer.SetRemoteDescription(*offerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered = webrtc.GatheringCompletePromise(answerer)
	if err := answerer.SetLocalDescription(answer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := offerer.SetRemoteDescription(*answerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
}

func newPC(t *testing.T, api *webrtc.API) *webrtc.PeerConnection {
	t.Helper()
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	return pc
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// publisherExtensionID is the one-byte header extension the test publisher puts on every packet.
const publisherExtensionID = 3

// publishedTrack is a Pion publisher sending VP8 samples every 20 ms to an SFU-side
// PeerConnection whose forwarder (not yet forwarding) relays them.
type publishedTrack struct {
	fwd  *Forwarder
	plis atomic.Int64 // keyframe requests the publisher received
}

func startPublishedTrack(t *testing.T, api *webrtc.API) *publishedTrack {
	t.Helper()
	pub, sfuIn := newPC(t, api), newPC(t, api)
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "pub")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := pub.AddTrack(track)
	if err != nil {
		t.Fatal(err)
	}
	pt := &publishedTrack{}
	go func() {
		for {
			pkts, _, err := sender.ReadRTCP()
			if err != nil {
				return
			}
			for _, p := range pkts {
				if _, ok := p.(*rtcp.PictureLossIndication); ok {
					pt.plis.Add(1)
				}
			}
		}
	}()
	fwds := make(chan *Forwarder, 1)
	sfuIn.OnTrack(func(remote *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
		go DrainReceiverRTCP(receiver)
		f, err := NewForwarder(ForwarderParams{Remote: remote, TrackID: "pub:video", StreamID: "pub",
			SendPLI: func(ssrc uint32) error { return sfuIn.WriteRTCP(PLI(ssrc)) }})
		if err != nil {
			t.Error(err)
			return
		}
		go f.Run()
		fwds <- f
	})
	connect(t, pub, sfuIn)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		// One packet per 20 ms frame, with a header extension as a browser's carry
		// (transport-cc, MID): the SFU must not pass it on.
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, Marker: true}, Payload: make([]byte, 1000)}
		if err := pkt.SetExtension(publisherExtensionID, []byte{0xAB, 0xCD}); err != nil {
			t.Error(err)
			return
		}
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			pkt.SequenceNumber++
			pkt.Timestamp += 1800
			_ = track.WriteRTP(pkt)
		}
	}()
	select {
	case pt.fwd = <-fwds:
	case <-time.After(15 * time.Second):
		t.Fatal("no track reached the SFU side")
	}
	return pt
}

// subscriber is one Pion peer receiving the forwarder's local track through its own SFU-side
// PeerConnection, counting how often each sequence number arrived.
type subscriber struct {
	pc      *webrtc.PeerConnection
	sender  *webrtc.RTPSender // the SFU side's sender of the track to this subscriber
	mu      sync.Mutex
	seqs    map[uint16]int
	total   int
	withExt int // packets that arrived with a header extension
}

func subscribe(t *testing.T, api *webrtc.API, f *Forwarder) *subscriber {
	t.Helper()
	sfuOut, pc := newPC(t, api), newPC(t, api)
	sender, err := sfuOut.AddTrack(f.Local())
	if err != nil {
		t.Fatal(err)
	}
	f.Subscribe(sender, NewDownlink(nil))
	s := &subscriber{pc: pc, sender: sender, seqs: map[uint16]int{}}
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			pkt, _, err := remote.ReadRTP()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.seqs[pkt.SequenceNumber]++
			s.total++
			if pkt.Extension {
				s.withExt++
			}
			s.mu.Unlock()
		}
	})
	connect(t, sfuOut, pc)
	return s
}

func (s *subscriber) received() int { s.mu.Lock(); defer s.mu.Unlock(); return s.total }

func (s *subscriber) extended() int { s.mu.Lock(); defer s.mu.Unlock(); return s.withExt }

func (s *subscriber) times(seq uint16) int { s.mu.Lock(); defer s.mu.Unlock(); return s.seqs[seq] }

// anySeq is one sequence number the subscriber received.
func (s *subscriber) anySeq() uint16 { return s.anySeqBut(-1) }

// anySeqBut is one received sequence number other than except (-1: none excluded).
func (s *subscriber) anySeqBut(except int) uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for seq := range s.seqs {
		if int(seq) != except {
			return seq
		}
	}
	panic("no such packet received")
}

// ssrc is the SSRC the SFU sends this subscriber the track on (what its RTCP names).
func (s *subscriber) ssrc() uint32 { return uint32(s.sender.GetParameters().Encodings[0].SSRC) }

// One publisher, one forwarder, two subscribers sharing its local track: both receive every
// forwarded packet, nothing is forwarded while forwarding is off, and turning it on and a
// subscriber's PLI both reach the publisher as keyframe requests.
func TestForwarderSharesOneLocalTrack(t *testing.T) {
	api := loopbackAPI(t)
	pt := startPublishedTrack(t, api)
	f := pt.fwd
	if _, err := NewForwarder(ForwarderParams{}); err == nil {
		t.Error("a forwarder without a remote track was built")
	}
	subs := []*subscriber{subscribe(t, api, f), subscribe(t, api, f)}

	tap := &countingSink{}
	f.AddSink(tap)
	f.AddSink(tap) // once is enough
	waitFor(t, "packets read while forwarding is off", func() bool { return f.Received() >= 20 })
	if f.Packets() != 0 || subs[0].received() != 0 || subs[1].received() != 0 || tap.n.Load() != 0 {
		t.Fatalf("forwarded %d packets (subscribers got %d, %d, the sink %d) while off", f.Packets(), subs[0].received(), subs[1].received(), tap.n.Load())
	}
	f.SetForwarding(true)
	waitFor(t, "a keyframe request when forwarding starts", func() bool { return pt.plis.Load() >= 1 })
	waitFor(t, "both subscribers receiving", func() bool { return subs[0].received() >= 20 && subs[1].received() >= 20 })
	if n := subs[0].extended() + subs[1].extended(); n != 0 {
		t.Errorf("%d forwarded packets kept the publisher's header extension", n)
	}
	if tapped, fwd := tap.n.Load(), f.Packets(); tapped == 0 || tapped > fwd+1 {
		t.Fatalf("sink got %d packets of %d forwarded, want each forwarded packet once", tapped, fwd)
	}

	// A removed sink gets nothing more (one packet may be in hand as it is removed).
	f.RemoveSink(tap)
	tapped, read := tap.n.Load(), f.Received()
	waitFor(t, "more packets forwarded after the sink's removal", func() bool { return f.Received() >= read+20 })
	if got := tap.n.Load(); got > tapped+1 {
		t.Errorf("a removed sink got %d more packets", got-tapped)
	}

	// A subscriber's own PLI is passed on to the publisher.
	before := pt.plis.Load()
	if err := subs[0].pc.WriteRTCP(PLI(subs[0].ssrc())); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the subscriber's keyframe request reaching the publisher", func() bool { return pt.plis.Load() > before })
}

type countingSink struct{ n atomic.Uint64 }

func (c *countingSink) WriteRTP(pkt []byte) {
	if len(pkt) > 12 { // an RTP header and payload, not an empty slice
		c.n.Add(1)
	}
}
