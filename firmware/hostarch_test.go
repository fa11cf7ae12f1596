package firmware

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostArch: the build's architecture is the userland's, as dpkg says,
// not the kernel's: 32-bit Pi OS on its default 64-bit kernel once fetched
// the arm64 libvosk for an armhf userland, and the link failed.
func TestHostArch(t *testing.T) {
	tests := []struct {
		dpkg, uname, want string // dpkg "": not installed
	}{
		{"amd64", "x86_64", "amd64"},
		{"arm64", "aarch64", "arm64"},
		{"armhf", "aarch64", "armv7"}, // 32-bit Pi OS, 64-bit kernel
		{"armhf", "armv7l", "armv7"},
		{"armhf", "armv6l", "armv6l"}, // Pi Zero, Pi 1
		{"", "x86_64", "amd64"},
		{"", "aarch64", "arm64"},
		{"", "armv7l", "armv7"},
	}
	for _, tt := range tests {
		t.Run(tt.dpkg+"/"+tt.uname, func(t *testing.T) {
			bin := t.TempDir()
			fake := func(name, out string) {
				script := "#!/bin/sh\necho " + out + "\n"
				if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			fake("uname", tt.uname)
			if tt.dpkg != "" {
				fake("dpkg", tt.dpkg)
			}
			cmd := exec.Command("/bin/bash", "../scripts/host-arch")
			cmd.Env = []string{"PATH=" + bin} // only the fakes
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("host-arch: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("host-arch = %q, want %q", got, tt.want)
			}
		})
	}
}
