package sfu

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// recordingWriter stands in for Pion's write stream and keeps what a subscriber got.
type recordingWriter struct{ got []rtp.Header }

func (w *recordingWriter) WriteRTP(h *rtp.Header, _ []byte) (int, error) {
	w.got = append(w.got, *h)
	return 0, nil
}
func (w *recordingWriter) Write(b []byte) (int, error) { return len(b), nil }

// layerPacket is a packet of one simulcast layer as the publisher numbered it.
type layerPacket struct {
	layer    int
	seq      uint16
	ts       uint32
	keyframe bool
}

// A subscriber switched from one layer to another gets one stream: the new layer starts at its
// keyframe (the old one goes on until then), with the next sequence number and a timestamp
// advanced by the wall time between the packets; afterwards the layer's own gaps stay gaps,
// and a NACK of a number sent from either layer maps back to that layer's packet.
func TestSimulcastRewriteIsContinuousAcrossSwitches(t *testing.T) {
	w := &recordingWriter{}
	b := &binding{ssrc: 5, payloadType: 96, clockRate: 90000, writer: w, rw: newRewriter(), track: &fanoutTrack{}}
	b.target.Store(0)
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	send := func(at time.Duration, p layerPacket) {
		h := &rtp.Header{Version: 2, SequenceNumber: p.seq, Timestamp: p.ts}
		if err := b.forward(p.layer, p.keyframe, h, []byte{1}, t0.Add(at), 0); err != nil {
			t.Fatal(err)
		}
	}
	// Layer 0 numbers from 100, layer 1 from 60000 (it wraps), with their own timestamps.
	send(0, layerPacket{layer: 1, seq: 60000, ts: 5000, keyframe: true}) // not the target: dropped
	send(0, layerPacket{layer: 0, seq: 100, ts: 1000, keyframe: true})
	send(33*time.Millisecond, layerPacket{layer: 0, seq: 101, ts: 3970})
	b.target.Store(1)
	send(40*time.Millisecond, layerPacket{layer: 1, seq: 65534, ts: 9000})                  // not a keyframe: old layer goes on
	send(66*time.Millisecond, layerPacket{layer: 0, seq: 102, ts: 6940})                    // still layer 0
	send(70*time.Millisecond, layerPacket{layer: 1, seq: 65535, ts: 12000, keyframe: true}) // the switch
	send(71*time.Millisecond, layerPacket{layer: 0, seq: 103, ts: 9910})                    // old layer: dropped
	send(72*time.Millisecond, layerPacket{layer: 1, seq: 0, ts: 12000})                     // same frame, wrapped
	send(100*time.Millisecond, layerPacket{layer: 1, seq: 2, ts: 14970})                    // 1 lost upstream

	want := []struct {
		seq uint16
		ts  uint32
	}{{100, 1000}, {101, 3970}, {102, 6940}, {103, 6940 + 360}, {104, 6940 + 360}, {106, 6940 + 360 + 2970}}
	if len(w.got) != len(want) {
		t.Fatalf("subscriber got %d packets, want %d: %+v", len(w.got), len(want), w.got)
	}
	for i, h := range w.got {
		if h.SequenceNumber != want[i].seq || h.Timestamp != want[i].ts || h.SSRC != 5 {
			t.Errorf("packet %d: seq %d ts %d ssrc %d, want seq %d ts %d ssrc 5", i, h.SequenceNumber, h.Timestamp, h.SSRC, want[i].seq, want[i].ts)
		}
	}
	if s := b.snapshot(t0.Add(time.Second)); s.Layer != 1 || s.LayerSwitches != 1 || s.TimeInLayer[0] != 70*time.Millisecond {
		t.Errorf("stats: layer %d, %d switches, %v on layer 0; want layer 1, 1 switch, 70ms", s.Layer, s.LayerSwitches, s.TimeInLayer[0])
	}

	switchTS, layer1TS := uint32(6940+360), uint32(12000)
	layer1Offset := switchTS - layer1TS // wraps, as RTP timestamps do
	for _, c := range []struct {
		out      uint16
		layer    int
		seq      uint16
		tsOffset uint32
		ok       bool
	}{
		{101, 0, 101, 0, true},
		{103, 1, 65535, layer1Offset, true},
		{105, 1, 1, layer1Offset, true}, // the packet lost upstream: the history may not have it
		{99, 0, 0, 0, false},            // before anything was sent
		{107, 0, 0, 0, false},           // not sent yet
	} {
		layer, seq, tsOffset, ok := b.rw.source(c.out)
		if ok != c.ok || (ok && (layer != c.layer || seq != c.seq || tsOffset != c.tsOffset)) {
			t.Errorf("NACK of %d maps to layer %d seq %d offset %d (%v); want layer %d seq %d offset %d (%v)",
				c.out, layer, seq, tsOffset, ok, c.layer, c.seq, c.tsOffset, c.ok)
		}
	}
}

// A single-stream track is forwarded from its first packet with the publisher's own numbers,
// keyframe or not: nothing to switch, nothing to rewrite.
func TestSimulcastRewriteLeavesASingleStreamAlone(t *testing.T) {
	w := &recordingWriter{}
	b := &binding{ssrc: 5, payloadType: 96, clockRate: 48000, writer: w, rw: newRewriter(), track: &fanoutTrack{}}
	b.target.Store(noLayer)
	now := time.Now()
	for i := range uint16(3) {
		if err := b.forward(0, true, &rtp.Header{Version: 2, SequenceNumber: 40000 + i, Timestamp: 960 * uint32(i)}, []byte{1}, now, 0); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range w.got {
		if h.SequenceNumber != 40000+uint16(i) || h.Timestamp != 960*uint32(i) {
			t.Errorf("packet %d rewritten to seq %d ts %d", i, h.SequenceNumber, h.Timestamp)
		}
	}
}

// The layer a displayed size needs, and the keyframes a subscriber may switch at.
func TestSimulcastLayerForSizeAndKeyframes(t *testing.T) {
	for _, c := range []struct{ w, h, layer int }{{0, 0, 0}, {320, 180, 0}, {480, 270, 1}, {640, 360, 1}, {1280, 720, 2}, {1920, 1080, 2}, {200, 400, 2}} {
		if got := layerForSize(c.w, c.h); got != c.layer {
			t.Errorf("%d×%d shown: layer %d, want %d", c.w, c.h, got, c.layer)
		}
	}
	for _, c := range []struct {
		name    string
		mime    string
		payload []byte
		key     bool
	}{
		{"VP8 keyframe start", "video/VP8", []byte{0x10, 0x00}, true},
		{"VP8 interframe", "video/VP8", []byte{0x10, 0x01}, false},
		{"VP8 keyframe continuation", "video/VP8", []byte{0x00, 0x00}, false},
		{"VP8 keyframe with a 15-bit picture id", "video/VP8", []byte{0x90, 0x80, 0x81, 0x02, 0x00}, true},
		{"H.264 IDR", "video/H264", []byte{0x65}, true},
		{"H.264 STAP-A with SPS", "video/H264", []byte{0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce}, true},
		{"H.264 FU-A start of IDR", "video/H264", []byte{0x7c, 0x85}, true},
		{"H.264 FU-A middle of IDR", "video/H264", []byte{0x7c, 0x05}, false},
		{"H.264 non-IDR slice", "video/H264", []byte{0x41}, false},
		{"VP9 is never a switch point", "video/VP9", []byte{0x00}, false},
	} {
		if got := keyframeStart(c.mime, c.payload); got != c.key {
			t.Errorf("%s: keyframe start %v, want %v", c.name, got, c.key)
		}
	}
}

// Forwarding a packet to a subscriber — choosing the layer, rewriting its numbers, adding the
// transport-wide sequence number and counting it — allocates nothing.
func TestSimulcastForwardAllocatesNothing(t *testing.T) {
	b := &binding{ssrc: 5, payloadType: 96, clockRate: 90000, writer: discardWriter{}, rw: newRewriter(), track: &fanoutTrack{}, twccID: 3}
	b.target.Store(1)
	b.downlink.Store(NewDownlink(nil))
	h := &rtp.Header{Version: 2}
	payload := make([]byte, 1000)
	now := time.Now()
	seq := uint16(0)
	allocs := testing.AllocsPerRun(1000, func() {
		seq++
		*h = rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 3000}
		if err := b.forward(1, true, h, payload, now, 0); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per forwarded packet, want 0", allocs)
	}
	if b.stats.packets.Load() == 0 || b.downlink.Load().bwe.nextSeq == 0 {
		t.Error("nothing was forwarded with a transport-wide sequence number")
	}
}
