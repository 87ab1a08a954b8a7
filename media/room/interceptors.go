package room

import (
	"fmt"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/report"
	"github.com/pion/webrtc/v4"
)

// defaultInterceptors keeps NACK and RTCP handling on: the SFU NACKs what it misses from a
// publisher, answers subscribers' NACKs, sends and reads sender and receiver reports and sends
// transport-wide congestion feedback to publishers, as a browser expects of any peer.
//
// It is Pion's default set but for three per-subscriber costs. Pion's NACK responder keeps a
// copy of every packet sent, per subscriber (≈2 MiB each at 1.5 Mbit/s); media/sfu answers
// NACKs from one history per published track instead. Its sender-report interceptor counts
// every packet a second time on its way out; media/sfu's downlinks send the sender reports from
// the counts they keep anyway, and their direct path never passes an interceptor. The stats
// interceptor does per-packet bookkeeping for PeerConnection.GetStats, which the media service
// never calls. Pion's TWCC header-extension interceptor is not installed either: media/sfu puts
// the transport-wide sequence number on what it forwards itself (the direct path passes no
// interceptor), and reads the subscribers' feedback for its bandwidth estimate.
func defaultInterceptors(m *webrtc.MediaEngine) (*interceptor.Registry, error) {
	reg := &interceptor.Registry{}
	generator, err := nack.NewGeneratorInterceptor()
	if err != nil {
		return nil, fmt.Errorf("media: nack generator: %w", err)
	}
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"}, webrtc.RTPCodecTypeVideo)
	reg.Add(generator)
	receiverReports, err := report.NewReceiverInterceptor()
	if err != nil {
		return nil, fmt.Errorf("media: receiver reports: %w", err)
	}
	reg.Add(receiverReports)
	if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
		return nil, fmt.Errorf("media: simulcast header extensions: %w", err)
	}
	if err := webrtc.ConfigureTWCCSender(m, reg); err != nil {
		return nil, fmt.Errorf("media: twcc: %w", err)
	}
	return reg, nil
}
