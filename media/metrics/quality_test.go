package metrics_test

import (
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

// A viewer's page reports its connection quality: the host's participants list gets it (a
// participants.quality frame), another viewer does not, /metrics counts people by level, and
// a report with an unknown level or figures out of range is refused as a bad request.
func TestMediaMetricsQualityReachesHosts(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	other := n.Join(t, session, "other", authz.SessionParticipant)

	viewer.Send(wire.Frame{Type: wire.FrameQuality, QualityFields: wire.QualityFields{Quality: &wire.ConnectionQuality{
		Level: wire.QualityFair, RTTMs: 240, Loss: 0.04, JitterMs: 12, OutKbps: 900, InKbps: 2500}}})
	f := host.Expect(wire.FrameParticipantsQuality)
	if len(f.Qualities) != 1 || f.Qualities[0].Person != "viewer" || f.Qualities[0].Level != wire.QualityFair ||
		f.Qualities[0].RTTMs != 240 || f.Qualities[0].Loss != 0.04 {
		t.Fatalf("the host got qualities %+v, want the viewer's fair report", f.Qualities)
	}
	frames := n.Barrier(t, host, other)
	if mediatest.Seen(frames[0], wire.FrameParticipantsQuality, nil) {
		t.Error("a participant received everyone's connection quality")
	}
	s := n.ScrapeMetrics(t)
	if s[`onair_media_participants_quality{level="fair"}`] != 1 || s[`onair_media_participants_quality{level="unknown"}`] != 2 {
		t.Errorf("people by quality: fair %v, unknown %v; want 1 and 2",
			s[`onair_media_participants_quality{level="fair"}`], s[`onair_media_participants_quality{level="unknown"}`])
	}

	// A host who arrives later gets the qualities known so far.
	late := n.Join(t, session, "mod", authz.SessionModerator)
	if f := late.Expect(wire.FrameParticipantsQuality); len(f.Qualities) != 1 || f.Qualities[0].Person != "viewer" {
		t.Errorf("the late moderator got qualities %+v", f.Qualities)
	}

	for _, q := range []wire.ConnectionQuality{{Level: "excellent"}, {Level: wire.QualityGood, Loss: 2}, {Level: wire.QualityGood, RTTMs: -1}} {
		viewer.Send(wire.Frame{Type: wire.FrameQuality, QualityFields: wire.QualityFields{Quality: &q}})
		viewer.ExpectError(wire.CodeBadRequest)
	}
	viewer.Send(wire.Frame{Type: wire.FrameQuality})
	viewer.ExpectError(wire.CodeBadRequest)
}
