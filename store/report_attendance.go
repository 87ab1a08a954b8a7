package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"
)

// AttendanceReport is how the audience (participants; staff are not counted) watched a session.
type AttendanceReport struct {
	// Live and Replay count people: those with at least one live visit, and at least one
	// replay view. ReplayViews counts the views.
	Live        int `json:"live"`
	Replay      int `json:"replay"`
	ReplayViews int `json:"replay_views"`
	// WindowStart is minute 0 of Curve: when the session went live, else the first live join.
	WindowStart *time.Time `json:"window_start,omitempty"`
	// Curve is the viewers per minute: Curve[i] counts the people present at any moment of
	// minute i. PeakViewers is its maximum; AverageViewers the viewer-seconds watched inside
	// the window divided by the window's seconds.
	Curve          []int   `json:"curve"`
	PeakViewers    int     `json:"peak_viewers"`
	AverageViewers float64 `json:"average_viewers"`
	// Watched is how many live attendees watched each share of the session's length
	// (SessionSeconds): under 25 %, 25–50 %, 50–75 %, 75 % and more.
	Watched             []LabelCount `json:"watched"`
	AverageSecondsLive  float64      `json:"average_seconds_live"`
	SessionSecondsBasis int          `json:"session_seconds"`
}

// LabelCount is one bar of a distribution.
type LabelCount struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// WatchedBuckets are the labels of AttendanceReport.Watched, in order.
var WatchedBuckets = []string{"0-25", "25-50", "50-75", "75-100"}

// sessionAttendance builds the attendance part of a session's report; now closes the visits
// still open when the session has not ended.
func sessionAttendance(ctx context.Context, db bun.IDB, ses *Session, now time.Time) (AttendanceReport, error) {
	var visits []Attendance
	err := db.NewSelect().Model(&visits).Column("person_id", "kind", "joined_at", "left_at", "seconds").
		Where("session_id = ?", ses.ID).Where("role = ?", "participant").OrderExpr("person_id, joined_at").Scan(ctx)
	if err != nil {
		return AttendanceReport{}, fmt.Errorf("attendance of %s: %w", ses.ID, err)
	}
	out := AttendanceReport{Curve: []int{}, SessionSecondsBasis: SessionSeconds(ses)}
	live := map[string]int{} // seconds by person
	replay := map[string]bool{}
	var lives []Attendance
	for _, v := range visits {
		if v.Kind == AttendanceReplay {
			replay[v.PersonID] = true
			out.ReplayViews++
			continue
		}
		live[v.PersonID] += v.Seconds
		lives = append(lives, v)
	}
	out.Live, out.Replay = len(live), len(replay)
	out.Watched = watchedBuckets(live, out.SessionSecondsBasis)
	total := 0
	for _, s := range live {
		total += s
	}
	if out.Live > 0 {
		out.AverageSecondsLive = float64(total) / float64(out.Live)
	}
	start, end, ok := curveWindow(ses, lives, now)
	if !ok {
		return out, nil
	}
	out.WindowStart = &start
	out.Curve, out.AverageViewers = viewerCurve(lives, start, end)
	for _, n := range out.Curve {
		out.PeakViewers = max(out.PeakViewers, n)
	}
	return out, nil
}

// watchedBuckets spreads live attendees by the share of the session they watched.
func watchedBuckets(seconds map[string]int, basis int) []LabelCount {
	out := make([]LabelCount, len(WatchedBuckets))
	for i, l := range WatchedBuckets {
		out[i].Label = l
	}
	for _, s := range seconds {
		i := len(WatchedBuckets) - 1
		if basis > 0 {
			i = min(i, 4*s/basis)
		}
		out[i].Count++
	}
	return out
}

// curveWindow is the span the curve covers: the session's live time when it went live and
// ended, else from the first live join to the last leave (or now, someone still being in).
func curveWindow(ses *Session, lives []Attendance, now time.Time) (start, end time.Time, ok bool) {
	if ses.StartedAt != nil && ses.EndedAt != nil && ses.EndedAt.After(*ses.StartedAt) {
		return *ses.StartedAt, *ses.EndedAt, true
	}
	for i, v := range lives {
		left := now
		if v.LeftAt != nil {
			left = *v.LeftAt
		}
		if i == 0 || v.JoinedAt.Before(start) {
			start = v.JoinedAt
		}
		if i == 0 || left.After(end) {
			end = left
		}
	}
	if ses.StartedAt != nil {
		start = *ses.StartedAt
	}
	return start, end, len(lives) > 0 && end.After(start)
}

// viewerCurve counts, for each minute of [start, end), the people present during it (a
// person's overlapping visits count once), and the average viewers over the window.
func viewerCurve(lives []Attendance, start, end time.Time) ([]int, float64) {
	minutes := int((end.Sub(start) + time.Minute - 1) / time.Minute)
	diff := make([]int, minutes+1)
	var viewerSeconds float64
	type span struct{ from, to int } // minute indexes, inclusive
	byPerson := map[string][]span{}
	for _, v := range lives {
		left := end
		if v.LeftAt != nil && v.LeftAt.Before(end) {
			left = *v.LeftAt
		}
		joined := v.JoinedAt
		if joined.Before(start) {
			joined = start
		}
		if left.Before(joined) {
			continue
		}
		viewerSeconds += left.Sub(joined).Seconds()
		from := int(joined.Sub(start) / time.Minute)
		to := int((left.Sub(start) - 1) / time.Minute) // a leave on a minute's edge is not in it
		to = max(from, min(to, minutes-1))
		if from >= minutes {
			continue
		}
		byPerson[v.PersonID] = append(byPerson[v.PersonID], span{from, to})
	}
	for _, spans := range byPerson {
		sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
		cur := spans[0]
		for _, s := range spans[1:] {
			if s.from <= cur.to+1 {
				cur.to = max(cur.to, s.to)
				continue
			}
			diff[cur.from]++
			diff[cur.to+1]--
			cur = s
		}
		diff[cur.from]++
		diff[cur.to+1]--
	}
	curve := make([]int, minutes)
	n := 0
	for i := range curve {
		n += diff[i]
		curve[i] = n
	}
	return curve, viewerSeconds / end.Sub(start).Seconds()
}
