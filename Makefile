# Hark's build. `make help` lists the targets.
#
# cgo needs our libvosk declarations (scripts/vosk) and the library itself
# (third_party/vosk/linux-ARCH, provisioned by scripts/fetch-libvosk).
# Binaries in bin/ find libvosk.so in bin/lib (rpath $ORIGIN/lib), so nobody
# has to export LD_LIBRARY_PATH; test binaries use the absolute path.

SHELL    := /bin/bash
.SHELLFLAGS := -o pipefail -c
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
HOST_ARCH := $(shell scripts/host-arch)
# Both engines are built by default (Debian packages PocketSphinx for every
# arch); the tag nopocketsphinx leaves PocketSphinx out, as cross builds do
# (scripts/cross-env). Vosk publishes no ARMv6 library, so a Pi Zero / Pi 1
# builds PocketSphinx only (tag novosk).
ifeq ($(HOST_ARCH),armv6l)
TAGS     ?= novosk
endif
TAGS     ?=
VOSK_LIB := $(CURDIR)/third_party/vosk/linux-$(HOST_ARCH)
# What the host build needs of libvosk: nothing with the tag novosk.
NEED_VOSK := $(if $(findstring novosk,$(TAGS)),,$(VOSK_LIB)/libvosk.so)
GOLDFLAGS := -s -w -X main.version=$(VERSION)
TEST_MODEL := build/testmodel

export CGO_ENABLED  := 1
export CGO_CPPFLAGS := -I$(CURDIR)/scripts/vosk
export CGO_LDFLAGS  := -L$(VOSK_LIB) -Wl,-rpath,$(VOSK_LIB)

.PHONY: help setup build demo test vet fmt-check bench test-model model \
	pi-arm64 pi-armv7 pi-test flash system-test system-test-arm64 clean

help:
	@echo "make setup      install packages, Go modules and libvosk (idempotent)"
	@echo "make demo       setup, build, then run the scripted demo"
	@echo "make test       gofmt check, go vet, all tests with -race"
	@echo "make bench      benchmarks of every package, latency and accuracy (hark-bench)"
	@echo "make build      bin/hark for this machine"
	@echo "make pi-arm64   bin/hark-linux-arm64 (Pi 3/4/5, 64-bit OS)"
	@echo "make pi-armv7   bin/hark-linux-armv7 (Pi 2/3/4, 32-bit OS)"
	@echo "                (PS=1: with PocketSphinx, from Debian's ARM packages)"
	@echo "make pi-test    cross-built tests under qemu-user, both arches"
	@echo "make model      download the real English Vosk model (internet)"
	@echo "make flash PI=user@host [ARCH=arm64|armv7|amd64] [OFFLINE=1]   install on a Pi"
	@echo "make system-test  flash into a QEMU guest with real GPIO, ALSA and systemd, and test through them (root, ~30 min)"
	@echo "                  then the same on an arm64 guest (system-test-arm64 alone: scenario 9)"

setup:
	scripts/setup

$(VOSK_LIB)/libvosk.so:
	scripts/fetch-libvosk $(HOST_ARCH)

build: $(NEED_VOSK)
	@mkdir -p bin/lib
	$(if $(NEED_VOSK),cp $(VOSK_LIB)/libvosk.so bin/lib/libvosk.so)
	CGO_LDFLAGS='-L$(VOSK_LIB) -Wl,-rpath,$$ORIGIN/lib' \
		$(GO) build -tags '$(TAGS)' -ldflags '$(GOLDFLAGS)' -o bin/hark ./firmware/cmd/hark

demo: setup build
	bin/hark demo

test-model:
	$(GO) run ./pipeline/vosk/testmodel/cmd/hark-testmodel $(TEST_MODEL)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' ; git ls-files --others --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet: $(NEED_VOSK)
	$(GO) vet -tags '$(TAGS)' ./...

# setup first: on a fresh clone `make test` installs what the tests use.
test: setup fmt-check vet
	$(GO) test -race -tags '$(TAGS)' ./...

bench: build
	@mkdir -p build
	$(GO) test -tags '$(TAGS)' -run '^$$' -bench . -benchmem ./... | tee build/bench.txt
	@echo "idle main loop + watchdog, CPU over 10 s:" | tee -a build/bench.txt
	$(GO) run ./commands/scheduler/internal/idlecpu -for 10s | tee -a build/bench.txt
	@echo "whole path, simulated push-to-talk over WAVs:" | tee -a build/bench.txt
	$(GO) run -tags '$(TAGS)' ./firmware/cmd/hark-bench --runs 20 | tee -a build/bench.txt
	@echo "accuracy: espeak-ng, flite and festival voices, clean and at 20 dB SNR, numbers as Number and as ranges:" | tee -a build/bench.txt
	$(GO) run -tags '$(TAGS)' ./firmware/cmd/hark-bench --accuracy | tee -a build/bench.txt

model:
	scripts/fetch-model

pi-arm64 pi-armv7: pi-%:
	scripts/fetch-libvosk $*
	@mkdir -p bin/lib-$*
	cp third_party/vosk/linux-$*/libvosk.so bin/lib-$*/libvosk.so
	$(if $(filter 1,$(PS)),scripts/setup-cross-pocketsphinx $*)
	. scripts/cross-env $* && $(GO) build -ldflags '$(GOLDFLAGS)' -o bin/hark-linux-$* ./firmware/cmd/hark
	@file bin/hark-linux-$* 2>/dev/null || true
	@readelf -d bin/hark-linux-$* | grep -E 'NEEDED.*(libvosk|libpocketsphinx)|RUNPATH|RPATH'
	@if [ -f third_party/vosk/linux-$*/STUB ]; then echo "note: linked against the link-only libvosk stub; fetch the real one (scripts/fetch-libvosk $*) before flashing"; fi

pi-test: pi-arm64 pi-armv7
	scripts/pi-test arm64
	scripts/pi-test armv7

# ARCH=amd64 flashes bin/hark from `make build` (x86 boards, the system-test
# rig). PORT, SSH_OPTS, CONFIG, MODEL, OFFLINE: see scripts/flash.
flash:
	@[ -n "$(PI)" ] || { echo "usage: make flash PI=user@host [ARCH=arm64|armv7|amd64] [PORT=22] [SSH_OPTS=...]"; exit 2; }
	$(if $(filter amd64,$(ARCH)),$(MAKE) build,$(MAKE) pi-$(or $(ARCH),arm64))
	PORT='$(PORT)' SSH_OPTS='$(SSH_OPTS)' CONFIG='$(CONFIG)' MODEL='$(MODEL)' OFFLINE='$(OFFLINE)' \
		scripts/flash $(PI) $(or $(ARCH),arm64)

# System tests in a QEMU guest with real systemd, GPIO (gpio-sim) and ALSA
# (snd-aloop): scripts/rig. Needs root (image build) and about 30 min.
# The arm64 guest (the Pi's architecture; scenario 9) runs after the amd64
# one, never beside it: both share this machine's two cores.
system-test:
	scripts/rig/setup
	$(MAKE) build test-model
	scripts/rig/image >/dev/null
	cd scripts/rig && $(GO) test -tags systemtest -v -count=1 -timeout 40m .
	$(MAKE) system-test-arm64

# Scenario 9: make flash of the cross-built hark-linux-arm64 (with
# PocketSphinx: PS=1) into the arm64 guest, then scenarios 1, 2, 4 and 11.
system-test-arm64:
	scripts/rig/setup
	scripts/rig/image arm64 >/dev/null
	cd scripts/rig && RIG_ARCH=arm64 $(GO) test -tags systemtest -v -count=1 -timeout 40m .

clean:
	rm -rf bin build
