package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A second Ctrl-C ends Hark at once when the clean stop the first asked for
// hangs. Before, signals stayed caught until run returned, so only SIGKILL
// ended such a process.
func TestSecondSignalEndsAHungShutdown(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Under qemu-user (make pi-test) the test binary is started through
	// the emulator, which passes signals on to it.
	cmd := exec.Command(exe)
	if wrap := strings.Fields(os.Getenv("HARK_TEST_EXEC")); len(wrap) > 0 {
		cmd = exec.Command(wrap[0], append(wrap[1:], exe)...)
	}
	cmd.Env = append(os.Environ(), "HARK_TEST_MAIN=hung-shutdown")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	lines := make(chan string, 2)
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		waitErr = cmd.Wait()
	}()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-lines:
			if got != want {
				t.Fatalf("printed %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %q within 10 s", want)
		}
	}
	expect("ready")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	expect("stopping")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if ee, ok := waitErr.(*exec.ExitError); !ok || ee.ExitCode() != exitInterrupted {
			t.Errorf("the process ended with %v, want exit status %d", waitErr, exitInterrupted)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a second SIGINT did not end a process whose shutdown hangs")
	}
}
