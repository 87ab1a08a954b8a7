package room_test

import (
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediactl"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
)

// Two breakout groups do not hear each other: a member of group A receives the RTP of group
// A's publishers and none of group B's, and no longer the main stage, which goes on for those
// not in a group and is the only thing recorded. A host visiting group B receives B's tracks
// and is heard there (and not on the main stage meanwhile); ending the groups brings everyone
// back to the main stage, and a participant who spoke in a group is no longer forwarded.
func TestBreakoutGroupsHaveTheirOwnAudioAndVideo(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	speaker := n.Join(t, session, "speaker", authz.SessionSpeaker)
	a1 := n.Join(t, session, "a1", authz.SessionParticipant)
	a2 := n.Join(t, session, "a2", authz.SessionParticipant)
	b1 := n.Join(t, session, "b1", authz.SessionParticipant)
	b2 := n.Join(t, session, "b2", authz.SessionParticipant)
	speaker.Publish("audio", "video")
	host.Publish("audio")
	for _, c := range []*mediatest.Client{a1, a2, b1, b2} {
		moreFrom(t, c, "speaker", "video", 20)
		moreFrom(t, c, "host", "audio", 20)
	}
	// Participants off stage are refused in the main room; their tracks wait, read and dropped.
	// (Publishing once every offer of the node is answered: Pion peers cannot settle crossing
	// offers, which the room page does as the polite side.)
	for _, c := range []*mediatest.Client{a1, b1} {
		c.Publish("audio", "video")
		c.ExpectError(wire.CodePublishRefused)
	}
	host.Send(wire.Frame{Type: wire.FrameRecordStart})
	expectRecordingState(t, a2, mediactl.RecordingActive)

	host.SendRoom(wire.FrameBreakoutCreate, wire.RoomFields{Names: []string{"Table A", "Table B"}})
	for person, group := range map[string]string{"a1": "brk1", "a2": "brk1", "b1": "brk2", "b2": "brk2"} {
		host.Send(wire.Frame{Type: wire.FrameBreakoutMove, Person: person, RoomFields: wire.RoomFields{ID: group}})
	}
	host.Sync()
	host.SendRoom(wire.FrameBreakoutStart, wire.RoomFields{})
	expectGroup(t, a2, "Table A", "a1", "a2")
	expectGroup(t, b2, "Table B", "b1", "b2")

	// Everyone in a group may speak in it: the participants' waiting tracks are forwarded there.
	for _, kind := range []string{"audio", "video"} {
		moreFrom(t, a2, "a1", kind, 20)
		moreFrom(t, b2, "b1", kind, 20)
	}
	// While both groups speak, A hears A only, B hears B only, and the main room (the host,
	// the speaker) hears neither; the main stage goes on for the host and pauses for groups.
	never := []heard{{a2, "b1"}, {a2, "speaker"}, {a2, "host"}, {b2, "a1"}, {b2, "speaker"}, {host, "a1"}, {host, "b1"}, {speaker, "a1"}}
	whileReceiving(t, never, func() {
		moreFrom(t, a2, "a1", "audio", 50)
		moreFrom(t, b2, "b1", "audio", 50)
		moreFrom(t, host, "speaker", "audio", 50)
	})
	wantPublishersSending(t, n, "a1", "b1", "speaker", "host")
	wantRecorded(t, n, map[string]bool{"speaker": true, "host": true, "a1": false, "b1": false})

	// The host visits Table B: they hear B and B hears them; Table A and the main room do not,
	// and the host's audio leaves the recording (the main stage) while they visit.
	host.SendRoom(wire.FrameBreakoutVisit, wire.RoomFields{ID: "brk2"})
	if v := expectGroup(t, b2, "Table B", "b1", "b2", "host"); !visiting(v, "host") {
		t.Errorf("Table B's members are not told the host visits: %+v", v)
	}
	expectGroup(t, host, "Table B", "b1", "b2", "host")
	moreFrom(t, host, "b1", "video", 20)
	moreFrom(t, b2, "host", "audio", 20)
	recordedHost := recordedPackets(t, n, "host")
	whileReceiving(t, []heard{{a2, "host"}, {speaker, "host"}, {host, "speaker"}, {host, "a1"}}, func() {
		moreFrom(t, b2, "host", "audio", 50)
		moreFrom(t, host, "b1", "audio", 50)
	})
	if got := recordedPackets(t, n, "host"); got != recordedHost {
		t.Errorf("the visiting host's audio went on being recorded: %d packets, then %d", recordedHost, got)
	}

	// Ending the groups restores the main stage for everyone, the host's visit included; a1
	// is no longer forwarded (not on stage), and the host is recorded again.
	host.SendRoom(wire.FrameBreakoutEnd, wire.RoomFields{})
	for _, c := range []*mediatest.Client{a2, b2, host} {
		for c.Expect(wire.FrameBreakout).Breakout != nil { // earlier changes' frames first
		}
	}
	moreFrom(t, a2, "speaker", "video", 20)
	moreFrom(t, b2, "host", "audio", 20)
	moreFrom(t, speaker, "host", "audio", 20)
	whileReceiving(t, []heard{{a2, "a1"}, {b2, "b1"}, {host, "a1"}}, func() {
		moreFrom(t, a2, "speaker", "audio", 50)
		moreFrom(t, b2, "host", "audio", 50)
	})
	mediatest.WaitFor(t, "the host recorded again", func() bool { return recordedPackets(t, n, "host") > recordedHost })
}

// heard names a subscriber and a publisher whose packets it must not receive.
type heard struct {
	to   *mediatest.Client
	from string
}

// moreFrom waits until c received count more packets of kind from stream than now.
func moreFrom(t *testing.T, c *mediatest.Client, stream, kind string, count int) {
	t.Helper()
	want := c.Received(stream, kind) + count
	mediatest.WaitFor(t, c.Name+" receiving "+kind+" from "+stream, func() bool { return c.Received(stream, kind) >= want })
}

// whileReceiving runs during (which waits for media that must flow) and fails if any of
// never got a packet meanwhile.
func whileReceiving(t *testing.T, never []heard, during func()) {
	t.Helper()
	before := make([]int, len(never))
	for i, h := range never {
		before[i] = h.to.Received(h.from, "audio") + h.to.Received(h.from, "video")
	}
	during()
	for i, h := range never {
		if got := h.to.Received(h.from, "audio") + h.to.Received(h.from, "video"); got != before[i] {
			t.Errorf("%s received %d packets of %s, who is elsewhere", h.to.Name, got-before[i], h.from)
		}
	}
}

// wantPublishersSending checks the node was still reading each person's tracks, so silence
// elsewhere was the routing and not a publisher that stopped.
func wantPublishersSending(t *testing.T, n *mediatest.Node, people ...string) {
	t.Helper()
	for _, p := range people {
		if read, _, tracks := n.TrackStats(t, session, p); read == 0 || tracks == 0 {
			t.Errorf("%s: %d tracks, %d packets read", p, tracks, read)
		}
	}
}

// expectGroup waits for c's breakout frame naming group with exactly people in it.
func expectGroup(t *testing.T, c *mediatest.Client, group string, people ...string) *wire.BreakoutView {
	t.Helper()
	for {
		v := c.Expect(wire.FrameBreakout).Breakout
		if v == nil || v.Name != group || len(v.People) != len(people) {
			continue // an earlier change's frame
		}
		for i, p := range v.People {
			if p.Person != people[i] || p.Name == "" {
				t.Fatalf("%s: %s has %+v, want %v", c.Name, group, v.People, people)
			}
		}
		return v
	}
}

func visiting(v *wire.BreakoutView, person string) bool {
	for _, p := range v.People {
		if p.Person == person {
			return p.Visiting
		}
	}
	return false
}

// wantRecorded checks whose tracks the running recording writes.
func wantRecorded(t *testing.T, n *mediatest.Node, want map[string]bool) {
	t.Helper()
	for person, recorded := range want {
		if got := recordedPackets(t, n, person) > 0; got != recorded {
			t.Errorf("%s recorded: %v, want %v", person, got, recorded)
		}
	}
}

// recordedPackets counts the packets of person's tracks written to the recording so far.
func recordedPackets(t *testing.T, n *mediatest.Node, person string) uint64 {
	t.Helper()
	st, err := n.Room(t, session).StartRecording() // idempotent: the running recording's status
	if err != nil {
		t.Fatal(err)
	}
	var sum uint64
	for _, tr := range st.Tracks {
		if tr.PersonID == person {
			sum += tr.Packets
		}
	}
	return sum
}
