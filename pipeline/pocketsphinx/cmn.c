//go:build !nopocketsphinx

// The decoder's live cepstral mean is plain library state; these save and
// restore it around decodes that must not move it (see keepCMN).
#include <string.h>
#include <pocketsphinx.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/cmn.h>

int harkCMNLen(ps_decoder_t *ps) {
	return ps_get_feat(ps)->cmn_struct->veclen;
}

// buf holds 2*len values: the mean, then the running sum; the frame count
// goes to *nframe.
void harkCMNSave(ps_decoder_t *ps, mfcc_t *buf, int32 *nframe) {
	cmn_t *c = ps_get_feat(ps)->cmn_struct;
	memcpy(buf, c->cmn_mean, c->veclen * sizeof(mfcc_t));
	memcpy(buf + c->veclen, c->sum, c->veclen * sizeof(mfcc_t));
	*nframe = c->nframe;
}

void harkCMNRestore(ps_decoder_t *ps, const mfcc_t *buf, int32 nframe) {
	cmn_t *c = ps_get_feat(ps)->cmn_struct;
	memcpy(c->cmn_mean, buf, c->veclen * sizeof(mfcc_t));
	memcpy(c->sum, buf + c->veclen, c->veclen * sizeof(mfcc_t));
	c->nframe = nframe;
}
