package speech

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
)

// CommandPlayer plays audio by running an external program with the audio
// as a WAV file on its standard input, e.g. {Path: "aplay", Args: {"-q", "-"}}
// or {Path: "paplay"}.
type CommandPlayer struct {
	Path string
	Args []string
}

// Play runs the command and waits for it. When ctx is done the command's
// whole process group is killed, so a shell pipeline stops too.
func (p CommandPlayer) Play(ctx context.Context, a Audio) error {
	cmd := exec.CommandContext(ctx, p.Path, p.Args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Stdin = bytes.NewReader(encodeWAV(a))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("speech: player %s: %w: %s", p.Path, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
