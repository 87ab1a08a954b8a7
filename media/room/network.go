package room

import (
	"fmt"

	"github.com/pion/webrtc/v4"

	"github.com/onairhq/onair/media/sfu"
	"github.com/onairhq/onair/media/wire"
)

// Network is how the node's PeerConnections reach browsers.
type Network struct {
	// Settings are Pion's network settings (ports, candidate types, NAT addresses), the same
	// for every PeerConnection.
	Settings webrtc.SettingEngine
	// SharedUDP is the one UDP socket every PeerConnection uses, when the Settings' ICE UDP mux
	// reads one: forwarded media is then written to it, or to its twins, directly
	// (sfu.Downlink, sfu.MediaSocket). Nil: through Pion.
	SharedUDP *sfu.MediaSocket
	// ICEServers are the TURN servers a person may relay through, with credentials minted
	// for this join (media/turn); nil: none, browsers reach the node directly.
	ICEServers func(person string) []wire.ICEServer
}

// newPeer builds one participant's PeerConnection and the downlink its subscriptions leave by.
// Each PeerConnection gets an API of its own, since the downlink's key capture hooks into that
// connection's DTLS handshake alone.
func (n Network) newPeer() (*webrtc.PeerConnection, *sfu.Downlink, error) {
	d := sfu.NewDownlink(n.SharedUDP)
	se := n.Settings
	d.Configure(&se)
	api, err := NewWebRTCAPI(se)
	if err != nil {
		return nil, nil, err
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, nil, fmt.Errorf("media: new peer connection: %w", err)
	}
	d.Watch(pc)
	return pc, d, nil
}

// NewWebRTCAPI registers the default codecs and interceptors (NACK, RTCP reports, TWCC).
func NewWebRTCAPI(se webrtc.SettingEngine) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("media: register codecs: %w", err)
	}
	reg, err := defaultInterceptors(m)
	if err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// iceServersFor is what the joined frame tells person to relay through.
func (n Network) iceServersFor(person string) []wire.ICEServer {
	if n.ICEServers == nil {
		return nil
	}
	return n.ICEServers(person)
}
