package wire

import "github.com/onairhq/onair/media/jointoken"

// The relay WebSocket of a room spanning nodes: an edge node opens it to the room's origin
// node (jointoken.RelayPath) and carries on it the negotiation of one server-to-server
// PeerConnection, on which the origin sends each track published in the room once, and the
// room events of the people connected to the edge, whose room the origin keeps.
//
//	hello   edge → origin, first   {session, token}: a relay token (jointoken.SignRelay)
//	ready   origin → edge          the relay is admitted; the origin offers its tracks
//	refused origin → edge          {frame: error}: the relay (no conn) or a join ({conn}) refused
//	signal  both ways              {frame: offer, answer or candidate} of the relay's PeerConnection
//	join    edge → origin          {conn, claims}: a person joined the edge (claims verified there)
//	frame   edge → origin          {conn, frame}: a frame they sent
//	leave   edge → origin          {conn}: their connection ended
//	deliver origin → edge          {conn, frame}: a frame for them (joined first)
//	close   origin → edge          {conn, reason}: end their connection (replaced, kicked, room closed)
const (
	RelayHello   = "hello"
	RelayReady   = "ready"
	RelayRefused = "refused"
	RelaySignal  = "signal"
	RelayJoin    = "join"
	RelayFrame   = "frame"
	RelayLeave   = "leave"
	RelayDeliver = "deliver"
	RelayClose   = "close"
)

// Relay is one message on the relay WebSocket.
type Relay struct {
	Type    string            `json:"type"`
	Session string            `json:"session,omitempty"`
	Token   string            `json:"token,omitempty"`
	Conn    string            `json:"conn,omitempty"` // the edge's name for one person's connection
	Claims  *jointoken.Claims `json:"claims,omitempty"`
	Frame   *Frame            `json:"frame,omitempty"`
	Reason  string            `json:"reason,omitempty"`
}
