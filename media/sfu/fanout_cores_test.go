package sfu

import (
	"fmt"
	"net"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/srtp/v3"
	"github.com/pion/webrtc/v4"
)

var testVP8 = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}

// boundSender stands in for the context Pion gives a track when a subscriber's sender binds
// it: the negotiated VP8 payload type, the sender's SSRC and its write stream.
type boundSender struct {
	id   string
	ssrc uint32
	w    webrtc.TrackLocalWriter
}

func (c boundSender) CodecParameters() []webrtc.RTPCodecParameters {
	return []webrtc.RTPCodecParameters{{RTPCodecCapability: testVP8, PayloadType: 96}}
}
func (c boundSender) HeaderExtensions() []webrtc.RTPHeaderExtensionParameter { return nil }
func (c boundSender) SSRC() webrtc.SSRC                                      { return webrtc.SSRC(c.ssrc) }
func (c boundSender) SSRCRetransmission() webrtc.SSRC                        { return 0 }
func (c boundSender) SSRCForwardErrorCorrection() webrtc.SSRC                { return 0 }
func (c boundSender) WriteStream() webrtc.TrackLocalWriter                   { return c.w }
func (c boundSender) ID() string                                             { return c.id }
func (c boundSender) RTCPReader() interceptor.RTCPReader                     { return nil }

// sequenceWriter stands in for a subscriber's write stream and checks what it is given: each
// packet once, in order, without a gap. Its binding's lock guards it.
type sequenceWriter struct {
	got, gaps   int
	first, last uint16
}

func (w *sequenceWriter) WriteRTP(h *rtp.Header, _ []byte) (int, error) {
	if w.got == 0 {
		w.first = h.SequenceNumber
	} else if h.SequenceNumber != w.last+1 {
		w.gaps++
	}
	w.last = h.SequenceNumber
	w.got++
	return 0, nil
}
func (w *sequenceWriter) Write(b []byte) (int, error) { return len(b), nil }

// spreadTrack is a video track whose writes are spread over helpers even on a small machine,
// with bindings claimed one chunk of chunk at a time; stopped with the test.
func spreadTrack(t testing.TB, helpers, above, chunk int) *fanoutTrack {
	tr := newFanoutTrack(testVP8, webrtc.RTPCodecTypeVideo, "video", "pub")
	tr.spread.init(helpers, above, chunk)
	t.Cleanup(tr.spread.close)
	return tr
}

// bindWriters binds n subscribers, each with a sequenceWriter, and returns the writers by id.
func bindWriters(t testing.TB, tr *fanoutTrack, from, n int) map[string]*sequenceWriter {
	t.Helper()
	ws := map[string]*sequenceWriter{}
	for i := from; i < from+n; i++ {
		id := fmt.Sprintf("sub%d", i)
		ws[id] = &sequenceWriter{}
		if _, err := tr.Bind(boundSender{id: id, ssrc: uint32(1000 + i), w: ws[id]}); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// sendLayer writes count packets of one layer, numbered from seq, as its reader would: a
// keyframe first, then the rest.
func sendLayer(t testing.TB, tr *fanoutTrack, layer int, seq uint16, count int) {
	p := new(fanoutPacket)
	payload := make([]byte, 1000)
	for i := range count {
		h := rtp.Header{Version: 2, SequenceNumber: seq + uint16(i), Timestamp: uint32(i) * 3000}
		if err := tr.writeAll(p, layer, i == 0, h, payload, time.Now()); err != nil {
			t.Error(err)
			return
		}
	}
}

// Two hundred subscribers of a simulcast track, half on each of two layers, whose packets are
// read by two goroutines at once and spread over three helpers: each subscriber gets every
// packet of its own layer once and in order, none of the other layer's, and its sender report
// counts them all.
func TestFanoutCoresEverySubscriberGetsEveryPacketInOrder(t *testing.T) {
	tr := spreadTrack(t, 3, 4, 2)
	ws := bindWriters(t, tr, 0, 200)
	for _, b := range *tr.bindings.Load() {
		b.target.Store(int32(b.ssrc % 2))
	}
	const count = 400
	base := [2]uint16{1000, 60000} // layer 1 wraps around 65535 on the way
	var wg sync.WaitGroup
	for layer := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sendLayer(t, tr, layer, base[layer], count)
		}()
	}
	wg.Wait()
	if tr.spread.helped.Load() == 0 {
		t.Error("no helper took part in writing any packet")
	}
	for _, b := range *tr.bindings.Load() {
		w := ws[b.id]
		layer := b.ssrc % 2
		if w.got != count || w.gaps != 0 || w.first != base[layer] {
			t.Errorf("%s (layer %d) got %d packets from %d with %d gaps, want %d from %d in order", b.id, layer, w.got, w.first, w.gaps, count, base[layer])
		}
		if sr, ok := b.senderReport(time.Now()); !ok || sr.PacketCount != count {
			t.Errorf("%s: sender report %+v, want %d packets", b.id, sr, count)
		}
	}
}

// Subscribers join and leave while packets flow to a spread track (run with -race): the ones
// there throughout get every packet; the ones that came or went get an unbroken run of them.
func TestFanoutCoresBindingsComeAndGoWhilePacketsFlow(t *testing.T) {
	tr := spreadTrack(t, 3, 4, 3)
	stay := bindWriters(t, tr, 0, 40)
	stop, sent := make(chan struct{}), make(chan int)
	go func() {
		p := new(fanoutPacket)
		payload := make([]byte, 1000)
		for seq := 0; ; seq++ {
			select {
			case <-stop:
				sent <- seq
				return
			default:
			}
			h := rtp.Header{Version: 2, SequenceNumber: uint16(seq), Timestamp: uint32(seq) * 3000}
			if err := tr.writeAll(p, 0, true, h, payload, time.Now()); err != nil {
				t.Error(err)
			}
		}
	}()
	churned := map[string]*sequenceWriter{}
	for round := range 40 {
		joined := bindWriters(t, tr, 100+10*round, 10)
		for id, w := range joined {
			churned[id] = w
			if round%2 == 0 { // half the rounds leave at once, the others stay to the end
				if err := tr.Unbind(boundSender{id: id}); err != nil {
					t.Fatal(err)
				}
			}
		}
		time.Sleep(time.Millisecond) // let packets flow between the changes
	}
	close(stop)
	count := <-sent
	for id, w := range stay {
		if w.got != count || w.gaps != 0 {
			t.Errorf("%s, there throughout, got %d packets with %d gaps, want %d", id, w.got, w.gaps, count)
		}
	}
	for id, w := range churned {
		if w.gaps != 0 {
			t.Errorf("%s, which came or went, got %d packets with %d gaps", id, w.got, w.gaps)
		}
	}
	if tr.spread.helped.Load() == 0 {
		t.Error("no helper took part in writing any packet")
	}
}

// Spreading a packet over helpers — handing it out, claiming bindings, waiting for the helpers
// — allocates nothing on top of the per-subscriber path (TestSimulcastForwardAllocatesNothing).
func TestFanoutCoresForwardAllocatesNothing(t *testing.T) {
	tr := spreadTrack(t, 3, 8, 4)
	for i := range 64 {
		if _, err := tr.Bind(boundSender{id: fmt.Sprint(i), ssrc: uint32(i + 1), w: discardWriter{}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range *tr.bindings.Load() {
		b.twccID = 3
		b.downlink.Store(NewDownlink(nil))
	}
	p := new(fanoutPacket)
	payload := make([]byte, 1000)
	seq := uint16(0)
	send := func() {
		seq++
		if err := tr.writeAll(p, 0, true, rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 3000}, payload, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the helpers taking part", func() bool { send(); return tr.spread.helped.Load() > 0 })
	if allocs := testing.AllocsPerRun(500, send); allocs != 0 {
		t.Errorf("%.1f allocations per packet spread over helpers, want 0", allocs)
	}
}

// A subscriber whose packets a helper writes has its NACKs answered from the shared history,
// and only it gets the packet again.
func TestFanoutCoresRetransmitToASubscriberOnAHelper(t *testing.T) {
	api := loopbackAPI(t)
	f := startPublishedTrack(t, api).fwd
	// Spread from the second subscriber on, one binding at a time, so helpers write them.
	f.local.spread.close()
	f.local.spread = spreader{}
	f.local.spread.init(2, 1, 1)
	t.Cleanup(f.local.spread.close)
	subs := []*subscriber{subscribe(t, api, f), subscribe(t, api, f), subscribe(t, api, f)}
	f.SetForwarding(true)
	waitFor(t, "every subscriber receiving", func() bool {
		return subs[0].received() >= 10 && subs[1].received() >= 10 && subs[2].received() >= 10
	})
	waitFor(t, "helpers writing packets", func() bool { return f.local.spread.helped.Load() > 0 })

	asker := subs[2]
	seq := asker.anySeq()
	waitFor(t, "the others receiving the same packet", func() bool { return subs[0].times(seq) == 1 && subs[1].times(seq) == 1 })
	asker.nack(t, seq)
	waitFor(t, "the NACKed packet arriving again at the subscriber that asked", func() bool { return asker.times(seq) == 2 })
	for i, s := range subs[:2] {
		if n := s.times(seq); n != 1 {
			t.Errorf("subscriber %d, which did not ask, got packet %d %d times", i, seq, n)
		}
	}
}

// BenchmarkFanoutCores writes packets of 1,100 bytes to n subscribers on the direct path, as a
// node runs: each binding has its own AES-GCM SRTP context, each writer sends on its own twin
// of the shared UDP socket (MediaSocket, one per GOMAXPROCS, set with -cpu), and each
// subscriber is a local socket of its own that nobody reads (once its buffer is full the
// kernel drops at delivery, after the send's work). "subs" is how many subscribers of
// sfuload's track (230 packets/s of audio and video) that rate of writes would serve; "cores"
// how much CPU the process got meanwhile (the machine may be shared), "cpu-µs/write" the CPU
// one write cost.
func BenchmarkFanoutCores(b *testing.B) {
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			tr, stop := benchTrack(b, n)
			defer stop()
			p := new(fanoutPacket)
			payload := make([]byte, 1100-12)
			cpu0 := cpuTime(b)
			b.ResetTimer()
			for i := range b.N {
				h := rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i) * 3000}
				if err := tr.writeAll(p, 0, true, h, payload, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/230, "subs")
			cpu := cpuTime(b) - cpu0
			b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-µs/write")
			b.ReportMetric(float64(tr.spread.helped.Load())/float64(b.N), "helped/op")
		})
	}
}

// BenchmarkFanoutCoresDelay paces packets as a track of sfuload's arrives (230 a second) to n
// subscribers on the direct path and measures, for each, the time from its hand-over to the
// fan-out until the last subscriber's datagram was sent: the delay the fan-out adds to the
// last subscriber (reading and decrypting the publisher's packet come before, the same at any
// n). Reported as the median and the 99th percentile in µs.
func BenchmarkFanoutCoresDelay(b *testing.B) {
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			tr, stop := benchTrack(b, n)
			defer stop()
			p := new(fanoutPacket)
			payload := make([]byte, 1100-12)
			took := make([]time.Duration, 0, b.N)
			tick := time.NewTicker(time.Second / 230)
			defer tick.Stop()
			b.ResetTimer()
			for i := range b.N {
				<-tick.C
				h := rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i) * 3000}
				start := time.Now()
				if err := tr.writeAll(p, 0, true, h, payload, start); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// benchTrack is a video track bound to n subscribers on the direct path: a MediaSocket with
// a twin per GOMAXPROCS, and a local socket per subscriber that nobody reads.
func benchTrack(b *testing.B, n int) (*fanoutTrack, func()) {
	socket, err := ListenMediaSocket("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		b.Fatal(err)
	}
	closers := []func() error{socket.Close}
	keys := &srtpKeys{profile: srtp.ProtectionProfileAeadAes128Gcm, key: make([]byte, 16), salt: make([]byte, 12)}
	tr := newFanoutTrack(testVP8, webrtc.RTPCodecTypeVideo, "video", "pub")
	for i := range n {
		if _, err := tr.Bind(boundSender{id: fmt.Sprint(i), ssrc: uint32(i + 1), w: discardWriter{}}); err != nil {
			b.Fatal(err)
		}
	}
	for _, bd := range *tr.bindings.Load() {
		sink, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			b.Fatal(err)
		}
		closers = append(closers, sink.Close)
		dst := sink.LocalAddr().(*net.UDPAddr).AddrPort()
		d := NewDownlink(socket)
		d.keys.Store(keys)
		d.dst.Store(&dst)
		bd.downlink.Store(d)
	}
	return tr, func() {
		tr.spread.close()
		for _, c := range closers {
			_ = c()
		}
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
