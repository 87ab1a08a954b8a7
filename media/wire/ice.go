package wire

// ICEServer is one entry of the joined frame's iceServers: a TURN server (turn: and turns:
// URLs) with credentials minted for this join, in the shape of the browser's RTCIceServer, so
// the room page passes the list to its RTCPeerConnection as it is.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}
