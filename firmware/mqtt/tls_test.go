package mqtt

import (
	"context"
	"strings"
	"testing"

	"github.com/hark-assistant/hark/firmware/mqtt/mqtttest"
)

func TestTLSBrokerWithCAFile(t *testing.T) {
	b := mqtttest.StartTLS(t)
	cfg := configFor(b, "kitchen") // mqtts://
	cfg.CAFile = b.CAFile()
	r := runClient(t, cfg)
	waitUntil(t, "the client connects over TLS", func() bool { return r.Stats().Connects == 1 })

	// A broker whose certificate the CA file does not vouch for is refused:
	// another broker's CA signed nothing of this one's.
	cfg.CAFile = mqtttest.StartTLS(t).CAFile()
	c, err := New(cfg, newInputs(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := c.Forget(ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("connecting with the wrong CA: %v, want a certificate error", err)
	}
}
