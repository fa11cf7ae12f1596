package mqtt

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The CA and password files must be regular files of a bounded size: a FIFO
// would block config check and Run for good, /dev/zero would fill memory.
func TestFilesMustBeRegularAndSmall(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(name string, size int) string {
		path := filepath.Join(dir, name)
		data := []byte("pw\n" + strings.Repeat("#", size-3))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	hugeCA := write("ca.pem", maxCAFile+1)
	fullPassword := write("password-full", maxPasswordFile)
	hugePassword := write("password-huge", maxPasswordFile+1)

	for _, tc := range []struct {
		name         string
		ca, password string // the file named
		wantErr      string // "" accepted
	}{
		{"ca fifo", fifo, "", "mqtt.ca_file: " + fifo + " is a named pipe, not a regular file"},
		{"ca directory", dir, "", "mqtt.ca_file: " + dir + " is a directory, not a regular file"},
		{"ca huge", hugeCA, "", "mqtt.ca_file: " + hugeCA + " is larger than 1 MiB"},
		{"password fifo", "", fifo, "mqtt.password_file: " + fifo + " is a named pipe, not a regular file"},
		{"password directory", "", dir, "mqtt.password_file: " + dir + " is a directory, not a regular file"},
		{"password huge", "", hugePassword, "mqtt.password_file: " + hugePassword + " is larger than 4 KiB"},
		{"password at the limit", "", fullPassword, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Broker: "mqtt://broker.local", CAFile: tc.ca, PasswordFile: tc.password}
			if tc.ca != "" {
				cfg.Broker = "mqtts://broker.local"
			}
			if tc.password != "" {
				cfg.Username = "hark"
			}
			done := make(chan error, 1)
			go func() {
				_, err := New(cfg, newInputs(), nil)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Errorf("New blocked for 5s on %s", fifo)
				// Open the FIFO's other end so that New returns.
				if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
				<-done
				return
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("New: %v, want %q", err, tc.wantErr)
			}
		})
	}
}
