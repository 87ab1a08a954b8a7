package media

import (
	"fmt"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// defaultInterceptors keeps NACK and RTCP handling on: the SFU answers retransmission requests
// and sends receiver reports, as a browser expects of any peer.
func defaultInterceptors(m *webrtc.MediaEngine) (*interceptor.Registry, error) {
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, fmt.Errorf("media: register interceptors: %w", err)
	}
	return reg, nil
}
