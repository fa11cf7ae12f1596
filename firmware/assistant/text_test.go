package assistant

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hark-assistant/hark/commands"
)

func texts(rs []commands.Response) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return out
}

// TestTextAssistant: typed utterances go through the assistant's dispatch:
// built-ins, the configuration's declared commands and the caller's, several
// in one utterance answered in spoken order, nothing matched, nothing said.
func TestTextAssistant(t *testing.T) {
	cfg := Config{Grammar: true}
	cfg.Commands = []CommandConfig{{Name: "echo", Pattern: "echo $what:String", Run: []string{"/bin/echo", "{what}"}, Timeout: time.Minute}}
	release := make(chan struct{})
	hark, err := NewTextAssistant(cfg, []commands.Command{
		{Name: "slow", Pattern: "slow one", Handler: func(*commands.Request) (commands.Response, error) {
			<-release // the fast one answers first, but is said second
			return commands.Response{Text: "slow"}, nil
		}},
		{Name: "fast", Pattern: "fast one", Kind: commands.Async, Handler: func(*commands.Request) (commands.Response, error) {
			close(release)
			return commands.Response{Text: "fast"}, nil
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer hark.Close()
	tests := []struct {
		say  string
		want []string
	}{
		{"echo hello there", []string{"hello there"}},
		{"slow one and fast one", []string{"slow", "fast"}},
		{"repeat that", []string{"fast"}},
		{"open the pod bay doors", []string{"Sorry, I didn't get that"}},
		{"", []string{}},
	}
	for _, tt := range tests {
		got, err := hark.Say(context.Background(), tt.say)
		if err != nil {
			t.Fatalf("%q: %v", tt.say, err)
		}
		if !slices.Equal(texts(got), tt.want) {
			t.Errorf("%q: answers %q, want %q", tt.say, texts(got), tt.want)
		}
	}
}

// TestTextAssistantAnnouncement: an answer given after its turn is over
// comes with the next Say, before that utterance's own.
func TestTextAssistantAnnouncement(t *testing.T) {
	proceed, announced := make(chan struct{}), make(chan struct{})
	hark, err := NewTextAssistant(Config{}, []commands.Command{{
		Name: "download", Pattern: "download it",
		Handler: func(req *commands.Request) (commands.Response, error) {
			req.Respond(commands.Response{Text: "Downloading."})
			<-proceed
			req.Respond(commands.Response{Text: "Download done."}) // recorded when Respond returns
			close(announced)
			return commands.Response{}, nil
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer hark.Close()
	got, err := hark.Say(context.Background(), "download it")
	if err != nil || !slices.Equal(texts(got), []string{"Downloading."}) {
		t.Fatalf("answers %q, %v", texts(got), err)
	}
	close(proceed)
	<-announced
	got, err = hark.Say(context.Background(), "repeat that")
	if err != nil || !slices.Equal(texts(got), []string{"Download done.", "Download done."}) {
		t.Fatalf("answers %q, %v; want the announcement, then it repeated", texts(got), err)
	}
}

// TestTextAssistantCancelAndClose: Say gives up when its context is done;
// the next utterance cuts the abandoned one short (barge-in); after Close
// Say fails.
func TestTextAssistantCancelAndClose(t *testing.T) {
	started, cancelled := make(chan struct{}), make(chan error, 1)
	hark, err := NewTextAssistant(Config{}, []commands.Command{{
		Name: "stuck", Pattern: "think forever",
		Handler: func(req *commands.Request) (commands.Response, error) {
			close(started)
			<-req.Context().Done()
			cancelled <- req.Context().Err()
			return commands.Response{Text: "never said"}, nil
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	if _, err := hark.Say(ctx, "think forever"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Say = %v, want context.Canceled", err)
	}
	got, err := hark.Say(context.Background(), "repeat that")
	if err != nil {
		t.Fatal(err)
	}
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Errorf("stuck command ended with %v", err)
	}
	if len(got) != 1 || got[0].Command != commands.RepeatCommand {
		t.Errorf("answers %+v, want only the repeat command's", got)
	}
	if err := hark.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := hark.Say(context.Background(), "repeat that"); !errors.Is(err, ErrTextAssistantClosed) {
		t.Errorf("Say after Close = %v, want ErrTextAssistantClosed", err)
	}
}
