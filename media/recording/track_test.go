package recording

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/pion/rtp"
)

func newTestSession(t *testing.T, queue int) *Session {
	t.Helper()
	st, err := NewStore(StoreParams{Dir: t.TempDir(), QueuePackets: queue})
	if err != nil {
		t.Fatal(err)
	}
	s, err := st.Start("ses_queue")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.Stop() })
	return s
}

func opusPacket(t testing.TB, seq uint16) []byte {
	t.Helper()
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 960},
		Payload: []byte{0x08, 1, 2, 3}}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A disk writer that cannot keep up costs packets, counted, never a blocked forwarder: with
// the writer stalled, WriteRTP fills the bounded queue and drops the rest at once.
func TestFullQueueDropsAndCounts(t *testing.T) {
	s := newTestSession(t, 64)
	tr, err := s.AddTrack(TrackParams{PersonID: "host", MimeType: "audio/opus", ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	queue := cap(tr.free) // audio gets a quarter of the video queue: 16
	if queue != 16 {
		t.Fatalf("audio queue %d, want 16", queue)
	}
	s.mu.Lock() // the writer's first packet anchors the track under s.mu: it stalls there
	tr.WriteRTP(opusPacket(t, 0))
	deadline := time.Now().Add(15 * time.Second)
	for len(tr.free) != queue-1 { // until the writer took the first buffer; it then waits for s.mu
		if time.Now().After(deadline) {
			s.mu.Unlock()
			t.Fatal("the writer never took the first packet")
		}
		runtime.Gosched()
	}
	const offered = 40
	for seq := uint16(1); seq <= offered; seq++ {
		tr.WriteRTP(opusPacket(t, seq)) // would hang the test if it blocked
	}
	if got := tr.Dropped(); got != uint64(offered-(queue-1)) {
		t.Errorf("dropped %d, want %d (queue of %d, one buffer with the stalled writer)", got, offered-(queue-1), queue)
	}
	s.mu.Unlock()
	st, err := s.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if st.Tracks[0].Packets != uint64(queue) {
		t.Errorf("wrote %d packets, want the %d that were queued", st.Tracks[0].Packets, queue)
	}
	m, err := readManifest(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Tracks[0].Dropped != uint64(offered-(queue-1)) {
		t.Errorf("manifest counts %d dropped", m.Tracks[0].Dropped)
	}
}

// BenchmarkTrackWriteRTP is the cost the recorder adds to the forwarding goroutine per packet.
func BenchmarkTrackWriteRTP(b *testing.B) {
	st, err := NewStore(StoreParams{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	s, err := st.Start("ses_bench")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	tr, err := s.AddTrack(TrackParams{PersonID: "host", MimeType: "audio/opus", ClockRate: 48000, Channels: 2})
	if err != nil {
		b.Fatal(err)
	}
	pkt := opusPacket(b, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tr.WriteRTP(pkt)
	}
	b.ReportMetric(float64(tr.Dropped())/float64(b.N)*100, "%dropped")
}

// A track file created just before a crash, before the manifest named it, does not block the
// tracks recorded after a restart: they take the next free name, and the stray file is kept.
func TestStrayTrackFileDoesNotBlockLaterTracks(t *testing.T) {
	s := newTestSession(t, 64)
	stray := filepath.Join(s.dir, "track-01-audio.ogg")
	if err := os.WriteFile(stray, []byte("partial"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTrack(TrackParams{PersonID: "host", MimeType: "audio/opus", ClockRate: 48000, Channels: 2}); err != nil {
		t.Fatalf("a stray file blocked the next track: %v", err)
	}
	m, err := readManifest(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tracks) != 1 || m.Tracks[0].File != "track-02-audio.ogg" {
		t.Fatalf("manifest tracks %+v, want one at track-02-audio.ogg", m.Tracks)
	}
	if b, err := os.ReadFile(stray); err != nil || string(b) != "partial" {
		t.Fatalf("the stray file was touched: %q, %v", b, err)
	}
}
