package metrics_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
)

const session = "ses_metrics"

// A host publishes simulcast video and audio to a viewer and a moderator on a node whose
// peers share one UDP socket (the direct path). /metrics shows the room, who is in it by role,
// the tracks and subscriptions, and between two scrapes while media flows the traffic counters
// move: packets and bytes in and out, direct packets, time on the top layer. When the viewer
// leaves, the counters keep what the viewer received (they never go down).
func TestMediaMetricsMoveWhileMediaFlows(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	n.Join(t, session, "mod", authz.SessionModerator)
	viewer := n.Join(t, session, "viewer", authz.SessionParticipant)
	host.PublishSimulcast(mediatest.RoomPageLayers...)
	log := viewer.VideoLog("host")
	mediatest.WaitFor(t, "the viewer on the top layer", func() bool { return log.Layer() == 2 })
	host.Publish("audio")
	mediatest.WaitFor(t, "the viewer hearing the host", func() bool { return viewer.Received("host", "audio") > 0 })

	first := n.ScrapeMetrics(t)
	for series, want := range map[string]float64{
		`onair_media_rooms{state="live"}`:                   1,
		`onair_media_rooms{state="green_room"}`:             0,
		`onair_media_participants{role="host"}`:             1,
		`onair_media_participants{role="moderator"}`:        1,
		`onair_media_participants{role="participant"}`:      1,
		`onair_media_participants{role="speaker"}`:          0,
		`onair_media_participants_quality{level="unknown"}`: 3,
		`onair_media_tracks{kind="video"}`:                  1,
		`onair_media_tracks{kind="audio"}`:                  1,
		`onair_media_subscriptions{kind="video"}`:           2,
		`onair_media_subscriptions{kind="audio"}`:           2,
		`onair_media_turn_allocations`:                      0,
	} {
		got, ok := first[series]
		if !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	if _, ok := first[`onair_media_writer_queue_depth{session="`+session+`"}`]; !ok {
		t.Error("no writer queue depth for the room")
	}

	moving := []string{
		`onair_media_packets_in_total`, `onair_media_bytes_in_total`,
		`onair_media_packets_out_total{path="direct"}`, `onair_media_bytes_out_total`,
		`onair_media_layer_seconds_total{layer="f"}`,
	}
	if first[`onair_media_plis_total`] == 0 { // a subscription starts with a keyframe request
		t.Error("no keyframe request counted")
	}
	var second mediatest.Series
	var still []string
	for deadline := time.Now().Add(mediatest.WaitLimit); ; {
		second, still = n.ScrapeMetrics(t), nil
		for _, s := range moving {
			if second[s] <= first[s] {
				still = append(still, fmt.Sprintf("%s %v → %v", s, first[s], second[s]))
			}
		}
		if len(still) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(still) > 0 {
		t.Fatalf("while media flows these did not move between two scrapes:\n%s", strings.Join(still, "\n"))
	}
	if b := second[`onair_media_layer_bitrate_in_bits{layer="f"}`]; b <= 0 {
		t.Errorf("no bitrate measured on the top layer: %v", b)
	}
	if v := second[`onair_media_video_subscriptions_by_layer{layer="f"}`]; v != 2 {
		t.Errorf("video subscriptions on the top layer: %v, want 2", v)
	}
	t.Logf("between scrapes: %s", delta(first, second))

	// The viewer leaves: the room counts one person fewer, and nothing the node counted drops.
	_ = viewer.WS.CloseNow()
	mediatest.WaitFor(t, "the viewer gone from the metrics", func() bool {
		return n.ScrapeMetrics(t)[`onair_media_participants{role="participant"}`] == 0
	})
	third := n.ScrapeMetrics(t)
	for name := range second {
		if strings.HasSuffix(strings.SplitN(name, "{", 2)[0], "_total") && third[name] < second[name] {
			t.Errorf("counter %s went down when the viewer left: %v → %v", name, second[name], third[name])
		}
	}
	// A closed room keeps its counts in the node's totals too.
	if err := n.Rooms.Close(session); err != nil {
		t.Fatal(err)
	}
	fourth := n.ScrapeMetrics(t)
	if fourth[`onair_media_rooms{state="live"}`] != 0 || fourth.Sum("onair_media_participants") != 0 {
		t.Errorf("after the room closed: rooms %v, participants %v", fourth[`onair_media_rooms{state="live"}`], fourth.Sum("onair_media_participants"))
	}
	for _, s := range moving {
		if fourth[s] < third[s] {
			t.Errorf("counter %s went down when the room closed: %v → %v", s, third[s], fourth[s])
		}
	}
	if _, ok := fourth[`onair_media_writer_queue_depth{session="`+session+`"}`]; ok {
		t.Error("a closed room still has a writer queue series")
	}
}

// The TURN hook: whatever the node's TURN server reports is what /metrics shows.
func TestMediaMetricsTURNAllocations(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Metrics.SetTURNAllocations(func() (int, uint64) { return 3, 17 })
	s := n.ScrapeMetrics(t)
	if s["onair_media_turn_allocations"] != 3 || s["onair_media_turn_allocations_total"] != 17 {
		t.Errorf("turn allocations %v, total %v; want 3 and 17", s["onair_media_turn_allocations"], s["onair_media_turn_allocations_total"])
	}
}

func delta(a, b mediatest.Series) string {
	var out []string
	for k, v := range b {
		if strings.Contains(k, "_total") && v != a[k] {
			out = append(out, fmt.Sprintf("%s +%g", k, v-a[k]))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
