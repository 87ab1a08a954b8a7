package recording

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

// vp8Frame sends one VP8 frame as two RTP packets (descriptor S=1 then S=0), skipping the
// packet at index skip (-1: none). It returns the next sequence number.
func vp8Frame(t *testing.T, w *ivfWriter, seq uint16, ts int64, keyframe bool, skip int) uint16 {
	t.Helper()
	body := bytes.Repeat([]byte{0xaa}, 20)
	body[0] = 0x10 | 0x01 // show frame, interframe
	if keyframe {
		body[0] = 0x10
		copy(body[3:], []byte{0x9d, 0x01, 0x2a, 64, 0, 48, 0})
	}
	parts := [][]byte{append([]byte{0x10}, body[:10]...), append([]byte{0x00}, body[10:]...)}
	for i, payload := range parts {
		if i != skip {
			p := &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: uint32(ts), Marker: i == len(parts)-1}, Payload: payload}
			if err := w.writePacket(p, ts); err != nil {
				t.Fatal(err)
			}
		}
		seq++
	}
	return seq
}

// A lost packet drops its frame and every interframe after it until a keyframe, asks for
// that keyframe once, and the file keeps only frames that decode.
func TestIVFLossWaitsForKeyframe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.ivf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	w := newIVFWriter(f, func() { asked++ })
	seq := vp8Frame(t, w, 100, 0, false, -1)    // before any keyframe: not written
	seq = vp8Frame(t, w, seq, 3000, true, -1)   // written (sets 64×48)
	seq = vp8Frame(t, w, seq, 6000, false, -1)  // written
	seq = vp8Frame(t, w, seq, 9000, false, 1)   // lost its second packet
	seq = vp8Frame(t, w, seq, 12000, false, -1) // refers to the lost one: dropped
	seq = vp8Frame(t, w, seq, 15000, true, -1)  // written
	_ = vp8Frame(t, w, seq+1, 18000, false, -1) // a whole frame before it went missing: dropped
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	r, h, err := ivfreader.NewWith(mustOpen(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if h.Width != 64 || h.Height != 48 || h.NumFrames != 3 {
		t.Errorf("header %+v, want 64×48 and 3 frames", h)
	}
	var pts []uint64
	for {
		_, fh, err := r.ParseNextFrame()
		if err != nil {
			break
		}
		pts = append(pts, fh.Timestamp*uint64(h.TimebaseNumerator)/uint64(h.TimebaseDenominator))
	}
	if len(pts) != 3 || pts[0] != 3000 || pts[1] != 6000 || pts[2] != 15000 {
		t.Errorf("frames at %v, want 3000 6000 15000", pts)
	}
	if asked != 2 {
		t.Errorf("asked for %d keyframes, want 2 (one per loss)", asked)
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
