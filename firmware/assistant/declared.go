package assistant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/hark-assistant/hark/commands"
)

// maxOutput bounds what is kept of a declared program's output: it is
// meant to be spoken, not stored.
const maxOutput = 4 << 10

// waitDelay is how long a finished or killed program's pipes may stay open
// (held by a child it left behind) before Hark stops reading them.
const waitDelay = time.Second

// Intent is what a declared command's program is told of the match, as
// JSON on its standard input: {"command", "text", "params"}, the params
// by name as their values (a Number is a JSON number, a list parameter its
// value, other types their words).
type Intent struct {
	Command string          `json:"command"`
	Text    string          `json:"text"`
	Params  commands.Params `json:"params"`
}

// JSON is the intent as programs get it.
func (in Intent) JSON() string {
	params := in.Params
	if params == nil {
		params = commands.Params{}
	}
	b, err := json.Marshal(Intent{Command: in.Command, Text: in.Text, Params: params})
	if err != nil {
		return "{}" // a custom type whose value does not encode
	}
	return string(b)
}

// env is the intent as environment variables: HARK_COMMAND, HARK_TEXT and
// HARK_PARAM_<NAME> for each parameter (NAME upper-cased, any character
// other than a letter or digit as '_').
func (in Intent) env(values map[string]string) []string {
	env := []string{"HARK_COMMAND=" + in.Command, "HARK_TEXT=" + in.Text}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env = append(env, "HARK_PARAM_"+envName(name)+"="+values[name])
	}
	return env
}

func envName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToUpper(r)
		}
		return '_'
	}, name)
}

// runDeclared runs a declared command's program with {name} placeholders
// filled from the intent's parameters, the intent as JSON on its standard
// input and in its environment (see Intent), stops it (and whatever it
// started) after c.Timeout, and returns its trimmed standard output.
func runDeclared(ctx context.Context, c CommandConfig, in Intent) (string, error) {
	values := ParamStrings(in.Params)
	args := make([]string, len(c.Run))
	for i, a := range c.Run {
		args[i] = expand(a, values)
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	// Its own process group, so a timeout also stops what a script started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	cmd.Env = append(os.Environ(), in.env(values)...)
	cmd.Stdin = strings.NewReader(in.JSON() + "\n")
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
	return strings.TrimSpace(stdout.String()), nil
}

// declared carries out a declared command: its program, then its publish,
// then its answer. pick chooses the say variant.
func declared(ctx context.Context, c CommandConfig, in Intent, pub Publisher, pick func(n int) int) (string, error) {
	values := ParamStrings(in.Params)
	out := ""
	if len(c.Run) > 0 {
		var err error
		if out, err = runDeclared(ctx, c, in); err != nil {
			return "", err
		}
		values["output"] = out
	}
	if c.Publish != nil {
		if pub == nil {
			return "", fmt.Errorf("%s: publish needs the mqtt: section", c.Name)
		}
		values["intent"] = in.JSON()
		topic, err := expandTopic(c.Publish.Topic, values)
		if err != nil {
			return "", fmt.Errorf("%s: publish topic: %w", c.Name, err)
		}
		payload := expandPayload(c.Publish.Payload, values)
		if err := pub.Publish(ctx, topic, payload, c.Publish.Retain, c.Publish.QoS); err != nil {
			return "", fmt.Errorf("%s: publishing to %s: %w", c.Name, topic, err)
		}
	}
	if len(c.Say) == 0 {
		return out, nil
	}
	return expand(c.Say[pick(len(c.Say))], values), nil
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
