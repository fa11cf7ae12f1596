// Package rig holds Hark's system tests: they boot a QEMU guest (Debian 12
// with systemd, a gpio-sim chip shaped like a Pi header, the snd-aloop sound
// card), deploy Hark into it with `make flash` and drive it through the real
// kernel, ALSA and systemd. The tests carry the build tag systemtest, so
// `go test ./...` leaves them out; run them with `make system-test`.
//
// Scripts beside this file: setup (host packages), image (builds and caches
// the guest image), vm (boot, ssh, stop). See README.md.
package rig
