package sfu

import (
	"net"
	"runtime"
	"testing"
	"time"
)

// A node's shared socket and its twins (MediaSocket): what every twin sends leaves from the
// shared socket's port, what arrives from many peers is read on the shared socket alone, and
// a port another socket holds is refused as for a plain socket.
func TestFanoutCoresTwinsShareThePortAndNeverRead(t *testing.T) {
	s, err := ListenMediaSocket("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if runtime.GOOS == "linux" && s.Writers() != 4 {
		t.Fatalf("%d writers, want the shared socket and 3 twins", s.Writers())
	}
	port := s.Conn.LocalAddr().(*net.UDPAddr).Port
	peer, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	buf := make([]byte, 100)
	for i := range s.Writers() {
		if _, err := s.sender(i).WriteToUDP([]byte{byte(i)}, peer.LocalAddr().(*net.UDPAddr)); err != nil {
			t.Fatal(err)
		}
		_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, from, err := peer.ReadFromUDP(buf)
		if err != nil {
			t.Fatal(err)
		}
		if from.Port != port {
			t.Errorf("writer %d sent from port %d, want the shared port %d", i, from.Port, port)
		}
	}

	// Peers on many ports (the kernel would hash them over a group without the steering).
	const peers = 64
	for i := range peers {
		c, err := net.DialUDP("udp4", nil, s.Conn.LocalAddr().(*net.UDPAddr))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	got := 0
	_ = s.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for got < peers {
		if _, _, err := s.Conn.ReadFromUDP(buf); err != nil {
			t.Fatalf("the shared socket read %d of %d datagrams: %v", got, peers, err)
		}
		got++
	}
	for i := 1; i < s.Writers(); i++ {
		_ = s.sender(i).SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if n, _, err := s.sender(i).ReadFromUDP(buf); err == nil {
			t.Errorf("twin %d read a datagram of %d bytes; only the shared socket may", i, n)
		}
	}

	if other, err := ListenMediaSocket("udp4", s.Conn.LocalAddr().(*net.UDPAddr), 4, nil); err == nil {
		other.Close()
		t.Error("a second media socket on the same port was opened; want the port refused")
	}
}
