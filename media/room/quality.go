package room

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/wire"
)

// Connection quality (wire/quality.go): the room page reports its own measure; the node keeps
// the worse of that level and the one the person's downlink loss gives (the node's own view,
// which a page cannot flatter), and shows everyone's to the staff who manage participants.

// qualityListDelay gathers the level changes of a burst (a network hiccup hits many at once)
// into one participants.quality frame.
const qualityListDelay = time.Second

// Loss thresholds, the same as the room page's (room.js, qualityLevel).
const (
	fairLoss = 0.03
	poorLoss = 0.10
)

var qualityRank = map[string]int{wire.QualityGood: 0, wire.QualityFair: 1, wire.QualityPoor: 2}

// levelOfLoss is the level a share of lost packets alone allows.
func levelOfLoss(loss float64) string {
	switch {
	case loss >= poorLoss:
		return wire.QualityPoor
	case loss >= fairLoss:
		return wire.QualityFair
	}
	return wire.QualityGood
}

func worseLevel(a, b string) string {
	if qualityRank[b] > qualityRank[a] {
		return b
	}
	return a
}

// checkQuality refuses a report with an unknown level or figures out of range.
func checkQuality(q *wire.ConnectionQuality) error {
	if q == nil {
		return fmt.Errorf("%w: quality needs {level, rtt_ms, loss, jitter_ms, out_kbps, in_kbps}", ErrBadRequest)
	}
	if _, ok := qualityRank[q.Level]; !ok {
		return fmt.Errorf("%w: quality level must be good, fair or poor", ErrBadRequest)
	}
	for _, v := range []float64{q.RTTMs, q.JitterMs, q.OutKbps, q.InKbps} {
		if math.IsNaN(v) || v < 0 || v > 1e7 {
			return fmt.Errorf("%w: quality figures must be from 0 to 10^7", ErrBadRequest)
		}
	}
	if math.IsNaN(q.Loss) || q.Loss < 0 || q.Loss > 1 {
		return fmt.Errorf("%w: quality loss must be from 0 to 1", ErrBadRequest)
	}
	return nil
}

// reportQuality is quality from p: p's page measured its connection.
func (r *Room) reportQuality(p *Participant, f wire.Frame) error {
	if err := checkQuality(f.Quality); err != nil {
		return err
	}
	q := *f.Quality
	// The downlink's loss is what p's browser said in its feedback to the node: the node's
	// own view of p's receiving side (a person of an edge has none here).
	if p.downlink != nil {
		q.Level = worseLevel(q.Level, levelOfLoss(p.downlink.Loss()))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.people[p.id] != p {
		return nil
	}
	changed := p.quality == nil || p.quality.Level != q.Level
	p.quality = &q
	if changed {
		r.qualityChangedLocked()
	}
	return nil
}

// qualityChangedLocked schedules participants.quality for the staff.
func (r *Room) qualityChangedLocked() {
	if r.ev.qualityDue {
		return
	}
	r.ev.qualityDue = true
	time.AfterFunc(qualityListDelay, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.ev.qualityDue = false
		if r.closed {
			return
		}
		list := r.qualitiesLocked()
		if len(list) == 0 {
			return
		}
		r.sendToLocked(wire.Frame{Type: wire.FrameParticipantsQuality, QualityFields: wire.QualityFields{Qualities: list}},
			func(q *Participant) bool { return q.canLocked(authz.ParticipantKick) == nil })
	})
}

// qualitiesLocked is everyone's latest quality, by person id.
func (r *Room) qualitiesLocked() []wire.PersonQuality {
	var out []wire.PersonQuality
	for _, p := range r.people {
		if p.quality != nil {
			out = append(out, wire.PersonQuality{Person: p.id, ConnectionQuality: *p.quality})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Person < out[j].Person })
	return out
}
