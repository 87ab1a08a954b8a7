package recording

import (
	"encoding/binary"
	"io"

	"github.com/pion/rtp"
)

const (
	opusClockRate = 48000
	oggSerial     = 0x6f6e6169 // "onai": one logical stream per file
)

// oggOpusWriter writes one Ogg page per Opus packet, each page in one write, so a killed
// process leaves whole pages. A page's granule position is the end of its packet in 48 kHz
// samples from the track's first packet, taken from RTP timestamps, so silence the sender
// skipped (DTX, off stage) keeps its place in time. Packets arriving out of order are dropped.
type oggOpusWriter struct {
	out     io.Writer
	seq     uint32
	granule uint64
	started bool
	page    []byte
	count   uint64
}

func newOggOpusWriter(out io.Writer, channels uint16) (*oggOpusWriter, error) {
	if channels == 0 {
		channels = 2
	}
	w := &oggOpusWriter{out: out, page: make([]byte, 0, 2048)}
	if err := w.writePage(opusHead(uint8(channels)), 0, 0x02); err != nil { // beginning of stream
		return nil, err
	}
	tags := append([]byte("OpusTags"), 5, 0, 0, 0)
	tags = append(append(tags, "onair"...), 0, 0, 0, 0)
	if err := w.writePage(tags, 0, 0); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *oggOpusWriter) writePacket(p *rtp.Packet, ts int64) error {
	if len(p.Payload) == 0 || ts < 0 {
		return nil
	}
	end := uint64(ts) + uint64(opusSamples(p.Payload))
	if w.started && end <= w.granule {
		return nil
	}
	w.started, w.granule = true, end
	if err := w.writePage(p.Payload, end, 0); err != nil {
		return err
	}
	w.count++
	return nil
}

func (w *oggOpusWriter) writePage(packet []byte, granule uint64, headerType byte) error {
	segments := len(packet)/255 + 1 // a last lacing value under 255 ends the packet
	p := append(w.page[:0], "OggS"...)
	p = append(p, 0, headerType)
	p = binary.LittleEndian.AppendUint64(p, granule)
	p = binary.LittleEndian.AppendUint32(p, oggSerial)
	p = binary.LittleEndian.AppendUint32(p, w.seq)
	p = append(p, 0, 0, 0, 0, byte(segments)) // checksum filled in below
	for i := 0; i < segments-1; i++ {
		p = append(p, 255)
	}
	p = append(p, byte(len(packet)%255))
	p = append(p, packet...)
	binary.LittleEndian.PutUint32(p[22:], oggCRC(p))
	w.page = p
	w.seq++
	_, err := w.out.Write(p)
	return err
}

func (w *oggOpusWriter) frames() uint64 { return w.count }

// close leaves the stream without an end-of-stream page: pages are already final, and a
// file cut by a crash looks the same as a closed one to the muxer.
func (w *oggOpusWriter) close() error { return nil }

// opusSamples is a packet's duration in 48 kHz samples from its TOC byte (RFC 6716 §3.1).
func opusSamples(packet []byte) int {
	if len(packet) == 0 {
		return 0
	}
	config := packet[0] >> 3
	var frame int // samples per frame at 48 kHz
	switch {
	case config < 12: // SILK: 10, 20, 40, 60 ms
		frame = []int{480, 960, 1920, 2880}[config%4]
	case config < 16: // hybrid: 10, 20 ms
		frame = []int{480, 960}[config%2]
	default: // CELT: 2.5, 5, 10, 20 ms
		frame = []int{120, 240, 480, 960}[config%4]
	}
	switch packet[0] & 0x03 {
	case 0:
		return frame
	case 1, 2:
		return 2 * frame
	}
	if len(packet) < 2 {
		return 0
	}
	return int(packet[1]&0x3f) * frame
}

var oggCRCTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

// oggCRC is Ogg's page checksum: CRC-32, polynomial 0x04c11db7, no reflection, zero init.
func oggCRC(page []byte) uint32 {
	var crc uint32
	for _, b := range page {
		crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^b]
	}
	return crc
}
