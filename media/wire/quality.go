package wire

// Connection quality: each room page measures its own connection (its PeerConnection's
// getStats: round-trip time, loss, jitter, available bitrate), shows it, and tells the node;
// the node keeps the worse of that and what it sees itself (the loss the person's downlink
// feedback reports) and shows everyone's to the staff who manage participants.
//
//	quality {quality: {level, rtt_ms, loss, jitter_ms, out_kbps, in_kbps}}
//	                                      client → server, every few seconds: how the
//	                                      sender's connection does (level good, fair or poor)
//	participants.quality {qualities}      server → staff allowed participant.kick: each
//	                                      person's latest quality, sent when a level changes
const (
	FrameQuality             = "quality"
	FrameParticipantsQuality = "participants.quality"
)

// Quality levels, best first.
const (
	QualityGood = "good"
	QualityFair = "fair"
	QualityPoor = "poor"
)

// ConnectionQuality is how one person's connection does.
type ConnectionQuality struct {
	Level    string  `json:"level"`
	RTTMs    float64 `json:"rtt_ms"`
	Loss     float64 `json:"loss"` // share of packets lost, 0 to 1
	JitterMs float64 `json:"jitter_ms"`
	OutKbps  float64 `json:"out_kbps"` // the browser's available outgoing bitrate
	InKbps   float64 `json:"in_kbps"`  // the browser's available incoming bitrate (0: unknown)
}

// PersonQuality is one person's quality in participants.quality.
type PersonQuality struct {
	Person string `json:"person"`
	ConnectionQuality
}

// QualityFields are the quality fields of Frame (embedded there).
type QualityFields struct {
	Quality   *ConnectionQuality `json:"quality,omitempty"`
	Qualities []PersonQuality    `json:"qualities,omitempty"`
}
