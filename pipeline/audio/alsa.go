package audio

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gen2brain/malgo"
)

// alsaPCMName is an ALSA PCM name with arguments, as `arecord -L` prints
// them (plughw:CARD=seeed2micvoicec,DEV=0, sysdefault:CARD=Loopback) or as
// people write them (hw:1,0, plughw:1): a plugin name, a colon, and no
// white space.
var alsaPCMName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*:\S*$`)

// alsaBareNames are the ALSA PCM names without arguments that `arecord -L`
// prints or people use.
var alsaBareNames = []string{"default", "sysdefault", "null", "pulse", "pipewire", "jack", "hw", "plughw", "dmix", "dsnoop"}

// isALSAName reports whether device has the form of an ALSA PCM name, as
// `arecord -L` and `aplay -L` print them or in the hw:/plughw: forms
// (hw:1,0).
func isALSAName(device string) bool {
	for _, bare := range alsaBareNames {
		if device == bare {
			return true
		}
	}
	return alsaPCMName.MatchString(device)
}

// chooseBackend is the backend that opens device when backend is
// configured, and whether device is an ALSA PCM name to open as it is: one
// of that form, or a name alsa-lib lists (a PCM of asound.conf such as a
// HAT's "capture"). An ALSA name with no backend set means alsa; on other
// backends names are matched against their device lists.
func chooseBackend(backend, device string) (string, bool) {
	if backend != "" && backend != "alsa" {
		return backend, false
	}
	if isALSAName(device) || alsaListed(device) {
		return "alsa", true
	}
	return backend, false
}

// alsaListed reports whether alsa-lib lists a PCM called device. An index
// or the default is not a name.
func alsaListed(device string) bool {
	if _, err := strconv.Atoi(device); err == nil || device == "" {
		return false
	}
	capture, playback, err := ListALSA()
	if err != nil {
		return false
	}
	named := func(d ALSADevice) bool { return d.Name == device }
	return slices.ContainsFunc(capture, named) || slices.ContainsFunc(playback, named)
}

// alsaDeviceID is miniaudio's device ID of an ALSA PCM name: on the alsa
// backend, ma_device_id holds the name itself (char alsa[256]), which
// miniaudio hands to snd_pcm_open as it is unless it starts with a colon.
func alsaDeviceID(name string) (*malgo.DeviceID, error) {
	var id malgo.DeviceID
	const max = 256 // sizeof(ma_device_id.alsa), with its NUL
	if len(name) >= max || len(name) >= len(id) {
		return nil, fmt.Errorf("ALSA device name %.40q... is longer than %d bytes", name, max-1)
	}
	copy(id[:], name)
	return &id, nil
}

// alsaCard is a sound card as /proc/asound/cards lists it.
type alsaCard struct {
	Index       int
	ID          string // what CARD= takes
	Description string
}

// cardLine is the first line of a card in /proc/asound/cards:
// ` 0 [Loopback       ]: Loopback - Loopback`.
var cardLine = regexp.MustCompile(`^\s*(\d+)\s+\[(\S+)\s*\]:\s*(.*)$`)

// parseALSACards reads /proc/asound/cards.
func parseALSACards(r io.Reader) []alsaCard {
	var cards []alsaCard
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := cardLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		desc := m[3]
		if _, after, ok := strings.Cut(desc, " - "); ok {
			desc = after
		}
		cards = append(cards, alsaCard{Index: i, ID: m[2], Description: strings.TrimSpace(desc)})
	}
	return cards
}

// procCards is where the kernel lists sound cards; a variable for tests.
var procCards = "/proc/asound/cards"

// alsaCardsHint says which sound cards the kernel has, for an ALSA name
// that did not open.
func alsaCardsHint() string {
	f, err := os.Open(procCards)
	if err != nil {
		return "the kernel has no sound cards (no " + procCards + ")"
	}
	defer f.Close()
	cards := parseALSACards(f)
	if len(cards) == 0 {
		return "the kernel has no sound cards"
	}
	list := make([]string, len(cards))
	for i, c := range cards {
		list[i] = fmt.Sprintf("%d CARD=%s (%s)", c.Index, c.ID, c.Description)
	}
	return "sound cards: " + strings.Join(list, ", ")
}

// ALSADevice is an ALSA PCM as `arecord -L` and `aplay -L` list it.
type ALSADevice struct {
	Name        string // what audio.device and speech.device take
	Description string
}

// ListALSA lists the ALSA PCM names of capture and playback devices, with
// their descriptions, as alsa-lib's device hints give them (the lists of
// `arecord -L` and `aplay -L`).
func ListALSA() (capture, playback []ALSADevice, err error) {
	id, err := backendID("alsa")
	if err != nil {
		return nil, nil, err
	}
	// Verbose enumeration keeps each hint's NAME as the device ID; the
	// default folds CARD=… names into ":card,dev" IDs.
	ctx, err := malgo.InitContext([]malgo.Backend{id}, malgo.ContextConfig{Alsa: malgo.AlsaContextConfig{UseVerboseDeviceEnumeration: 1}}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("alsa: %w", err)
	}
	defer func() {
		_ = ctx.Uninit()
		ctx.Free()
	}()
	list := func(kind malgo.DeviceType) ([]ALSADevice, error) {
		infos, err := ctx.Devices(kind)
		if err != nil {
			return nil, fmt.Errorf("listing ALSA devices: %w", err)
		}
		var out []ALSADevice
		for i := range infos {
			name := cString(infos[i].ID[:])
			if name == "" {
				continue
			}
			out = append(out, ALSADevice{Name: name, Description: infos[i].Name()})
		}
		return out, nil
	}
	if capture, err = list(malgo.Capture); err != nil {
		return nil, nil, err
	}
	if playback, err = list(malgo.Playback); err != nil {
		return nil, nil, err
	}
	return capture, playback, nil
}

// cString is b up to its first NUL.
func cString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
