package assistant

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// maxOutput bounds what is kept of a declared program's output: it is
// meant to be spoken, not stored.
const maxOutput = 4 << 10

// waitDelay is how long a finished or killed program's pipes may stay open
// (held by a child it left behind) before Hark stops reading them.
const waitDelay = time.Second

// runDeclared runs a declared command's program with {name} placeholders
// filled from params, stops it (and whatever it started) after
// c.Timeout, and returns the answer to speak: Say filled in, with {output}
// the program's trimmed standard output, or the output itself.
func runDeclared(ctx context.Context, c CommandConfig, params map[string]string) (string, error) {
	args := make([]string, len(c.Run))
	for i, a := range c.Run {
		args[i] = expand(a, params)
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	// Its own process group, so a timeout also stops what a script started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	stdout := &cappedBuffer{limit: maxOutput}
	stderr := &cappedBuffer{limit: maxOutput}
	cmd.Stdout, cmd.Stderr = stdout, stderr

	err := cmd.Run()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "", fmt.Errorf("%s: %s timed out after %s", c.Name, args[0], c.Timeout)
	case ctx.Err() != nil:
		return "", ctx.Err()
	case err != nil:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if msg := firstLine(stderr.String()); msg != "" {
				return "", fmt.Errorf("%s: %s exited with status %d: %s", c.Name, args[0], exit.ExitCode(), msg)
			}
			return "", fmt.Errorf("%s: %s exited with status %d", c.Name, args[0], exit.ExitCode())
		}
		return "", fmt.Errorf("%s: %w", c.Name, err)
	}
	out := strings.TrimSpace(stdout.String())
	if c.Say == "" {
		return out, nil
	}
	values := make(map[string]string, len(params)+1)
	for k, v := range params {
		values[k] = v
	}
	values["output"] = out
	return expand(c.Say, values), nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// cappedBuffer keeps the first limit bytes written to it and drops the
// rest, so a chatty program cannot fill memory or stall on a full pipe.
// (The buffer is a field, not embedded: an embedded one's ReadFrom would
// let io.Copy bypass the cap.)
type cappedBuffer struct {
	buf   bytes.Buffer
	limit int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *cappedBuffer) String() string { return b.buf.String() }
