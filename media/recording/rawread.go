package recording

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// rawFrame is one frame of a raw track file placed on the recording's timeline.
type rawFrame struct {
	ms   int64 // milliseconds after the recording's start
	key  bool
	data []byte
}

// rawReader reads a track file frame by frame. A file cut short by a crash ends at its last
// whole frame: a truncated tail reads as the end, not as an error.
type rawReader interface {
	next() (rawFrame, bool)
	Close() error
}

type ivfRawReader struct {
	f        *os.File
	r        *ivfreader.IVFReader
	offset   int64
	num, den uint64
	width    uint16
	height   uint16
}

func openIVF(path string, offsetMS int64) (*ivfRawReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("recording: open %s: %w", path, err)
	}
	r, h, err := ivfreader.NewWith(f)
	if err != nil || h.TimebaseDenominator == 0 {
		f.Close()
		return nil, nil // no keyframe ever arrived: nothing to read
	}
	return &ivfRawReader{f: f, r: r, offset: offsetMS, num: uint64(h.TimebaseNumerator), den: uint64(h.TimebaseDenominator),
		width: h.Width, height: h.Height}, nil
}

func (x *ivfRawReader) next() (rawFrame, bool) {
	for {
		data, h, err := x.r.ParseNextFrame()
		if err != nil || len(data) == 0 {
			return rawFrame{}, false
		}
		// ivfreader reports pts × denominator / numerator; undo that to get the frame's PTS in
		// the file's time base (numerator/denominator seconds per tick, per the IVF format).
		pts := h.Timestamp * x.num / x.den
		if pts > maxIVFPTS {
			continue // a negative PTS written as unsigned by recorders before the fix
		}
		ms := x.offset + int64(pts*1000*x.num/x.den)
		return rawFrame{ms: ms, key: data[0]&0x01 == 0, data: data}, true
	}
}

// maxIVFPTS is 2^40 ticks, 139 days at 90 kHz: anything above is a wrapped negative time.
const maxIVFPTS = 1 << 40

func (x *ivfRawReader) Close() error { return x.f.Close() }

type oggRawReader struct {
	f        *os.File
	r        *oggreader.OggReader
	offset   int64
	channels uint8
}

func openOgg(path string, offsetMS int64) (*oggRawReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("recording: open %s: %w", path, err)
	}
	r, h, err := oggreader.NewWith(f)
	if err != nil {
		f.Close()
		return nil, nil
	}
	return &oggRawReader{f: f, r: r, offset: offsetMS, channels: h.Channels}, nil
}

func (x *oggRawReader) next() (rawFrame, bool) {
	for {
		data, h, err := x.r.ParseNextPage()
		if err != nil {
			return rawFrame{}, false
		}
		if _, isHeader := h.HeaderType(data); isHeader || len(data) == 0 {
			continue // OpusTags, not audio
		}
		start := int64(h.GranulePosition) - int64(opusSamples(data))
		return rawFrame{ms: x.offset + start*1000/opusClockRate, key: true, data: data}, true
	}
}

func (x *oggRawReader) Close() error { return x.f.Close() }

// openRaw opens a manifest track's file; nil, nil when it holds no frames.
func openRaw(dir string, t ManifestTrack) (rawReader, error) {
	if t.StartOffsetMS == nil {
		return nil, nil // never got a packet
	}
	path := filepath.Join(dir, t.File)
	var r rawReader
	var err error
	switch t.Kind {
	case "video":
		var v *ivfRawReader
		if v, err = openIVF(path, *t.StartOffsetMS); v != nil {
			r = v
		}
	case "audio":
		var a *oggRawReader
		if a, err = openOgg(path, *t.StartOffsetMS); a != nil {
			r = a
		}
	}
	return r, err
}

// trackSpan is a raw file's extent on the timeline, found by reading it through.
type trackSpan struct {
	track       ManifestTrack
	first, last int64
	frames      int
	width       uint16
	height      uint16
	channels    uint8
}

func scanSpan(dir string, t ManifestTrack) (trackSpan, error) {
	s := trackSpan{track: t}
	r, err := openRaw(dir, t)
	if err != nil || r == nil {
		return s, err
	}
	defer r.Close()
	switch x := r.(type) {
	case *ivfRawReader:
		s.width, s.height = x.width, x.height
	case *oggRawReader:
		s.channels = x.channels
	}
	for {
		f, ok := r.next()
		if !ok {
			return s, nil
		}
		if s.frames == 0 {
			s.first = f.ms
		}
		s.last = f.ms
		s.frames++
	}
}
