package firmware

import "context"

// scriptedMic is an audio source for the demo, selftest and `hark run
// --wav`: silent (Read blocks) until an utterance is played, which it then
// hands out as fast as it is read.
type scriptedMic struct {
	queue chan utterance
	cur   *utterance // owned by the reading goroutine
}

type utterance struct {
	pcm    []byte
	played chan struct{}
}

func newScriptedMic() *scriptedMic {
	return &scriptedMic{queue: make(chan utterance)}
}

// play queues pcm (16 kHz mono S16LE) and returns a channel closed once the
// reader has taken all of it and come back for more. A push-to-talk reader
// hands each chunk over before reading the next, so by then the recognizer
// has been fed the whole utterance.
func (m *scriptedMic) play(ctx context.Context, pcm []byte) (<-chan struct{}, error) {
	u := utterance{pcm: pcm[:len(pcm)&^1], played: make(chan struct{})}
	select {
	case m.queue <- u:
		return u.played, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Read implements audio.Source.
func (m *scriptedMic) Read(ctx context.Context, p []byte) (int, error) {
	if m.cur != nil && len(m.cur.pcm) == 0 {
		close(m.cur.played)
		m.cur = nil
	}
	if m.cur == nil {
		select {
		case u := <-m.queue:
			m.cur = &u
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	n := copy(p[:len(p)&^1], m.cur.pcm)
	m.cur.pcm = m.cur.pcm[n:]
	return n, nil
}
