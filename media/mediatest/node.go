package mediatest

import (
	"log/slog"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"github.com/onairhq/onair/media"
	"github.com/onairhq/onair/media/metrics"
	"github.com/onairhq/onair/media/recording"
	"github.com/onairhq/onair/media/room"
	"github.com/onairhq/onair/media/sfu"
	"github.com/onairhq/onair/store/storetest"
)

// A whole media node for the tests of media's packages: real rooms on a real Postgres, on a
// loopback httptest server, joined by Clients (client.go) that speak the signaling protocol
// the room page speaks, each with a real Peer (peer.go). Nothing is mocked.

// WaitLimit bounds every wait for a frame or a condition.
const WaitLimit = 15 * time.Second

// TestSecret is the node's media secret: it signs join tokens and derives the control key.
var TestSecret = []byte("test media secret, not for production")

// Node is a media node under test.
type Node struct {
	Rooms      *room.Rooms
	Server     *httptest.Server
	webrtc     *webrtc.API
	Recordings *recording.Store
	DB         *bun.DB // a fresh Postgres schema: room events and attendance land here
	Clock      *Clock  // the rooms' clock: chat times, attendance seconds, rate-limit refills
	// PublicURL stands in for the API's public base URL: it serves /brand/<slug>/logo.
	PublicURL string
	// MetricsURL serves the node's /metrics (its collector alone, in a registry of its own
	// that checks every sample against its description).
	MetricsURL string
	Metrics    *metrics.Collector
}

// LoopbackAPI builds test peers as the node builds its own, on loopback.
func LoopbackAPI(t *testing.T) *webrtc.API {
	t.Helper()
	api, err := room.NewWebRTCAPI(LoopbackSettings())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// SharedUDPNetwork is the node's network as a deployment runs it: every PeerConnection on one
// (loopback) UDP socket, with a twin per core to send on, so forwarded media takes the
// downlinks' direct path.
func SharedUDPNetwork(t *testing.T) room.Network {
	t.Helper()
	socket, err := sfu.ListenMediaSocket("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := webrtc.NewICEUDPMux(nil, socket.Conn)
	t.Cleanup(func() { _ = mux.Close(); _ = socket.Close() }) // the mux closes conn without logging a read error
	se := LoopbackSettings()
	se.SetICEUDPMux(mux)
	return room.Network{Settings: se, SharedUDP: socket}
}

// StartNode is a node on a fresh store and recordings directory.
func StartNode(t *testing.T) *Node {
	t.Helper()
	return StartNodeRecordingTo(t, t.TempDir())
}

// StartNodeRecordingTo is a node whose recordings go to dir.
func StartNodeRecordingTo(t *testing.T, dir string) *Node {
	t.Helper()
	return StartNodeOn(t, dir, storetest.Postgres(t))
}

// StartNodeOn is a node on an existing store and recordings directory, as a restarted
// media node is.
func StartNodeOn(t *testing.T, dir string, db *bun.DB) *Node {
	t.Helper()
	return startNode(t, dir, db, SharedUDPNetwork(t))
}

// StartNodeWith is a node on its own network settings (a fresh store and directory).
func StartNodeWith(t *testing.T, network room.Network) *Node {
	t.Helper()
	return startNode(t, t.TempDir(), storetest.Postgres(t), network)
}

func startNode(t *testing.T, dir string, db *bun.DB, network room.Network) *Node {
	t.Helper()
	api := LoopbackAPI(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	recordings, err := recording.NewStore(recording.StoreParams{Dir: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	clock := &Clock{now: time.Now().UTC()}
	brand := startBrandServer(t)
	node, err := media.NewNode(media.NodeParams{Network: network, Logger: log, DB: db, Now: clock.Now,
		Recordings: recordings, Secret: TestSecret, PublicURL: brand.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(node)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(node.Metrics())
	metricsSrv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	t.Cleanup(func() { node.Close(); srv.Close(); metricsSrv.Close() })
	return &Node{Rooms: node.Rooms(), Server: srv, webrtc: api, Recordings: recordings, DB: db, Clock: clock, PublicURL: brand.URL,
		MetricsURL: metricsSrv.URL, Metrics: node.Metrics()}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// TestWorkspace is the workspace every test token names.
const TestWorkspace = "ws_test"

// TrackStats counts what the SFU read and forwarded of person's tracks, and how many they send.
func (n *Node) TrackStats(t *testing.T, session, person string) (read, forwarded uint64, tracks int) {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		return 0, 0, 0
	}
	s := r.MediaStats(person)
	return s.Read, s.Forwarded, s.Tracks
}

// DirectPackets counts the packets person's subscriptions received by the downlink's direct
// path (written to the shared socket, not through Pion).
func (n *Node) DirectPackets(t *testing.T, session, person string) uint64 {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		return 0
	}
	return r.MediaStats(person).Direct
}

// Clock stands still until a test moves it, so attendance seconds and rate limits are
// exact rather than timing-dependent.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// AwaitPeopleListSent waits until the participants list the last joins or leaves scheduled
// has been sent, so no list is still due when the test changes who may see it.
func (n *Node) AwaitPeopleListSent(t *testing.T, session string) {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		t.Fatalf("room %s is not open", session)
	}
	WaitFor(t, "the scheduled participants list", func() bool { return !r.PeopleListDue() })
}

// Count is how many rows of model the session has in the store, narrowed by where/args.
func (n *Node) Count(t *testing.T, model any, session, where string, args ...any) int {
	t.Helper()
	if where == "" {
		return storetest.Count(t, n.DB, model, "session_id = ?", session)
	}
	return storetest.Count(t, n.DB, model, "session_id = ? AND ("+where+")", append([]any{session}, args...)...)
}

// Room is the session's room, which must be open.
func (n *Node) Room(t *testing.T, session string) *room.Room {
	t.Helper()
	r, ok := n.Rooms.Get(session)
	if !ok {
		t.Fatalf("no room %s", session)
	}
	return r
}

// Flush waits until the session's room has written everything to the store.
func (n *Node) Flush(t *testing.T, session string) {
	t.Helper()
	n.Room(t, session).Flush()
}
