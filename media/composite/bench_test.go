//go:build unix

package composite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/onairhq/onair/media/composite"
)

// benchSpan is each benchmark recording's length: long enough for steady encoding, short
// enough that the whole run takes a few minutes on two cores (BENCHMARKS.md).
const benchSpan = 30 * time.Second

// BenchmarkComposite makes the replay (MP4, HLS, ffprobe checks: all of Run) of recordings of
// 1, 2 and 4 speakers, with and without a shared screen, with the preset replays use, and
// reports seconds of work per minute recorded.
func BenchmarkComposite(b *testing.B) {
	files := encodePanel(b, b.TempDir(), 4, benchSpan)
	for _, speakers := range []int{1, 2, 4} {
		for _, screen := range []bool{false, true} {
			b.Run(fmt.Sprintf("speakers=%d/screen=%t", speakers, screen), func(b *testing.B) {
				benchComposite(b, files, panel{speakers: speakers, screen: screen, span: benchSpan}, composite.Preset)
			})
		}
	}
}

// BenchmarkCompositePreset compares x264 presets on a panel of two with a screen: time and
// size at the same CRF (a faster preset spends more bytes for the same quality).
func BenchmarkCompositePreset(b *testing.B) {
	files := encodePanel(b, b.TempDir(), 2, benchSpan)
	for _, preset := range []string{"ultrafast", "superfast", "veryfast", "faster"} {
		b.Run("preset="+preset, func(b *testing.B) {
			benchComposite(b, files, panel{speakers: 2, screen: true, span: benchSpan}, preset)
		})
	}
}

// benchComposite reports, per minute recorded, the wall time of Run, the CPU time of the
// ffmpeg and ffprobe it ran (children's rusage: what a shared machine's load distorts least),
// and the MP4's size.
func benchComposite(b *testing.B, files panelFiles, p panel, preset string) {
	var bytes int64
	cpu0 := childrenCPU(b)
	for i := range b.N {
		b.StopTimer()
		dir := writePanel(b, filepath.Join(b.TempDir(), fmt.Sprintf("ses_bench%d", i)), files, p)
		b.StartTimer()
		res, err := composite.Run(context.Background(), composite.WithPreset(composite.Params{Dir: dir}, preset))
		if err != nil {
			b.Fatal(err)
		}
		bytes += res.Bytes
	}
	minutes := p.span.Minutes() * float64(b.N)
	b.ReportMetric(b.Elapsed().Seconds()/minutes, "s/min")
	b.ReportMetric((childrenCPU(b)-cpu0).Seconds()/minutes, "cpu-s/min")
	b.ReportMetric(float64(bytes)/1e6/minutes, "MB/min")
}

// childrenCPU is the user and system time of every child process waited for so far (only
// ffmpeg and ffprobe once the inputs are encoded, which benchComposite does before it starts).
func childrenCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
