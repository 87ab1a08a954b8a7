package composite

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onairhq/onair/media/recording"
)

// LabelFont draws the speakers' names on their cameras: Debian's fonts-dejavu-core, which
// every image that makes composites installs beside ffmpeg.
const LabelFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

// labelRunes bounds a name on a camera's tile; a longer one is cut with an ellipsis.
const labelRunes = 32

// Ready reports whether this machine can make composites: ffmpeg and ffprobe on PATH and the
// labels' font. A worker taking the egress queue without them would fail every replay.
func Ready() error {
	var errs []error
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			errs = append(errs, fmt.Errorf("%s is not on PATH: %w", tool, err))
		}
	}
	if _, err := os.Stat(LabelFont); err != nil {
		errs = append(errs, fmt.Errorf("no font for the speakers' labels (Debian: fonts-dejavu-core): %w", err))
	}
	return errors.Join(errs...)
}

// writeLabels writes each named camera's speaker name to a file in work, by track index,
// for drawtext's textfile: a name (anything a person typed) never passes through the
// filtergraph's quoting, and expansion=none keeps '%' literal.
func writeLabels(work string, rec recording.Recorded) (map[int]string, error) {
	labels := map[int]string{}
	for i, t := range rec.Tracks {
		name := strings.Join(strings.Fields(t.Track.Name), " ") // one line
		if t.Track.Kind != "video" || t.Track.SourceOrDefault() == recording.SourceScreen || name == "" {
			continue
		}
		if r := []rune(name); len(r) > labelRunes {
			name = string(r[:labelRunes-1]) + "…"
		}
		file := "label" + strconv.Itoa(i) + ".txt"
		if err := os.WriteFile(filepath.Join(work, file), []byte(name), 0o640); err != nil {
			return nil, fmt.Errorf("composite: write a label: %w", err)
		}
		labels[i] = file
	}
	if len(labels) > 0 {
		if _, err := os.Stat(LabelFont); err != nil {
			return nil, fmt.Errorf("composite: the speakers' labels need fonts-dejavu-core: %w", err)
		}
	}
	return labels, nil
}

// labelFilter draws the text of file (relative to ffmpeg's working directory) in white on a
// dark box at the bottom left of a tile h pixels high, sized to the tile.
func labelFilter(file string, h int) string {
	size := min(max(h/18, 12), 32)
	return fmt.Sprintf(",drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=%d:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=%d:x=%d:y=h-th-%d",
		LabelFont, file, size, size/3, size/2+size/3, size/2+size/3)
}
