package sfu

import (
	"strings"

	"github.com/pion/webrtc/v4"
)

// keyframeStart reports whether an RTP payload of codec mime begins a keyframe: the only place
// a subscriber can start on a layer and decode from its first packet. VP8 and H.264 are
// recognised (the codecs the room page publishes in simulcast); for any other codec no packet
// is a switch point, so a subscriber stays on the layer it started on.
func keyframeStart(mime string, payload []byte) bool {
	switch {
	case strings.EqualFold(mime, webrtc.MimeTypeVP8):
		return vp8KeyframeStart(payload)
	case strings.EqualFold(mime, webrtc.MimeTypeH264):
		return h264KeyframeStart(payload)
	}
	return false
}

// vp8KeyframeStart reads the VP8 payload descriptor (RFC 7741 §4.2) and, when the packet starts
// partition 0 of a frame, the frame tag's inverted key-frame bit (RFC 6386 §9.1).
func vp8KeyframeStart(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	const extended, start, partition = 0x80, 0x10, 0x07
	if p[0]&start == 0 || p[0]&partition != 0 {
		return false
	}
	i := 1
	if p[0]&extended != 0 {
		if len(p) < 2 {
			return false
		}
		x := p[1]
		i = 2
		if x&0x80 != 0 { // picture id, 7 or 15 bits
			if len(p) <= i {
				return false
			}
			if p[i]&0x80 != 0 {
				i++
			}
			i++
		}
		if x&0x40 != 0 { // TL0PICIDX
			i++
		}
		if x&0x30 != 0 { // TID/KEYIDX
			i++
		}
	}
	return len(p) > i && p[i]&0x01 == 0
}

// h264KeyframeStart finds an SPS or an IDR slice starting in the packet: a single NAL unit, any
// unit of a STAP-A, or the first fragment of an FU-A (RFC 6184 §5).
func h264KeyframeStart(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	isKey := func(nalType byte) bool { return nalType == 5 || nalType == 7 }
	switch t := p[0] & 0x1f; t {
	case 24: // STAP-A: 16-bit sizes, each followed by a NAL unit
		for i := 1; i+2 < len(p); {
			size := int(p[i])<<8 | int(p[i+1])
			if isKey(p[i+2] & 0x1f) {
				return true
			}
			i += 2 + size
		}
		return false
	case 28: // FU-A
		return len(p) > 1 && p[1]&0x80 != 0 && isKey(p[1]&0x1f)
	default:
		return isKey(t)
	}
}
