package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/pion/webrtc/v4"
)

// baselineTarget is Pion's examples/broadcast: each offer is POSTed base64-encoded to its HTTP
// port and its answer is printed on its stdout; the first offer is the publisher's. It
// forwards only one (the first) track, so the publisher sends it video only.
type baselineTarget struct {
	base    string
	mu      sync.Mutex // one exchange at a time: answers come back in order on stdout
	answers *bufio.Scanner
}

func (b *baselineTarget) name() string { return "baseline" }
func (b *baselineTarget) audio() bool  { return false }

func (b *baselineTarget) open(context.Context) error { return nil }

// attach reads answers from the example's stdout.
func (b *baselineTarget) attach(stdout io.Reader) {
	b.answers = bufio.NewScanner(stdout)
	b.answers.Buffer(make([]byte, 1<<20), 1<<20)
}

// exchange sends pc's complete offer (no trickle) and applies the answer.
func (b *baselineTarget) exchange(ctx context.Context, pc *webrtc.PeerConnection) error {
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		return err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return ctx.Err()
	}
	raw, err := json.Marshal(pc.LocalDescription())
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/", strings.NewReader(base64.StdEncoding.EncodeToString(raw)))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("post offer: %w", err)
	}
	_ = resp.Body.Close()
	for b.answers.Scan() {
		var answer webrtc.SessionDescription
		dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b.answers.Text()))
		if err != nil || json.Unmarshal(dec, &answer) != nil || answer.Type != webrtc.SDPTypeAnswer {
			continue // the example's prose
		}
		return pc.SetRemoteDescription(answer)
	}
	return fmt.Errorf("baseline stdout ended before an answer: %v", b.answers.Err())
}

func (b *baselineTarget) publish(ctx context.Context, p *publisher) (func(), error) {
	return func() {}, b.exchange(ctx, p.pc)
}

func (b *baselineTarget) subscribe(ctx context.Context, s *subscriber, _ int) (func(), error) {
	if _, err := s.pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		return nil, err
	}
	return func() {}, b.exchange(ctx, s.pc)
}
