package sfu

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// discardWriter stands in for Pion's write stream: the binding's own bookkeeping is under test.
type discardWriter struct{}

func (discardWriter) WriteRTP(*rtp.Header, []byte) (int, error) { return 0, nil }
func (discardWriter) Write(b []byte) (int, error)               { return len(b), nil }

// A sender report counts every packet and byte sent, retransmissions too, and maps the wall
// clock to the RTP clock from the newest new packet, extrapolated at the track's clock rate.
func TestSenderReportFromWhatWasSent(t *testing.T) {
	b := &binding{ssrc: 7, payloadType: 96, clockRate: 90000, writer: discardWriter{}}
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 500_000_000, time.UTC)
	if _, ok := b.senderReport(t0); ok {
		t.Fatal("a sender report before anything was sent")
	}
	if err := b.write(&rtp.Header{Version: 2, SequenceNumber: 9, Timestamp: 3000}, make([]byte, 100), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.senderReport(t0); ok {
		t.Fatal("a sender report from a retransmission alone, whose timestamp says nothing of the clock")
	}
	for i, ts := range []uint32{3000, 6000} {
		if err := b.write(&rtp.Header{Version: 2, SequenceNumber: uint16(10 + i), Timestamp: ts}, make([]byte, 1000), t0); err != nil {
			t.Fatal(err)
		}
	}
	sr, ok := b.senderReport(t0.Add(time.Second))
	if !ok {
		t.Fatal("no sender report")
	}
	if sr.SSRC != 7 || sr.PacketCount != 3 || sr.OctetCount != 2100 || sr.RTPTime != 6000+90000 {
		t.Errorf("report %+v, want SSRC 7, 3 packets, 2100 octets, RTP time 96000", sr)
	}
	// NTP time: seconds since 1900, and half a second as the fraction 2^31.
	if secs, frac := sr.NTPTime>>32, sr.NTPTime&0xffffffff; secs != uint64(t0.Unix()+1+2208988800) || frac != 1<<31 {
		t.Errorf("NTP time %d.%d", secs, frac)
	}
}
