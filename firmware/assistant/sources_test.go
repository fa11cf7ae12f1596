package assistant

import (
	"slices"
	"testing"
	"time"
)

// waitWindow waits until the window of n remote listens has ended (the
// fake clock's timer fires on a goroutine of its own), and returns
// whether the last one released the utterance.
func (h *harness) waitWindow(n int) bool {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		recs := h.logs.records(h.t, windowOver)
		if len(recs) >= n {
			return recs[n-1]["released"] == true
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no end of listen window %d within %v", n, waitLimit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// edges are the release edges the listener's Up calls got.
func (h *harness) edges() []time.Time {
	h.listener.mu.Lock()
	defer h.listener.mu.Unlock()
	return slices.Clone(h.listener.edges)
}

// A listen asked for from elsewhere lasts the window, then the utterance
// is decoded and answered.
func TestRemoteListenEndsAfterItsWindow(t *testing.T) {
	h := newHarnessWith(t, nil, Options{ListenWindow: 5 * time.Second})
	h.listener.say("what time is it")
	h.a.Send(Input{Kind: Pressed, Source: FromRemote})
	h.expectStates(Listening)
	h.clock.Advance(5 * time.Second)
	if !h.waitWindow(1) {
		t.Fatal("the window did not end the remote listen")
	}
	if states := h.untilRest(); states[0] != Thinking {
		t.Errorf("states after the window %v, want thinking first", states)
	}
	if got := h.said(); !slices.Equal(got, []string{"It's 3:04 PM."}) {
		t.Errorf("said %q", got)
	}
}

// Neither a person holding the button nor a listen asked for from
// elsewhere ends the other's utterance. Before, a remote listen released
// the button 5 s later whoever was listening by then.
func TestRemoteListenAndButtonNeverEndEachOther(t *testing.T) {
	release := noon.Add(7 * time.Second)
	tests := []struct {
		name  string
		first Source // who starts listening
	}{
		{"button takes over a remote listen", FromRemote},
		{"remote listen while the button is held", FromButton},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessWith(t, nil, Options{ListenWindow: 5 * time.Second})
			h.listener.say("what time is it")
			h.a.Send(Input{Kind: Pressed, Source: tt.first})
			h.expectStates(Listening)
			second := FromButton
			if tt.first == FromButton {
				second = FromRemote
			}
			h.a.Send(Input{Kind: Pressed, Source: second})
			h.clock.Advance(5 * time.Second)
			if tt.first == FromRemote && h.waitWindow(1) {
				t.Fatal("the window ended the utterance the button had taken over")
			}
			// A remote listen ignored while the button is held arms no window.
			h.a.Send(Input{Kind: Released, Source: FromButton, At: release})
			h.untilRest()
			if got := h.edges(); !slices.Equal(got, []time.Time{release}) {
				t.Errorf("utterances ended at %v, want only at the button's release %v", got, release)
			}
		})
	}
}

// A release that is not the listener's (the button let go during a remote
// listen it did not take over) does not end the utterance.
func TestStrayReleaseDoesNotEndARemoteListen(t *testing.T) {
	h := newHarnessWith(t, nil, Options{ListenWindow: 5 * time.Second})
	h.listener.say("what time is it")
	h.a.Send(Input{Kind: Pressed, Source: FromRemote})
	h.expectStates(Listening)
	h.a.Send(Input{Kind: Released, Source: FromButton, At: noon})
	h.clock.Advance(5 * time.Second)
	if !h.waitWindow(1) {
		t.Fatal("the stray release ended the remote listen before its window")
	}
	h.untilRest()
	if got := h.edges(); len(got) != 1 || !got[0].IsZero() {
		t.Errorf("utterances ended at %v, want once, by the window", got)
	}
}
