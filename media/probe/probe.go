// Package probe reads media files with ffprobe (Debian's ffmpeg package) and checks them:
// the duration and the frames of each stream, as a player would find them. It is how the
// post-live chain knows a recording or a replay is whole before anyone is sent a link to it.
package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"time"
)

// ErrBroken marks a file that does not hold what it should; retrying cannot mend it.
var ErrBroken = errors.New("probe: broken media file")

// Stream is one stream of a file: its kind ("audio", "video") and the packets it holds.
type Stream struct {
	Kind    string
	Codec   string
	Packets int
	Width   int
	Height  int
}

// File is what ffprobe finds in a media file.
type File struct {
	Duration time.Duration
	Streams  []Stream
}

// Packets is the total of the streams of kind.
func (f File) Packets(kind string) int {
	n := 0
	for _, s := range f.Streams {
		if s.Kind == kind {
			n += s.Packets
		}
	}
	return n
}

// Read runs ffprobe on path, counting every stream's packets (it reads the whole file, but
// decodes nothing).
func Read(ctx context.Context, path string) (File, error) {
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-count_packets", "-print_format", "json",
		"-show_entries", "format=duration:stream=codec_type,codec_name,nb_read_packets,width,height", path).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return File{}, fmt.Errorf("%w: ffprobe %s: %s", ErrBroken, path, exit.Stderr)
		}
		return File{}, fmt.Errorf("probe: run ffprobe: %w", err)
	}
	var raw struct {
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
		Streams []struct {
			CodecType string `json:"codec_type"`
			CodecName string `json:"codec_name"`
			Packets   string `json:"nb_read_packets"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return File{}, fmt.Errorf("probe: ffprobe's answer about %s: %w", path, err)
	}
	var f File
	if s, err := strconv.ParseFloat(raw.Format.Duration, 64); err == nil {
		f.Duration = time.Duration(s * float64(time.Second))
	}
	for _, s := range raw.Streams {
		n, _ := strconv.Atoi(s.Packets)
		f.Streams = append(f.Streams, Stream{Kind: s.CodecType, Codec: s.CodecName, Packets: n, Width: s.Width, Height: s.Height})
	}
	return f, nil
}

// Expect is what a file should hold: its duration within Tolerance of Span, and at least
// MinPackets packets of each kind listed (a kind with 0 is not required).
type Expect struct {
	Span      time.Duration
	Tolerance time.Duration
	Audio     int
	Video     int
}

// Check reads path and compares it with want; a mismatch is ErrBroken with what was wrong.
func Check(ctx context.Context, path string, want Expect) (File, error) {
	f, err := Read(ctx, path)
	if err != nil {
		return f, err
	}
	if d := f.Duration - want.Span; d > want.Tolerance || -d > want.Tolerance {
		return f, fmt.Errorf("%w: %s lasts %s, the recording ran %s", ErrBroken, path,
			f.Duration.Round(time.Millisecond), want.Span.Round(time.Millisecond))
	}
	for _, k := range []struct {
		kind string
		min  int
	}{{"audio", want.Audio}, {"video", want.Video}} {
		if got := f.Packets(k.kind); k.min > 0 && got < k.min {
			return f, fmt.Errorf("%w: %s holds %d %s frames, want at least %d", ErrBroken, path, got, k.kind, k.min)
		}
	}
	return f, nil
}
