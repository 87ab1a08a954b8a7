package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// target is one SFU's signaling, seen from the clients.
type target interface {
	name() string
	audio() bool // whether subscribers receive audio too
	open(ctx context.Context) error
	publish(ctx context.Context, p *publisher) (func(), error)
	subscribe(ctx context.Context, s *subscriber, i int) (func(), error)
}

const (
	onairAddr    = "127.0.0.1:18090"
	baselinePort = "18080"
	onairUDPPort = "18091" // every PeerConnection on one socket, as a deployment runs it
	benchSecret  = "sfuload-bench-secret"
	connectLimit = 8 // subscribers connecting at once
)

// result is one SFU at one N.
type result struct {
	kind                 string
	n                    int
	serverCores          float64 // CPU seconds per second over the window
	serverSys            float64 // the part of serverCores spent in the kernel
	genCores             float64 // the load generator's own
	rssBase, rss         float64 // bytes, before subscribers and at the end of the window
	pktsPerSec           float64 // received by all subscribers
	expectedPerSec       float64 // sent to them (from sequence numbers)
	nominalPerSec        float64 // what the publisher's rates call for
	lossAudio, lossVideo float64
	delay                delaySummary // publisher to last subscriber, single-layer video only
	// nodeCores and nodeSubs are each server's CPU and subscribers (a room split over nodes).
	nodeCores []float64
	nodeSubs  []int
}

func startTarget(o options, kind string) (target, *server, error) {
	switch kind {
	case "onair":
		srv, _, err := startServer(o.serverCPU, []string{"ONAIR_MEDIA_SECRET=" + benchSecret,
			"ONAIR_MEDIA_ADDR=" + onairAddr, "ONAIR_MEDIA_UDP_PORT=" + onairUDPPort, "ONAIR_LOG_LEVEL=warn"}, o.onairBin, "media")
		if err != nil {
			return nil, nil, err
		}
		return onairTarget{base: "http://" + onairAddr, session: benchSession, secret: []byte(benchSecret), simulcast: o.simulcast}, srv, nil
	default:
		srv, stdout, err := startServer(o.serverCPU, nil, o.baselineBin, "-port", baselinePort)
		if err != nil {
			return nil, nil, err
		}
		b := &baselineTarget{base: "http://127.0.0.1:" + baselinePort}
		b.attach(stdout)
		return b, srv, nil
	}
}

func measure(ctx context.Context, o options, kind string, n int) (result, error) {
	if kind == "cascade" {
		return measureCascade(ctx, o, n)
	}
	t, srv, err := startTarget(o, kind)
	if err != nil {
		return result{}, err
	}
	defer srv.stop()
	setup, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if kind == "onair" {
		err = waitHTTP(setup, "http://"+onairAddr+"/healthz")
	} else {
		err = waitPort(setup, "127.0.0.1:"+baselinePort)
	}
	if err != nil {
		return result{}, err
	}
	return runRoom(ctx, setup, o, t, kind, n, []int{srv.pid()})
}

// runRoom opens the room, publishes, connects n subscribers and measures the servers pids.
func runRoom(ctx, setup context.Context, o options, t target, kind string, n int, pids []int) (result, error) {
	if err := t.open(setup); err != nil {
		return result{}, err
	}
	simulcast := o.simulcast && kind != "baseline"
	api, err := newClientAPI(simulcast)
	if err != nil {
		return result{}, err
	}
	pub, err := newPublisher(api, t.audio(), simulcast)
	if err != nil {
		return result{}, err
	}
	defer pub.pc.Close()
	closePub, err := t.publish(setup, pub)
	if err != nil {
		return result{}, err
	}
	defer closePub()
	sending, stopSending := context.WithCancel(ctx)
	defer stopSending()
	go pub.run(sending)
	if err := waitConnected(setup, pub.pc); err != nil {
		return result{}, fmt.Errorf("publisher: %w", err)
	}
	if err := sleep(ctx, time.Second); err != nil { // let the server settle before its base RSS
		return result{}, err
	}
	rssBase, err := rssBytes(pids[0])
	if err != nil {
		return result{}, err
	}

	var arrivals *arrivalLog
	if !simulcast {
		arrivals = new(arrivalLog)
	}
	subs, closers, err := connectSubscribers(setup, api, t, n, arrivals)
	defer func() {
		for _, c := range closers {
			c()
		}
		for _, s := range subs {
			_ = s.pc.Close()
		}
	}()
	if err != nil {
		return result{}, err
	}
	r, err := window(ctx, o, pids, kind, subs, arrivals)
	r.rssBase = rssBase
	perSub := float64(videoFPS * videoPacketsPer)
	if t.audio() {
		perSub += audioPacketsPerSec
	}
	r.nominalPerSec = perSub * float64(n)
	if simulcast {
		r.nominalPerSec = simulcastNominal(n, t.audio())
	}
	return r, err
}

func waitConnected(ctx context.Context, pc *webrtc.PeerConnection) error {
	for pc.ConnectionState() != webrtc.PeerConnectionStateConnected {
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return fmt.Errorf("not connected (%s): %w", pc.ConnectionState(), err)
		}
	}
	return nil
}

// connectSubscribers connects n subscribers, a few at a time, and waits until each receives
// media on every track.
func connectSubscribers(ctx context.Context, api *webrtc.API, t target, n int, arrivals *arrivalLog) ([]*subscriber, []func(), error) {
	tracks := 1
	if t.audio() {
		tracks = 2
	}
	subs := make([]*subscriber, n)
	closers := make([]func(), n)
	errs := make(chan error, n)
	sem := make(chan struct{}, connectLimit)
	var wg sync.WaitGroup
	for i := range n {
		s, err := newSubscriber(api, arrivals)
		if err != nil {
			return subs[:i], closers[:i], err
		}
		subs[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := t.subscribe(ctx, s, i)
			closers[i] = c
			if err == nil {
				err = s.waitTracks(ctx, tracks)
			}
			if err != nil {
				errs <- fmt.Errorf("subscriber %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	kept := closers[:0]
	for _, c := range closers {
		if c != nil {
			kept = append(kept, c)
		}
	}
	return subs, kept, errors.Join(collect(errs)...)
}

func collect(errs <-chan error) []error {
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

// window measures CPU, traffic and loss over the steady window after the warm-up.
func window(ctx context.Context, o options, pids []int, kind string, subs []*subscriber, arrivals *arrivalLog) (result, error) {
	r := result{kind: kind, n: len(subs)}
	if err := sleep(ctx, o.warmup); err != nil {
		return r, err
	}
	pid := pids[0]
	cpu0, err := cpuOf(pids)
	if err != nil {
		return r, err
	}
	gen0, _ := cpuSeconds(os.Getpid())
	var before counts
	for _, s := range subs {
		before.add(s.snapshot())
	}
	start := time.Now()
	if err := sleep(ctx, o.window); err != nil {
		return r, err
	}
	var after counts
	for _, s := range subs {
		after.add(s.snapshot())
	}
	elapsed := time.Since(start).Seconds()
	cpu1, err := cpuOf(pids)
	if err != nil {
		return r, err
	}
	gen1, _ := cpuSeconds(os.Getpid())
	if r.rss, err = rssBytes(pid); err != nil {
		return r, err
	}
	d := after.sub(before)
	for i := range pids {
		c := (cpu1[i].total() - cpu0[i].total()) / elapsed
		r.nodeCores = append(r.nodeCores, c)
		r.serverCores += c
		r.serverSys += (cpu1[i].sys - cpu0[i].sys) / elapsed
	}
	r.genCores = (gen1.total() - gen0.total()) / elapsed
	r.pktsPerSec = float64(d.received[0]+d.received[1]) / elapsed
	r.expectedPerSec = float64(d.expected[0]+d.expected[1]) / elapsed
	r.lossAudio, r.lossVideo = lossOf(d, 0), lossOf(d, 1)
	if arrivals != nil {
		// Packets of the window's last second may still be on their way.
		r.delay = arrivals.summary(start, start.Add(o.window-time.Second), len(subs))
	}
	return r, nil
}

// cpuOf reads the CPU times of every pid.
func cpuOf(pids []int) ([]cpuTimes, error) {
	out := make([]cpuTimes, len(pids))
	for i, pid := range pids {
		c, err := cpuSeconds(pid)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func lossOf(c counts, i int) float64 {
	if c.expected[i] == 0 || c.received[i] >= c.expected[i] {
		return 0
	}
	return 1 - float64(c.received[i])/float64(c.expected[i])
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
