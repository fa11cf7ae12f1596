package mqtt

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA makes a CA and, if serverDir is set, a server certificate it signs
// for 127.0.0.1, written as PEM files; it returns the CA file's path.
func testCA(t *testing.T, dir string, server bool) string {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caKey := key()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Hark test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile := write("ca.pem", "CERTIFICATE", caDER)
	if server {
		srvKey := key()
		srv := &x509.Certificate{
			SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
		}
		caCert, _ := x509.ParseCertificate(caDER)
		srvDER, err := x509.CreateCertificate(rand.Reader, srv, caCert, &srvKey.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		write("server.pem", "CERTIFICATE", srvDER)
		keyDER, _ := x509.MarshalECPrivateKey(srvKey)
		write("server.key", "EC PRIVATE KEY", keyDER)
	}
	return caFile
}

func TestTLSBrokerWithCAFile(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	caFile := testCA(t, dir, true)
	wrongCA := testCA(t, other, false)
	b := startBrokerWith(t, "certfile "+filepath.Join(dir, "server.pem")+"\nkeyfile "+filepath.Join(dir, "server.key"))

	cfg := b.config(t, "kitchen")
	cfg.Broker = strings.Replace(b.url(), "mqtt://", "mqtts://", 1)
	cfg.CAFile = caFile
	r := runClient(t, cfg)
	waitUntil(t, "the client connects over TLS", func() bool { return r.Stats().Connects == 1 })

	// A broker whose certificate the CA file does not vouch for is refused.
	cfg.CAFile = wrongCA
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
