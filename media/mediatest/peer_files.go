package mediatest

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"
	pionmedia "github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// PublishFiles publishes real media from files, paced like a capture device: VP8 from IVF
// and Opus from Ogg (made by ffmpeg in the test), each track named by its key (a shared
// screen is a track the peer announced first with a screen.start frame). A file played to its end stops
// its track's samples. Tests of replays use it to find sounds and pictures they sent.
func (p *Peer) PublishFiles(tracks map[string]string) {
	p.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p.t.Cleanup(cancel)
	for id, path := range tracks {
		codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}
		if strings.HasSuffix(path, ".ivf") {
			codec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
		}
		track, err := webrtc.NewTrackLocalStaticSample(codec, id, p.name)
		if err != nil {
			p.t.Fatal(err)
		}
		sender, err := p.pc.AddTrack(track)
		if err != nil {
			p.t.Fatal(err)
		}
		go p.readRTCP(sender)
		f, err := os.Open(path)
		if err != nil {
			p.t.Fatal(err)
		}
		p.t.Cleanup(func() { f.Close() })
		next := oggSamples(p, f)
		if codec.MimeType == webrtc.MimeTypeVP8 {
			next = ivfSamples(p, f)
		}
		go func() {
			started := time.Now()
			var at time.Duration // media time of the next sample
			for {
				data, d, ok := next()
				if !ok {
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Until(started.Add(at))):
				}
				if err := track.WriteSample(pionmedia.Sample{Data: data, Duration: d}); err != nil {
					return
				}
				at += d
			}
		}()
	}
	p.Offer()
}

type sampleSource func() (data []byte, d time.Duration, ok bool)

func ivfSamples(p *Peer, f io.Reader) sampleSource {
	r, h, err := ivfreader.NewWith(f)
	if err != nil {
		p.t.Fatal(err)
	}
	frame := time.Duration(h.TimebaseNumerator) * time.Second / time.Duration(h.TimebaseDenominator)
	return func() ([]byte, time.Duration, bool) {
		data, _, err := r.ParseNextFrame()
		return data, frame, err == nil
	}
}

func oggSamples(p *Peer, f io.Reader) sampleSource {
	// ffmpeg's pages are read without their checksum, which Pion's reader computes in a way
	// of its own; the test made the files a moment ago.
	r, err := oggreader.NewWithOptions(f, oggreader.WithDoChecksum(false))
	if err != nil {
		p.t.Fatal(err)
	}
	return func() ([]byte, time.Duration, bool) {
		for {
			data, _, err := r.ParseNextPage()
			if err != nil {
				return nil, 0, false
			}
			if bytes.HasPrefix(data, []byte("OpusHead")) || bytes.HasPrefix(data, []byte("OpusTags")) {
				continue
			}
			return data, 20 * time.Millisecond, true
		}
	}
}
