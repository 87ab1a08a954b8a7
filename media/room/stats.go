package room

import (
	"github.com/onairhq/onair/media/sfu"
)

// What a node's rooms hold and did, for its metrics (media/metrics): read at scrape time from
// the sfu's snapshots, never counted on the packet path. Counters never go down: the counts
// of people who leave, tracks that end and rooms that close are kept in MediaTotals.

// QualityUnknown is the level of a person whose page has not reported its quality yet.
const QualityUnknown = "unknown"

// MediaTotals adds up what the node forwarded since it started.
type MediaTotals struct {
	PacketsIn, BytesIn uint64 // read from publishers
	PLIs               uint64 // keyframe requests sent to publishers
	Out                sfu.SubscriptionTotals
	// Reported and Lost are the packets subscribers' feedback told of, and those lost.
	Reported, Lost uint64
}

func (t *MediaTotals) addForwarder(s sfu.ForwarderStats) {
	t.PacketsIn += s.Received
	t.BytesIn += s.ReceivedBytes
	t.PLIs += s.PLIs
}

func (t *MediaTotals) addDownlink(s sfu.DownlinkStats) {
	t.Out.Merge(s.Totals())
	t.Reported += s.Reported
	t.Lost += s.Lost
}

func (t *MediaTotals) merge(o MediaTotals) {
	t.PacketsIn += o.PacketsIn
	t.BytesIn += o.BytesIn
	t.PLIs += o.PLIs
	t.Out.Merge(o.Out)
	t.Reported += o.Reported
	t.Lost += o.Lost
}

// RoomStats is one room now.
type RoomStats struct {
	SessionID    string
	Live         bool
	Participants map[string]int // by session role
	Quality      map[string]int // people by connection quality level (QualityUnknown: no report yet)
	Tracks       map[string]int // tracks being forwarded, by kind
	// Subscriptions by kind, and by the simulcast layer being forwarded (video).
	Subscriptions map[string]int
	VideoByLayer  [3]int
	// LayerBitrate is what publishers send on each simulcast layer, bits/s, lowest first (a
	// single-layer track counts as layer 0).
	LayerBitrate [3]uint64
	WriterQueue  int // room events waiting for the store
}

// NodeStats is every room of the node now, and the node's totals since it started.
type NodeStats struct {
	Rooms  []RoomStats
	Totals MediaTotals
}

// Stats is a snapshot of the node's rooms. Rooms that closed are in the totals.
func (rs *Rooms) Stats() NodeStats {
	rs.statsMu.Lock()
	defer rs.statsMu.Unlock()
	s := NodeStats{Totals: rs.ended}
	for _, id := range rs.IDs() {
		r, ok := rs.Get(id)
		if !ok {
			continue
		}
		room, totals := r.stats()
		s.Rooms = append(s.Rooms, room)
		s.Totals.merge(totals)
	}
	return s
}

// countClosed keeps a closing room's totals (it has just left rs.rooms).
func (rs *Rooms) countClosed(r *Room) {
	_, totals := r.stats()
	rs.ended.merge(totals)
}

// stats is the room now and its totals, read under its lock so that a person leaving meanwhile
// is counted once.
func (r *Room) stats() (RoomStats, MediaTotals) {
	s := RoomStats{SessionID: r.sessionID, Participants: map[string]int{}, Quality: map[string]int{},
		Tracks: map[string]int{}, Subscriptions: map[string]int{}, WriterQueue: r.ev.store.depth()}
	r.mu.Lock()
	defer r.mu.Unlock()
	s.Live = r.live
	totals := r.ended
	for _, t := range r.tracks {
		fs := t.fwd.Stats()
		totals.addForwarder(fs)
		if !t.published {
			continue
		}
		s.Tracks[fs.Kind]++
		for _, l := range fs.Layers {
			s.LayerBitrate[l.Index] += l.Bitrate
		}
	}
	for _, p := range r.people {
		s.Participants[string(p.role)]++
		level := QualityUnknown
		if p.quality != nil {
			level = p.quality.Level
		}
		s.Quality[level]++
		if p.downlink == nil {
			continue // a person of an edge: their media leaves from there
		}
		ds := p.downlink.Stats()
		totals.addDownlink(ds)
		for _, sub := range ds.Subscriptions {
			s.Subscriptions[sub.Kind]++
			if sub.Kind == "video" && sub.Layer >= 0 && sub.Layer < len(s.VideoByLayer) {
				s.VideoByLayer[sub.Layer]++
			}
		}
	}
	return s, totals
}
