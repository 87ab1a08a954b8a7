package udpbatch_test

import (
	"bytes"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/onairhq/onair/media/udpbatch"
)

// sender is a batching Conn on a socket opened the way the media service opens its shared
// port (every address, dual stack).
func sender(t *testing.T, opts udpbatch.Options) *udpbatch.Conn {
	t.Helper()
	udp, err := net.ListenUDP("udp", &net.UDPAddr{})
	if err != nil {
		t.Fatal(err)
	}
	c := udpbatch.New(udp, opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func receiver(t *testing.T, network, ip string) *net.UDPConn {
	t.Helper()
	conn, err := net.ListenUDP(network, &net.UDPAddr{IP: net.ParseIP(ip)})
	if err != nil {
		t.Skipf("no %s loopback: %v", network, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// receive reads want datagrams; the deadline only stops a broken build from hanging.
func receive(t *testing.T, conn *net.UDPConn, want int) [][]byte {
	t.Helper()
	var got [][]byte
	buf := make([]byte, 2048)
	for len(got) < want {
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("after %d of %d datagrams: %v", len(got), want, err)
		}
		got = append(got, append([]byte(nil), buf[:n]...))
	}
	return got
}

func datagram(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("%05d|", i)), 1+i%180) // 6 to 1,080 bytes
}

func TestDatagramsArriveIntactAndInOrder(t *testing.T) {
	for _, tc := range []struct{ network, ip string }{{"udp4", "127.0.0.1"}, {"udp6", "::1"}} {
		t.Run(tc.network, func(t *testing.T) {
			c := sender(t, udpbatch.Options{MaxBatch: 16})
			rx := receiver(t, tc.network, tc.ip)
			const count = 64 // four full batches, within the receiver's socket buffer
			for i := range count {
				b := datagram(i)
				if _, err := c.WriteTo(b, rx.LocalAddr()); err != nil {
					t.Fatal(err)
				}
				clear(b) // the queue must own a copy
			}
			for i, got := range receive(t, rx, count) {
				if !bytes.Equal(got, datagram(i)) {
					t.Fatalf("datagram %d arrived as %q…", i, got[:min(len(got), 12)])
				}
			}
		})
	}
}

func TestLoneDatagramLeavesWithoutFurtherWrites(t *testing.T) {
	c := sender(t, udpbatch.Options{MaxBatch: 1000, MaxDelay: time.Millisecond})
	rx := receiver(t, "udp4", "127.0.0.1")
	if _, err := c.WriteToAddrPort([]byte("alone"), rx.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, rx, 1); string(got[0]) != "alone" {
		t.Fatalf("received %q", got[0])
	}
}

func TestCloseSendsWhatIsQueued(t *testing.T) {
	c := sender(t, udpbatch.Options{MaxBatch: 1000, MaxDelay: time.Hour})
	rx := receiver(t, "udp4", "127.0.0.1")
	for i := range 3 {
		if _, err := c.WriteTo(datagram(i), rx.LocalAddr()); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for i, got := range receive(t, rx, 3) {
		if !bytes.Equal(got, datagram(i)) {
			t.Fatalf("datagram %d differs after close", i)
		}
	}
	if _, err := c.WriteTo([]byte("late"), rx.LocalAddr()); err == nil {
		t.Fatal("write after close was accepted")
	}
}
