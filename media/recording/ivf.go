package recording

import (
	"encoding/binary"
	"io"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

const (
	ivfHeaderSize      = 32
	ivfFrameHeaderSize = 12
	vp8ClockRate       = 90000
)

// ivfWriter assembles VP8 frames from RTP and appends each complete frame to an IVF file in
// one write, so a killed process leaves whole frames. The IVF time base is the RTP clock
// (1/90000), each frame's PTS its timestamp relative to the track's first packet. Writing
// waits for the first keyframe (nothing before it decodes), whose size goes in the header.
// A frame missing a packet is dropped with every frame after it until the next keyframe (they
// would decode to garbage), and a keyframe is asked for.
type ivfWriter struct {
	out     io.WriterAt
	end     int64 // bytes written
	onLoss  func()
	needKey bool

	vp8     codecs.VP8Packet
	frame   []byte // header space + frame being assembled
	inFrame bool
	frameTS int64
	nextSeq uint16
	count   uint64
}

func newIVFWriter(out io.WriterAt, onLoss func()) *ivfWriter {
	if onLoss == nil {
		onLoss = func() {}
	}
	return &ivfWriter{out: out, onLoss: onLoss, needKey: true, frame: make([]byte, 0, 64<<10)}
}

func (w *ivfWriter) writePacket(p *rtp.Packet, ts int64) error {
	if len(p.Payload) == 0 || ts < 0 { // a PTS is unsigned in IVF: a negative one would wrap
		return nil
	}
	if len(p.Payload) == 0 {
		return nil
	}
	if _, err := w.vp8.Unmarshal(p.Payload); err != nil {
		return nil // not VP8 we understand: skip the packet, not the track
	}
	switch {
	case w.vp8.S == 1 && w.vp8.PID == 0:
		if w.inFrame || p.SequenceNumber != w.nextSeq {
			w.lost() // the previous frame's end, or a whole frame, went missing
		}
		w.frame = append(w.frame[:0], make([]byte, ivfFrameHeaderSize)...)
		w.inFrame, w.frameTS = true, ts
	case !w.inFrame:
		return nil
	case p.SequenceNumber != w.nextSeq || ts != w.frameTS:
		w.inFrame = false // a packet of this frame is missing: the frame cannot decode
		w.lost()
		return nil
	}
	w.nextSeq = p.SequenceNumber + 1
	w.frame = append(w.frame, w.vp8.Payload...)
	if !p.Marker {
		return nil
	}
	w.inFrame = false
	return w.finishFrame()
}

func (w *ivfWriter) finishFrame() error {
	body := w.frame[ivfFrameHeaderSize:]
	if len(body) == 0 {
		return nil
	}
	keyframe := body[0]&0x01 == 0
	if w.needKey && !keyframe {
		return nil
	}
	w.needKey = false
	if w.end == 0 {
		if err := w.writeHeader(vp8Size(body)); err != nil {
			return err
		}
	}
	binary.LittleEndian.PutUint32(w.frame[0:], uint32(len(body)))
	binary.LittleEndian.PutUint64(w.frame[4:], uint64(w.frameTS))
	if _, err := w.out.WriteAt(w.frame, w.end); err != nil {
		return err
	}
	w.end += int64(len(w.frame))
	w.count++
	return nil
}

func (w *ivfWriter) writeHeader(width, height uint16) error {
	h := make([]byte, ivfHeaderSize)
	copy(h[0:], "DKIF")
	binary.LittleEndian.PutUint16(h[6:], ivfHeaderSize)
	copy(h[8:], "VP80")
	binary.LittleEndian.PutUint16(h[12:], width)
	binary.LittleEndian.PutUint16(h[14:], height)
	binary.LittleEndian.PutUint32(h[16:], vp8ClockRate) // time base denominator
	binary.LittleEndian.PutUint32(h[20:], 1)            // numerator
	// Frame count (h[24:]) stays 0 while recording; close fills it in. Readers do not need it.
	if _, err := w.out.WriteAt(h, 0); err != nil {
		return err
	}
	w.end = ivfHeaderSize
	return nil
}

func (w *ivfWriter) lost() {
	if !w.needKey {
		w.needKey = true
		w.onLoss() // once per loss: the next keyframe clears it
	}
}

func (w *ivfWriter) frames() uint64 { return w.count }

func (w *ivfWriter) close() error {
	if w.end == 0 {
		return nil
	}
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(w.count))
	_, err := w.out.WriteAt(n[:], 24)
	return err
}

// vp8Size reads width and height from a VP8 keyframe's header (RFC 6386 §9.1); zero when the
// frame is too short or lacks the start code.
func vp8Size(frame []byte) (width, height uint16) {
	if len(frame) < 10 || frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a {
		return 0, 0
	}
	return binary.LittleEndian.Uint16(frame[6:]) & 0x3fff, binary.LittleEndian.Uint16(frame[8:]) & 0x3fff
}
