package sfu

import (
	"time"

	"github.com/pion/rtcp"
)

// twccArrivals walks a transport-wide congestion-control feedback (draft-holmer-rmcat-
// transport-wide-cc-extensions §3.1): for each packet it reports, in sequence order, whether it
// arrived and, if so, when, on the receiver's clock (the reference time plus the deltas so
// far). visit stops early when it returns false.
func twccArrivals(fb *rtcp.TransportLayerCC, visit func(seq uint16, received bool, arrival time.Duration) bool) {
	arrival := time.Duration(fb.ReferenceTime) * 64 * time.Millisecond
	total := int(fb.PacketStatusCount)
	deltas := fb.RecvDeltas
	i := 0
	status := func(symbol uint16) bool {
		if i >= total {
			return false
		}
		seq := fb.BaseSequenceNumber + uint16(i)
		i++
		received := symbol == rtcp.TypeTCCPacketReceivedSmallDelta || symbol == rtcp.TypeTCCPacketReceivedLargeDelta
		if received {
			if len(deltas) == 0 {
				return false // a malformed feedback: more arrivals than deltas
			}
			arrival += time.Duration(deltas[0].Delta) * time.Microsecond
			deltas = deltas[1:]
		}
		return visit(seq, received, arrival)
	}
	for _, chunk := range fb.PacketChunks {
		switch c := chunk.(type) {
		case *rtcp.RunLengthChunk:
			for range c.RunLength {
				if !status(c.PacketStatusSymbol) {
					return
				}
			}
		case *rtcp.StatusVectorChunk:
			for _, s := range c.SymbolList {
				if !status(s) {
					return
				}
			}
		}
	}
}
