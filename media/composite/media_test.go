package composite_test

import (
	"bytes"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// makeMedia encodes what the test's publishers send: a solid colour as VP8 (IVF) and a tone
// as Opus (Ogg, one 20 ms packet per page as a capture would packetize it).
func makeVideo(t *testing.T, dir, colour string, size string, seconds int) string {
	t.Helper()
	out := filepath.Join(dir, colour+".ivf")
	run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c="+colour+":s="+size+":r=25:d="+strconv.Itoa(seconds),
		"-c:v", "libvpx", "-b:v", "300k", "-g", "25", "-threads", "1", "-deadline", "realtime", "-y", out)
	return out
}

func makeTone(t *testing.T, dir string, hz, seconds int) string {
	t.Helper()
	out := filepath.Join(dir, "tone"+strconv.Itoa(hz)+".ogg")
	run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency="+strconv.Itoa(hz)+":sample_rate=48000:duration="+strconv.Itoa(seconds),
		"-ac", "2", "-c:a", "libopus", "-b:a", "64k", "-frame_duration", "20", "-page_duration", "20000", "-y", out)
	return out
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, stderr.String())
	}
	return out
}

// frameAt decodes the replay's picture at second at as RGB.
func frameAt(t *testing.T, mp4 string, at float64) []byte {
	t.Helper()
	b := run(t, "ffmpeg", "-v", "error", "-ss", strconv.FormatFloat(at, 'f', 2, 64), "-i", mp4, "-frames:v", "1",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-")
	if len(b) != 1280*720*3 {
		t.Fatalf("a frame of %d bytes at %.2fs, want 1280×720 RGB", len(b), at)
	}
	return b
}

// colourAt names the colour around (x, y): red, blue, green, or what it is.
func colourAt(rgb []byte, x, y int) string {
	var r, g, b int
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			i := ((y+dy)*1280 + x + dx) * 3
			r, g, b = r+int(rgb[i]), g+int(rgb[i+1]), b+int(rgb[i+2])
		}
	}
	r, g, b = r/25, g/25, b/25
	switch {
	case r > 170 && g < 80 && b < 80:
		return "red"
	case b > 170 && r < 80 && g < 80:
		return "blue"
	case g > 90 && r < 80 && b < 80: // lavfi's "green" is #008000
		return "green"
	}
	return "rgb(" + strconv.Itoa(r) + "," + strconv.Itoa(g) + "," + strconv.Itoa(b) + ")"
}

// toneLevels decodes the replay's sound between two seconds to mono PCM and measures the
// power at each frequency (Goertzel), relative to the signal's total power.
func toneLevels(t *testing.T, mp4 string, from, to float64, hz ...float64) []float64 {
	t.Helper()
	const rate = 16000
	b := run(t, "ffmpeg", "-v", "error", "-ss", strconv.FormatFloat(from, 'f', 2, 64), "-t", strconv.FormatFloat(to-from, 'f', 2, 64),
		"-i", mp4, "-vn", "-ac", "1", "-ar", strconv.Itoa(rate), "-f", "s16le", "-")
	samples := make([]float64, len(b)/2)
	var total float64
	for i := range samples {
		samples[i] = float64(int16(uint16(b[2*i])|uint16(b[2*i+1])<<8)) / 32768
		total += samples[i] * samples[i]
	}
	if len(samples) < rate/4 || total == 0 {
		t.Fatalf("%d samples of sound between %.1fs and %.1fs, power %g", len(samples), from, to, total)
	}
	levels := make([]float64, len(hz))
	for k, f := range hz {
		coeff := 2 * math.Cos(2*math.Pi*f/rate)
		var s1, s2 float64
		for _, x := range samples {
			s1, s2 = x+coeff*s1-s2, s1
		}
		power := s1*s1 + s2*s2 - coeff*s1*s2
		levels[k] = power / (total * float64(len(samples)) / 2) // 1 for a pure tone at f
	}
	return levels
}
