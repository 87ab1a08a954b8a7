package composite

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/recording"
)

// Encoding settings, chosen on a 2-core machine (BENCHMARKS.md): veryfast keeps a composite
// under half real time in CPU (a panel of four and a screen: 26 CPU s per minute), where
// superfast saves 14 % of it for twice the bytes; CRF 26 suits talking heads and slides at 720p.
const (
	x264Preset   = "veryfast"
	x264CRF      = "26"
	audioBitrate = "128k"
	// Threads bounds each ffmpeg's threads: the worker shares its machine.
	Threads = "2"
	// gopFrames puts a keyframe every 2 s, so HLS segments (hlsSeconds) cut cleanly.
	gopFrames  = 2 * FPS
	hlsSeconds = "4"
)

// mp4Args is ffmpeg's command line for the composite MP4 of rec (whose files are in dir),
// written to out with x264's preset. Each track's frames keep their place: a file's first
// frame goes where the recorder placed it (FirstMS), the rest follow by the file's own
// timestamps. labels names the files of the cameras' name labels (writeLabels), relative to
// ffmpeg's working directory. deck is the slide deck's pages on stage (deckStills), whose
// concat list (writeDeck's deckScript) is one more input after the tracks.
func mp4Args(dir string, rec recording.Recorded, labels map[int]string, deck []Still, out, preset string) []string {
	spanMS := rec.Span.Milliseconds()
	spanS := seconds(spanMS)
	args := []string{"-hide_banner", "-nostdin", "-y", "-v", "error", "-progress", "pipe:1", "-nostats", "-threads", Threads}
	for _, t := range rec.Tracks {
		args = append(args, "-i", filepath.Join(dir, t.Track.File))
	}
	var g strings.Builder
	fmt.Fprintf(&g, "color=c=0x202020:s=%dx%d:r=%d:d=%s,format=yuv420p[base0];", Width, Height, FPS, spanS)
	segs := Layout(rec.Tracks, deck, spanMS)
	uses := map[int]int{} // video index → segments it appears in
	for _, s := range segs {
		for v := range s.Places {
			uses[v]++
		}
	}
	var audio []string
	for i, t := range rec.Tracks {
		at := seconds(t.FirstMS)
		switch {
		case t.Track.Kind == "audio":
			// Silence before the first packet and in gaps (DTX, off stage) by timestamps.
			fmt.Fprintf(&g, "[%d:a]asetpts=PTS-STARTPTS+%s/TB,aresample=48000:async=1:first_pts=0,aformat=channel_layouts=stereo[a%d];", i, at, i)
			audio = append(audio, fmt.Sprintf("[a%d]", i))
		case uses[i] > 0:
			fmt.Fprintf(&g, "[%d:v]setpts=PTS-STARTPTS+%s/TB,split=%d", i, at, uses[i])
			for k := range uses[i] {
				fmt.Fprintf(&g, "[v%d_%d]", i, k)
			}
			g.WriteString(";")
		}
	}
	if d := len(rec.Tracks); uses[d] > 0 {
		// One input however many pages: a picture per page turn, repeated at FPS here.
		args = append(args, "-f", "concat", "-safe", "0", "-i", deckScript)
		fmt.Fprintf(&g, "[%d:v]fps=%d,setpts=PTS-STARTPTS,split=%d", d, FPS, uses[d])
		for k := range uses[d] {
			fmt.Fprintf(&g, "[v%d_%d]", d, k)
		}
		g.WriteString(";")
	}
	used := map[int]int{}
	layer := 0
	for _, s := range segs {
		for _, v := range slices.Sorted(maps.Keys(s.Places)) {
			r := s.Places[v]
			k := used[v]
			used[v]++
			from, to := seconds(s.StartMS), seconds(s.EndMS)
			label := ""
			if file, ok := labels[v]; ok {
				label = labelFilter(file, r.H)
			}
			fmt.Fprintf(&g, "[v%d_%d]trim=start=%s:end=%s,scale=%d:%d:force_original_aspect_ratio=decrease,"+
				"pad=%d:%d:(ow-iw)/2:(oh-ih)/2,setsar=1%s[p%d];", v, k, from, to, r.W, r.H, r.W, r.H, label, layer)
			fmt.Fprintf(&g, "[base%d][p%d]overlay=x=%d:y=%d:eof_action=pass:repeatlast=0:enable='between(t,%s,%s)'[base%d];",
				layer, layer, r.X, r.Y, from, to, layer+1)
			layer++
		}
	}
	fmt.Fprintf(&g, "[base%d]format=yuv420p[vout];", layer)
	switch len(audio) {
	case 0:
		fmt.Fprintf(&g, "anullsrc=r=48000:cl=stereo,atrim=0:%s[aout]", spanS)
	case 1:
		fmt.Fprintf(&g, "%sapad,atrim=0:%s[aout]", audio[0], spanS)
	default:
		fmt.Fprintf(&g, "%samix=inputs=%d:duration=longest:normalize=0,apad,atrim=0:%s[aout]", strings.Join(audio, ""), len(audio), spanS)
	}
	return append(args, "-filter_complex", g.String(), "-map", "[vout]", "-map", "[aout]",
		"-c:v", "libx264", "-preset", preset, "-crf", x264CRF, "-pix_fmt", "yuv420p",
		"-g", strconv.Itoa(gopFrames), "-keyint_min", strconv.Itoa(gopFrames), "-sc_threshold", "0",
		"-c:a", "aac", "-b:a", audioBitrate, "-ar", "48000",
		"-t", spanS, "-movflags", "+faststart", "-f", "mp4", out)
}

// hlsArgs cuts the MP4 into HLS without encoding again (its keyframes fall every 2 s).
func hlsArgs(mp4, dir string) []string {
	return []string{"-hide_banner", "-nostdin", "-y", "-v", "error", "-i", mp4, "-c", "copy", "-f", "hls",
		"-hls_time", hlsSeconds, "-hls_playlist_type", "vod", "-hls_segment_filename", filepath.Join(dir, mediactl.ReplaySegments),
		filepath.Join(dir, PlaylistName)}
}

func seconds(ms int64) string { return strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64) }
