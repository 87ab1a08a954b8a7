// Package metrics is a media node's Prometheus metrics (onair_media_…): a collector that reads
// the rooms' snapshots (room.Rooms.Stats, itself from media/sfu's Stats) when scraped, so the
// packet path pays nothing for them, and the hook the node's TURN server reports its
// allocations through. It registers nothing globally: the caller puts the Collector in the
// registry it serves.
package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/sfu"
	"github.com/onairhq/onair/media/wire"
)

// TURNAllocations tells how many TURN allocations the node's TURN server holds now, and how
// many it has granted since it started.
type TURNAllocations func() (current int, total uint64)

// Collector is the node's metrics, read from its rooms at each scrape.
type Collector struct {
	rooms *room.Rooms
	turn  atomic.Pointer[TURNAllocations]
}

// NewCollector reads rooms.
func NewCollector(rooms *room.Rooms) *Collector { return &Collector{rooms: rooms} }

// SetTURNAllocations makes the collector report f's allocations (onair_media_turn_…); until
// then, and with a nil f, it reports none.
func (c *Collector) SetTURNAllocations(f TURNAllocations) {
	if f == nil {
		c.turn.Store(nil)
		return
	}
	c.turn.Store(&f)
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("onair_media_"+name, help, labels, nil)
}

var (
	roomsDesc         = desc("rooms", "Rooms open on this node, by state (live, or green_room before the session starts).", "state")
	participantsDesc  = desc("participants", "People in the node's rooms, by session role.", "role")
	qualityDesc       = desc("participants_quality", "People by connection quality level (good, fair, poor; unknown before their page reports).", "level")
	tracksDesc        = desc("tracks", "Published tracks being forwarded, by kind.", "kind")
	subscriptionsDesc = desc("subscriptions", "Subscriptions (a track sent to one subscriber), by kind.", "kind")
	videoLayerDesc    = desc("video_subscriptions_by_layer", "Video subscriptions by the simulcast layer being forwarded (q lowest, f full).", "layer")
	layerBitrateDesc  = desc("layer_bitrate_in_bits", "Bits per second publishers send, summed by simulcast layer (a single-layer track counts as q).", "layer")
	writerQueueDesc   = desc("writer_queue_depth", "Room events waiting for the store, per room (a growing queue: the store falls behind).", "session")
	packetsInDesc     = desc("packets_in_total", "RTP packets read from publishers.")
	bytesInDesc       = desc("bytes_in_total", "RTP bytes read from publishers (counted every half second).")
	packetsOutDesc    = desc("packets_out_total", "RTP packets sent to subscribers, retransmissions included, by path: direct (the shared socket) or fallback (through Pion).", "path")
	bytesOutDesc      = desc("bytes_out_total", "RTP bytes sent to subscribers, retransmissions included.")
	nacksDesc         = desc("nacks_total", "Packets subscribers NACKed.")
	retransmitDesc    = desc("retransmissions_total", "Packets sent again for subscribers' NACKs.")
	plisDesc          = desc("plis_total", "Keyframe requests (PLI) sent to publishers.")
	switchesDesc      = desc("layer_switches_total", "Simulcast layer changes of video subscriptions.")
	layerSecondsDesc  = desc("layer_seconds_total", "Seconds video subscriptions spent on each simulcast layer.", "layer")
	reportedDesc      = desc("subscriber_reported_packets_total", "Packets subscribers' transport-wide feedback told of (the loss ratio's denominator).")
	lostDesc          = desc("subscriber_lost_packets_total", "Packets subscribers' transport-wide feedback reported lost.")
	turnDesc          = desc("turn_allocations", "TURN allocations the node's TURN server holds.")
	turnTotalDesc     = desc("turn_allocations_total", "TURN allocations granted since the node started.")
)

// Describe sends every metric's description.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{roomsDesc, participantsDesc, qualityDesc, tracksDesc, subscriptionsDesc,
		videoLayerDesc, layerBitrateDesc, writerQueueDesc, packetsInDesc, bytesInDesc, packetsOutDesc, bytesOutDesc,
		nacksDesc, retransmitDesc, plisDesc, switchesDesc, layerSecondsDesc, reportedDesc, lostDesc, turnDesc, turnTotalDesc} {
		ch <- d
	}
}

// Collect reads the rooms now.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	s := c.rooms.Stats()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	rids := sfu.LayerRIDs()
	var live, green int
	// Every role and level is reported, 0 included, so a dashboard's series never vanish.
	roles := map[string]int{}
	for _, r := range []authz.SessionRole{authz.SessionHost, authz.SessionModerator, authz.SessionSpeaker, authz.SessionParticipant} {
		roles[string(r)] = 0
	}
	levels := map[string]int{wire.QualityGood: 0, wire.QualityFair: 0, wire.QualityPoor: 0, room.QualityUnknown: 0}
	tracks := map[string]int{"audio": 0, "video": 0}
	subs := map[string]int{"audio": 0, "video": 0}
	var byLayer [len(rids)]int
	var bitrate [len(rids)]uint64
	for _, r := range s.Rooms {
		if r.Live {
			live++
		} else {
			green++
		}
		add(roles, r.Participants)
		add(levels, r.Quality)
		add(tracks, r.Tracks)
		add(subs, r.Subscriptions)
		for i := range rids {
			byLayer[i] += r.VideoByLayer[i]
			bitrate[i] += r.LayerBitrate[i]
		}
		gauge(writerQueueDesc, float64(r.WriterQueue), r.SessionID)
	}
	gauge(roomsDesc, float64(live), "live")
	gauge(roomsDesc, float64(green), "green_room")
	for role, n := range roles {
		gauge(participantsDesc, float64(n), role)
	}
	for level, n := range levels {
		gauge(qualityDesc, float64(n), level)
	}
	for kind, n := range tracks {
		gauge(tracksDesc, float64(n), kind)
	}
	for kind, n := range subs {
		gauge(subscriptionsDesc, float64(n), kind)
	}
	t := s.Totals
	for i, rid := range rids {
		gauge(videoLayerDesc, float64(byLayer[i]), rid)
		gauge(layerBitrateDesc, float64(bitrate[i]), rid)
		counter(layerSecondsDesc, t.Out.TimeInLayer[i].Seconds(), rid)
	}
	counter(packetsInDesc, float64(t.PacketsIn))
	counter(bytesInDesc, float64(t.BytesIn))
	counter(packetsOutDesc, float64(t.Out.DirectPackets), "direct")
	counter(packetsOutDesc, float64(t.Out.FallbackPackets), "fallback")
	counter(bytesOutDesc, float64(t.Out.Bytes))
	counter(nacksDesc, float64(t.Out.NACKs))
	counter(retransmitDesc, float64(t.Out.Retransmitted))
	counter(plisDesc, float64(t.PLIs))
	counter(switchesDesc, float64(t.Out.LayerSwitches))
	counter(reportedDesc, float64(t.Reported))
	counter(lostDesc, float64(t.Lost))
	var current int
	var total uint64
	if f := c.turn.Load(); f != nil {
		current, total = (*f)()
	}
	gauge(turnDesc, float64(current))
	counter(turnTotalDesc, float64(total))
}

func add(into, from map[string]int) {
	for k, n := range from {
		into[k] += n
	}
}
