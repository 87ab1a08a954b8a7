package sfu

import (
	"testing"

	"github.com/pion/rtcp"
)

// A subscriber's NACK is answered from the track's one shared history: the packet it names
// arrives again at that subscriber, and only there.
func TestNACKRetransmitsFromSharedHistoryToTheAskerOnly(t *testing.T) {
	api := loopbackAPI(t)
	f := startPublishedTrack(t, api).fwd
	other, asker := subscribe(t, api, f), subscribe(t, api, f) // the asker is not the first binding
	f.SetForwarding(true)
	waitFor(t, "both subscribers receiving", func() bool { return asker.received() >= 10 && other.received() >= 10 })

	seq := asker.anySeq()
	waitFor(t, "the other subscriber receiving the same packet", func() bool { return other.times(seq) == 1 })
	asker.nack(t, seq)
	waitFor(t, "the NACKed packet arriving again at the subscriber that asked", func() bool { return asker.times(seq) == 2 })
	if n := f.Retransmitted(); n != 1 {
		t.Errorf("retransmitted %d packets for one NACK of one packet; want 1 (to the asker only)", n)
	}
	if n := other.times(seq); n != 1 {
		t.Errorf("the subscriber that did not ask got packet %d %d times", seq, n)
	}
	if n := asker.extended(); n != 0 {
		t.Errorf("%d packets (forwarded or retransmitted) kept the publisher's header extension", n)
	}
}

// A subscriber that keeps NACKing one packet gets it again at most maxRetransmits times: a
// client NACKing what never arrives cannot multiply an overload.
func TestNACKRetransmitsAPacketBoundedTimes(t *testing.T) {
	api := loopbackAPI(t)
	f := startPublishedTrack(t, api).fwd
	asker := subscribe(t, api, f)
	f.SetForwarding(true)
	waitFor(t, "receiving", func() bool { return asker.received() >= 10 })

	seq := asker.anySeq()
	for range maxRetransmits + 2 {
		asker.nack(t, seq)
	}
	// A later NACK of another packet is answered after the ones before it, so once its
	// packet is back every answer to the repeated NACKs has arrived too.
	last := asker.anySeqBut(int(seq))
	asker.nack(t, last)
	waitFor(t, "the last NACKed packet arriving again", func() bool { return asker.times(last) == 2 })
	if n := asker.times(seq); n != 1+maxRetransmits {
		t.Errorf("packet NACKed %d times arrived %d times; want 1 + %d retransmissions", maxRetransmits+2, n, maxRetransmits)
	}
}

// The history keeps the last historySize packets: an older one is gone, and a packet stored
// under a sequence number is returned only for that number, not for one a full ring later.
func TestHistoryKeepsTheLastPackets(t *testing.T) {
	var h history
	for seq := range uint16(historySize + 1) {
		h.put(seq, []byte{byte(seq), byte(seq >> 8)})
	}
	if _, ok := h.get(0, nil); ok {
		t.Error("packet 0 still kept after historySize newer ones")
	}
	newest := uint16(historySize)
	got, ok := h.get(newest, nil)
	if !ok || got[0] != byte(newest) || got[1] != byte(newest>>8) {
		t.Errorf("newest packet: got %v, %v", got, ok)
	}
	if got, ok := h.get(1, nil); !ok || got[0] != 1 {
		t.Errorf("packet 1 (still in the window): got %v, %v", got, ok)
	}
	// Sequence numbers wrap: 65535 and then 0 fill the ring without confusion.
	h.put(65535, []byte{0xff})
	if _, ok := h.get(65535-historySize, nil); ok {
		t.Error("a packet a whole ring older was returned for a newer sequence number's slot")
	}
}

func (s *subscriber) nack(t *testing.T, seq uint16) {
	t.Helper()
	nack := &rtcp.TransportLayerNack{MediaSSRC: s.ssrc(), Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{seq})}
	if err := s.pc.WriteRTCP([]rtcp.Packet{nack}); err != nil {
		t.Fatal(err)
	}
}
