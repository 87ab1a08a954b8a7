package mail

import (
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// stalledServer accepts connections and never says a word, like a hung mail server.
// Each accepted connection is reported on the returned channel.
func stalledServer(t *testing.T) (addr string, accepted <-chan struct{}) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{}, 8)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			ch <- struct{}{}
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().String(), ch
}

// silentAfterDataServer speaks SMTP up to the 250 that accepts a message's data, then
// never answers again, like a server that hangs up or stalls on QUIT. The message's bytes
// (dot-unstuffed, LF line ends) are reported on the returned channel once accepted.
func silentAfterDataServer(t *testing.T) (addr string, accepted <-chan []byte) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan []byte, 1)
	conns := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		conns <- c
		tc := textproto.NewConn(c)
		_ = tc.PrintfLine("220 localhost ESMTP")
		for {
			line, err := tc.ReadLine()
			if err != nil {
				return
			}
			switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
			case "EHLO", "HELO", "MAIL", "RCPT":
				_ = tc.PrintfLine("250 ok")
			case "DATA":
				_ = tc.PrintfLine("354 go ahead")
				data, err := tc.ReadDotBytes()
				if err != nil {
					return
				}
				_ = tc.PrintfLine("250 queued")
				ch <- data
			default: // QUIT, RSET, NOOP: silence
				_, _ = io.Copy(io.Discard, c)
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		select {
		case c := <-conns:
			_ = c.Close()
		default:
		}
	})
	return l.Addr().String(), ch
}
