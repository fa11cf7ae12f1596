package mqtt

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// silentPeer is a TCP listener on 127.0.0.1 that accepts connections and
// never answers; with connack it answers the CONNECT and then nothing, as a
// broker that stopped mid-way. It is closed, and its goroutines joined,
// when t ends.
func silentPeer(t *testing.T, connack bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				r := bufio.NewReader(c)
				if connack {
					if err := skipPacket(r); err != nil {
						return
					}
					if _, err := c.Write([]byte{0x20, 2, 0, 0}); err != nil { // CONNACK, accepted
						return
					}
				}
				io.Copy(io.Discard, r) // what else comes goes unanswered
			})
		}
	})
	return l.Addr().String()
}

// skipPacket reads one MQTT control packet: a type byte, the remaining
// length as a variable-length integer, then that many bytes.
func skipPacket(r *bufio.Reader) error {
	if _, err := r.ReadByte(); err != nil {
		return err
	}
	n, shift := 0, 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			return err
		}
		n |= int(b&0x7f) << shift
		if b&0x80 == 0 {
			break
		}
		if shift += 7; shift > 21 {
			return errors.New("malformed remaining length")
		}
	}
	_, err := r.Discard(n)
	return err
}

// TestForgetGivesUp: `hark run --mqtt-forget` against a broker that does
// not answer (no CONNACK, or no PUBACK) gives up after forgetTimeout with
// an error naming the broker, instead of waiting for ever.
func TestForgetGivesUp(t *testing.T) {
	tests := []struct {
		name    string
		connack bool
	}{
		{"no CONNACK", false},
		{"no PUBACK", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := silentPeer(t, tt.connack)
			c, err := New(Config{Broker: "mqtt://" + addr, DeviceID: "attic"}, newInputs(), testLogger(t))
			if err != nil {
				t.Fatal(err)
			}
			// The test's own bound, should Forget have none: cancelling
			// ctx ends it, so its goroutine is joined either way.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			start := time.Now()
			go func() { done <- c.Forget(ctx) }()
			limit := forgetTimeout + 3*time.Second
			var got error
			select {
			case got = <-done:
			case <-time.After(limit):
				cancel()
				<-done
				t.Fatalf("Forget still waiting after %s", limit)
			}
			took := time.Since(start)
			if got == nil || !strings.Contains(got.Error(), addr) || !strings.Contains(got.Error(), forgetTimeout.String()) {
				t.Errorf("Forget = %v, want an error naming the broker %s and the %s it waited", got, addr, forgetTimeout)
			}
			if took < forgetTimeout {
				t.Errorf("Forget gave up after %s, before its %s", took, forgetTimeout)
			}
			t.Logf("gave up after %s: %v", took.Round(time.Millisecond), got)
		})
	}
}
