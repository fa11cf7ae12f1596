// Package wyoming makes Hark a Wyoming satellite of Home Assistant: a
// push-to-talk press can be answered by Home Assistant's own voice
// pipeline (its speech-to-text, conversation agent and text-to-speech),
// and Home Assistant's timers for this device are announced by Hark.
//
// The protocol follows what the Wyoming project publishes (rhasspy/wyoming,
// release 1.7.0: wyoming/event.py for the framing, satellite.py,
// pipeline.py, audio.py, asr.py, tts.py, snd.py, timer.py, info.py for the
// events) and the way Home Assistant drives a satellite
// (homeassistant/components/wyoming/assist_satellite.py).
package wyoming
