package regfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, wantErr string }{
		{regular, ""},
		{fifo, fifo + " is a named pipe, not a regular file"},
		{dir, dir + " is a directory, not a regular file"},
		{"/dev/null", "/dev/null is a character device, not a regular file"},
	} {
		done := make(chan error, 1)
		go func() {
			f, _, err := Open(tt.path)
			if err == nil {
				f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if got := errString(err); got != tt.wantErr {
				t.Errorf("Open(%s): %q, want %q", tt.path, got, tt.wantErr)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Open(%s) blocked for 5s", tt.path)
			// Open the FIFO's other end so that Open returns.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			<-done
		}
	}
	if _, _, err := Open(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestReadAll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	for _, tt := range []struct {
		size, max int64
		wantErr   string
	}{
		{0, 4 << 10, ""},
		{4 << 10, 4 << 10, ""},
		{4<<10 + 1, 4 << 10, " is larger than 4 KiB"},
		{1<<20 + 1, 1 << 20, " is larger than 1 MiB"},
		{101, 100, " is larger than 100 bytes"},
	} {
		if err := os.WriteFile(path, []byte(strings.Repeat("x", int(tt.size))), 0o600); err != nil {
			t.Fatal(err)
		}
		f, _, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		data, err := ReadAll(f, tt.max)
		f.Close()
		switch {
		case tt.wantErr != "" && errString(err) != path+tt.wantErr:
			t.Errorf("ReadAll of %d bytes, at most %d: %v, want %q", tt.size, tt.max, err, path+tt.wantErr)
		case tt.wantErr == "" && (err != nil || int64(len(data)) != tt.size):
			t.Errorf("ReadAll of %d bytes, at most %d: %d bytes, %v", tt.size, tt.max, len(data), err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
