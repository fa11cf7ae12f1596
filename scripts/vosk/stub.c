/* Link-only stand-in for libvosk.so, for cross builds where the real ARM
 * library cannot be downloaded. It exports the same symbols with the same
 * signatures (checked against vosk_api.h), so a binary linked against it has
 * the same NEEDED entry and imports as one linked against the real library.
 * It must never be shipped: every constructor returns NULL, which Hark turns
 * into a clear "model could not be loaded" error rather than a crash.
 */
#include <stddef.h>
#include "vosk_api.h"

VoskModel *vosk_model_new(const char *model_path) { (void)model_path; return NULL; }
void vosk_model_free(VoskModel *model) { (void)model; }
int vosk_model_find_word(VoskModel *model, const char *word) { (void)model; (void)word; return -1; }

VoskSpkModel *vosk_spk_model_new(const char *model_path) { (void)model_path; return NULL; }
void vosk_spk_model_free(VoskSpkModel *model) { (void)model; }

VoskRecognizer *vosk_recognizer_new(VoskModel *model, float sample_rate) { (void)model; (void)sample_rate; return NULL; }
VoskRecognizer *vosk_recognizer_new_spk(VoskModel *model, float sample_rate, VoskSpkModel *spk_model) { (void)model; (void)sample_rate; (void)spk_model; return NULL; }
VoskRecognizer *vosk_recognizer_new_grm(VoskModel *model, float sample_rate, const char *grammar) { (void)model; (void)sample_rate; (void)grammar; return NULL; }
void vosk_recognizer_set_spk_model(VoskRecognizer *recognizer, VoskSpkModel *spk_model) { (void)recognizer; (void)spk_model; }
void vosk_recognizer_set_max_alternatives(VoskRecognizer *recognizer, int max_alternatives) { (void)recognizer; (void)max_alternatives; }
void vosk_recognizer_set_words(VoskRecognizer *recognizer, int words) { (void)recognizer; (void)words; }
void vosk_recognizer_set_partial_words(VoskRecognizer *recognizer, int partial_words) { (void)recognizer; (void)partial_words; }
int vosk_recognizer_accept_waveform(VoskRecognizer *recognizer, const char *data, int length) { (void)recognizer; (void)data; (void)length; return -1; }
const char *vosk_recognizer_result(VoskRecognizer *recognizer) { (void)recognizer; return "{}"; }
const char *vosk_recognizer_partial_result(VoskRecognizer *recognizer) { (void)recognizer; return "{}"; }
const char *vosk_recognizer_final_result(VoskRecognizer *recognizer) { (void)recognizer; return "{}"; }
void vosk_recognizer_reset(VoskRecognizer *recognizer) { (void)recognizer; }
void vosk_recognizer_free(VoskRecognizer *recognizer) { (void)recognizer; }

void vosk_set_log_level(int log_level) { (void)log_level; }
void vosk_gpu_init(void) {}
void vosk_gpu_thread_init(void) {}
