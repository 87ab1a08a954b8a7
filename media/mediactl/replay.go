package mediactl

import (
	"regexp"
	"strings"
)

// The files of a session's composite replay, as the control API serves them from
// <recordings>/<session>/ReplayDir/ and media/composite writes them. The HLS playlist names
// its segments relative to itself, so a player fetches them beside it.
const (
	ReplayDir      = "replay"
	ReplayMP4      = "replay.mp4"
	ReplayPlaylist = "index.m3u8"
	// ReplaySegments is the segments' ffmpeg pattern; replaySegment below accepts its names.
	ReplaySegments = "seg%04d.ts"
)

// replaySegment is the only shape a segment name may have: no separator, no dot but the
// extension's, so a name can never leave the replay folder.
var replaySegment = regexp.MustCompile(`^seg[0-9]{4,6}\.ts$`)

// ValidReplayFile reports whether name is a file of a composite replay that may be served.
func ValidReplayFile(name string) bool {
	return name == ReplayMP4 || name == ReplayPlaylist || replaySegment.MatchString(name)
}

// IsReplayMP4 reports whether a recording's file (its path on the recordings volume, as the
// recording row keeps it) is a composite replay's MP4 rather than a WebM made before
// composites existed.
func IsReplayMP4(file string) bool {
	return strings.HasSuffix(file, "/"+ReplayDir+"/"+ReplayMP4)
}

// ReplayContentType is the media type each replay file is served with.
func ReplayContentType(name string) string {
	switch {
	case name == ReplayMP4:
		return "video/mp4"
	case name == ReplayPlaylist:
		return "application/vnd.apple.mpegurl"
	}
	return "video/mp2t"
}
