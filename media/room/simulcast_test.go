package room_test

import (
	"testing"
	"time"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
)

// A host publishes three simulcast layers to two viewers. The one behind a link of 900 kbit/s
// (a bounded queue that drops what does not fit, as a tbf qdisc) is moved to a lower layer
// within 5 s of the limit biting (the acceptance criterion) and then loses under 2 %
// of its packets; the one without a limit keeps the top layer throughout.
func TestSimulcastSubscriberBehindBandwidthLimitMovesDown(t *testing.T) {
	n := mediatest.StartNode(t)
	n.Rooms.Open(session)
	host := n.Join(t, session, "host", authz.SessionHost)
	free := n.Join(t, session, "free", authz.SessionParticipant)
	limited := n.JoinWith(t, session, "limited", authz.SessionParticipant, mediatest.ShapedAPI(t, 900_000, 150*time.Millisecond))
	host.PublishSimulcast(mediatest.RoomPageLayers...)

	freeLog, limitedLog := free.VideoLog("host"), limited.VideoLog("host")
	mediatest.WaitFor(t, "the unlimited viewer on the top layer", func() bool { return freeLog.Layer() == 2 })
	mediatest.WaitFor(t, "the limited viewer receiving video", func() bool { return limitedLog.Layer() >= 0 })
	start := time.Now()
	mediatest.WaitFor(t, "the limited viewer on a lower layer", func() bool {
		l := limitedLog.Layer()
		return l >= 0 && l < 2
	})
	took := time.Since(start)
	t.Logf("the limited viewer moved to layer %d after %v", limitedLog.Layer(), took.Round(10*time.Millisecond))
	if took > 5*time.Second {
		t.Errorf("the limited viewer took %v to move to a lower layer; want 5 s at most", took.Round(100*time.Millisecond))
	}
	// Afterwards: the queue the overload built drains first, then the loss is measured over
	// the next 4 s.
	time.Sleep(time.Second)
	from := time.Now()
	mediatest.WaitFor(t, "4 s of video after the move", func() bool { return time.Since(from) >= 4*time.Second })
	to := time.Now()
	if loss, packets := limitedLog.Loss(from, to); packets < 50 || loss >= 0.02 {
		t.Errorf("after moving down the limited viewer lost %.1f %% of %d packets; want under 2 %%", loss*100, packets)
	}
	loss, packets := limitedLog.Loss(from, to)
	t.Logf("afterwards: %.2f %% of %d packets lost; frames by layer, limited %v, unlimited %v", loss*100, packets, limitedLog.Frames(from), freeLog.Frames(start))
	if frames := limitedLog.Frames(from); frames[2] > 0 {
		t.Errorf("the limited viewer got %d frames of the top layer after moving down (%v)", frames[2], frames)
	}
	if frames := freeLog.Frames(start); frames[0]+frames[1] > 0 || frames[2] == 0 {
		t.Errorf("the unlimited viewer left the top layer: frames by layer %v", frames)
	}
}
