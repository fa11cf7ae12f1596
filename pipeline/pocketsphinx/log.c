//go:build !nopocketsphinx

// sphinxbase logs through a variadic callback, which Go cannot export; this
// shim formats each message and hands it to Go with the log target of the
// thread it was logged on.
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sphinxbase/err.h>
#include "_cgo_export.h"

// The callback is process-wide and its user pointer too, but the library
// logs synchronously on the thread that called into it; the Go side sets
// this per call (see logRoute in recognizer.go). 0 means no target.
static _Thread_local uintptr_t harkLogTarget;

uintptr_t harkPocketsphinxSwapLogTarget(uintptr_t target) {
	uintptr_t old = harkLogTarget;
	harkLogTarget = target;
	return old;
}

static void harkPocketsphinxLog(void *user, err_lvl_t lvl, const char *fmt, ...) {
	(void)user;
	if (lvl < ERR_WARN || harkLogTarget == 0) {
		return; // INFO is a page of settings per decoder; drop it.
	}
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	goPocketsphinxLog(harkLogTarget, (int)lvl, buf);
}

void harkPocketsphinxSetLog(void) {
	// The decoder prints its settings straight to the log file; none then.
	err_set_logfp(NULL);
	err_set_callback(harkPocketsphinxLog, NULL);
}
