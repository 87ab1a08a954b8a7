package recording

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/onairhq/onair/media/probe"
)

// testClock is the store's clock, moved by the test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func rtpBytes(t *testing.T, seq uint16, ts uint32, marker bool, payload []byte) []byte {
	t.Helper()
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: marker}, Payload: payload}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vp8Payload is a one-packet VP8 frame (descriptor S=1, PID 0) a demuxer accepts.
func vp8Payload(keyframe bool) []byte {
	body := make([]byte, 40)
	body[0] = 0x10 | 0x01
	if keyframe {
		body[0] = 0x10
		copy(body[3:], []byte{0x9d, 0x01, 0x2a, 64, 0, 48, 0})
	}
	return append([]byte{0x10}, body...)
}

// The bug of a recording started while a speaker already published (Preview, then Go on
// stage): the first packets the recorder wrote were followed by older ones, retransmitted or
// queued, 4500 and 8820 ticks before the first; written as unsigned they made a WebM of
// 2277375811785 ms. Now what is dated before a track's first packet is left out, a track
// that starts later starts later, and ffprobe finds the duration the recording ran with
// every frame sent after the start.
func TestRecordingTimestampsNeverBeforeTheStart(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	st, err := NewStore(StoreParams{Dir: t.TempDir(), Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	s, err := st.Start("ses_ts")
	if err != nil {
		t.Fatal(err)
	}
	video, err := s.AddTrack(TrackParams{PersonID: "early", MimeType: "video/VP8", ClockRate: 90000})
	if err != nil {
		t.Fatal(err)
	}
	const base = 900000
	video.WriteRTP(rtpBytes(t, 100, base, true, vp8Payload(true)))
	video.WriteRTP(rtpBytes(t, 99, base-4500, true, vp8Payload(true))) // older: dropped
	video.WriteRTP(rtpBytes(t, 98, base-8820, true, vp8Payload(true)))
	const videoFrames = 90 // 3 s at 30 fps, the first one above included
	for i := 1; i < videoFrames; i++ {
		video.WriteRTP(rtpBytes(t, uint16(100+i), uint32(base+3000*i), true, vp8Payload(i%30 == 0)))
	}

	clock.add(time.Second) // a second speaker's microphone comes a second later
	audio, err := s.AddTrack(TrackParams{PersonID: "late", MimeType: "audio/opus", ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	audio.WriteRTP(rtpBytes(t, 500, 48000*10, false, []byte{0x08, 1, 2, 3}))
	audio.WriteRTP(rtpBytes(t, 499, 48000*10-960, false, []byte{0x08, 1, 2, 3})) // older: dropped
	const audioFrames = 100                                                      // 2 s of 20 ms
	for i := 1; i < audioFrames; i++ {
		audio.WriteRTP(rtpBytes(t, uint16(500+i), uint32(48000*10+960*i), false, []byte{0x08, 1, 2, 3}))
	}
	clock.add(2 * time.Second)
	if _, err := s.Stop(); err != nil {
		t.Fatal(err)
	}

	m, err := readManifest(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Tracks[0].Early != 2 || m.Tracks[1].Early != 1 {
		t.Errorf("early packets %d and %d, want 2 and 1", m.Tracks[0].Early, m.Tracks[1].Early)
	}
	if off := m.Tracks[1].StartOffsetMS; off == nil || *off != 1000 {
		t.Errorf("the late track starts at %v ms, want 1000", off)
	}
	fin, err := st.Finalize("ses_ts")
	if err != nil {
		t.Fatal(err)
	}
	if fin.DurationMS < 2900 || fin.DurationMS > 3100 {
		t.Errorf("finalized duration %d ms, want about 3000", fin.DurationMS)
	}
	got, err := probe.Check(context.Background(), fin.File, probe.Expect{Span: 3 * time.Second, Tolerance: 200 * time.Millisecond,
		Audio: audioFrames, Video: videoFrames})
	if err != nil {
		t.Fatal(err)
	}
	if got.Packets("video") != videoFrames || got.Packets("audio") != audioFrames {
		t.Errorf("ffprobe counts %d video and %d audio frames, want %d and %d", got.Packets("video"), got.Packets("audio"), videoFrames, audioFrames)
	}
}
