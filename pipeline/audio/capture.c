// The capture device's data callback, in C so that a period costs no call
// into Go: it writes the ring and calls Go (harkWake) only once the reader's
// want is queued, every half second while push-to-talk's button is up.
//
// miniaudio.h is the declarations half of the miniaudio.h that malgo
// compiles, with its licence: the device is initialised here, on malgo's
// context and with malgo's miniaudio, because malgo's InitDevice always
// installs its Go callback. TestMiniaudioHeaderIsMalgos keeps the two in
// step, and hark_miniaudio_matches checks at run time.

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "miniaudio.h"
#include "capture.h"
#include "_cgo_export.h"

// Every counter access is sequentially consistent: the writer stores written
// and then loads want while the reader stores want and then loads written,
// so one of the two sees the other's store and a wake-up is never lost.
#define LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)

void hark_ring_init(hark_ring *r, uint64_t size, int64_t base) {
	memset(r, 0, sizeof *r);
	r->size = size;
	r->base = base;
}

// hark_ring_write counts a period, queues it whole or, when it does not fit,
// drops it and counts an overrun, then notes at (after written: see
// Capture.Captured). It returns whether the reader's want is queued.
int hark_ring_write(hark_ring *r, const void *p, uint64_t n, int64_t at) {
	int wake = 0;
	ADD(&r->frames, 1);
	uint64_t w = LOAD(&r->written), rd = LOAD(&r->read);
	if (n > r->size - (w - rd)) {
		ADD(&r->overruns, 1);
	} else {
		uint64_t off = w % r->size, first = n < r->size - off ? n : r->size - off;
		memcpy(r->buf + off, p, first);
		memcpy(r->buf, (const unsigned char *)p + first, n - first);
		w += n;
		STORE(&r->written, w);
		// rd may be stale; that only makes for a needless wake-up.
		wake = w - rd >= LOAD(&r->want);
	}
	STORE(&r->at, at);
	return wake;
}

// hark_ring_read moves up to n bytes (whole samples) into p.
uint64_t hark_ring_read(hark_ring *r, void *p, uint64_t n) {
	uint64_t rd = LOAD(&r->read), w = LOAD(&r->written);
	if (n > w - rd) {
		n = w - rd;
	}
	n &= ~(uint64_t)1;
	if (n == 0) {
		return 0;
	}
	uint64_t off = rd % r->size, first = n < r->size - off ? n : r->size - off;
	memcpy(p, r->buf + off, first);
	memcpy((unsigned char *)p + first, r->buf, n - first);
	STORE(&r->read, rd + n);
	return n;
}

uint64_t hark_ring_buffered(hark_ring *r) {
	uint64_t w = LOAD(&r->written);
	return w - LOAD(&r->read);
}

void hark_ring_want(hark_ring *r, uint64_t n) { STORE(&r->want, n); }
uint64_t hark_ring_overruns(hark_ring *r) { return LOAD(&r->overruns); }
uint64_t hark_ring_frames(hark_ring *r) { return LOAD(&r->frames); }
int64_t hark_ring_at(hark_ring *r) { return LOAD(&r->at); }

// hark_monotonic is the clock of Go's monotonic time readings on Linux.
int64_t hark_monotonic(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// hark_miniaudio_matches reports whether the linked miniaudio is the one
// miniaudio.h declares.
int hark_miniaudio_matches(void) {
	ma_uint32 major, minor, revision;
	ma_version(&major, &minor, &revision);
	return major == MA_VERSION_MAJOR && minor == MA_VERSION_MINOR && revision == MA_VERSION_REVISION;
}

struct hark_device {
	ma_device dev;
	hark_ring *ring;
	uintptr_t handle; // the Go side's cgo.Handle
};

static void on_data(ma_device *dev, void *out, const void *in, ma_uint32 frames) {
	hark_device *d = dev->pUserData;
	int64_t at = hark_monotonic() - d->ring->base;
	(void)out;
	if (hark_ring_write(d->ring, in, (uint64_t)frames * 2, at)) { // S16 mono
		harkWake(d->handle);
	}
}

static void on_notification(const ma_device_notification *n) {
	if (n->type == ma_device_notification_type_stopped) {
		harkStopped(((hark_device *)n->pDevice->pUserData)->handle);
	}
}

// hark_device_open initialises a mono S16 capture device on ctx (id NULL:
// the default) writing r; periods 0 keeps the backend's buffer. It stores
// miniaudio's result in *result and returns NULL on failure.
hark_device *hark_device_open(void *ctx, void *id, uint32_t rate, uint32_t period_ms, uint32_t periods,
	hark_ring *r, uintptr_t handle, int *result) {
	hark_device *d = calloc(1, sizeof *d);
	if (d == NULL) {
		*result = MA_OUT_OF_MEMORY;
		return NULL;
	}
	d->ring = r;
	d->handle = handle;
	ma_device_config cfg = ma_device_config_init(ma_device_type_capture);
	cfg.capture.pDeviceID = id;
	cfg.capture.format = ma_format_s16;
	cfg.capture.channels = 1;
	cfg.sampleRate = rate;
	if (periods > 0) {
		cfg.periodSizeInMilliseconds = period_ms;
		cfg.periods = periods;
	}
	cfg.dataCallback = on_data;
	cfg.notificationCallback = on_notification;
	cfg.pUserData = d;
	*result = ma_device_init(ctx, &cfg, &d->dev);
	if (*result != MA_SUCCESS) {
		free(d);
		return NULL;
	}
	return d;
}

int hark_device_start(hark_device *d) { return ma_device_start(&d->dev); }
int hark_device_stop(hark_device *d) { return ma_device_stop(&d->dev); }

void hark_device_close(hark_device *d) {
	ma_device_uninit(&d->dev);
	free(d);
}
