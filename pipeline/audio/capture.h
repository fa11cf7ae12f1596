// The ring between a capture device and Capture.Read, and the miniaudio
// capture device whose C callback writes it: see capture.c.

#ifndef HARK_CAPTURE_H
#define HARK_CAPTURE_H

#include <stdint.h>

// hark_ring is a single-producer single-consumer byte queue. Its counters
// are only ever accessed atomically, by the functions below.
typedef struct hark_ring {
	uint64_t size;     // of buf
	uint64_t written;  // total bytes ever written; only the producer stores
	uint64_t read;     // total bytes ever read; only the consumer stores
	uint64_t overruns; // chunks dropped because the ring was full
	uint64_t want;     // queued bytes the reader waits for; only the consumer stores
	uint64_t frames;   // periods delivered, for stall detection
	int64_t at;        // when the newest period was delivered, in ns from base
	int64_t base;      // the CLOCK_MONOTONIC time at counts from, in ns
	unsigned char buf[];
} hark_ring;

void hark_ring_init(hark_ring *r, uint64_t size, int64_t base);
int hark_ring_write(hark_ring *r, const void *p, uint64_t n, int64_t at);
uint64_t hark_ring_read(hark_ring *r, void *p, uint64_t n);
uint64_t hark_ring_buffered(hark_ring *r);
void hark_ring_want(hark_ring *r, uint64_t n);
uint64_t hark_ring_overruns(hark_ring *r);
uint64_t hark_ring_frames(hark_ring *r);
int64_t hark_ring_at(hark_ring *r);
int64_t hark_monotonic(void);

typedef struct hark_device hark_device;

int hark_miniaudio_matches(void);
hark_device *hark_device_open(void *ctx, void *id, uint32_t rate, uint32_t period_ms, uint32_t periods,
	hark_ring *r, uintptr_t handle, int *result);
int hark_device_start(hark_device *d);
int hark_device_stop(hark_device *d);
void hark_device_close(hark_device *d);

#endif
