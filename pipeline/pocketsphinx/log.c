//go:build pocketsphinx

// sphinxbase logs through a variadic callback, which Go cannot export; this
// shim formats each message and hands it to Go.
#include <stdarg.h>
#include <stdio.h>
#include <sphinxbase/err.h>
#include "_cgo_export.h"

static void harkPocketsphinxLog(void *user, err_lvl_t lvl, const char *fmt, ...) {
	(void)user;
	if (lvl < ERR_WARN) {
		return; // INFO is a page of settings per decoder; drop it.
	}
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	goPocketsphinxLog((int)lvl, buf);
}

void harkPocketsphinxSetLog(void) {
	// The decoder prints its settings straight to the log file; none then.
	err_set_logfp(NULL);
	err_set_callback(harkPocketsphinxLog, NULL);
}
