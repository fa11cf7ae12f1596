// Package pipelinetest holds fakes of the pipeline's seams for tests, kept
// beside the interfaces they stand in for so every package (and the
// firmware) tests against the same behaviour instead of hand-rolling its own.
//
// Recognizer is a pipeline.Recognizer that returns scripted results and
// records what it is fed; Source is an audio source fed by the test. Both
// are safe for concurrent use, because the code under test calls them from
// its own goroutines while the test inspects them.
//
// Every method that waits takes a context and gives up when it is done, so
// a test that goes wrong fails at its deadline instead of hanging.
//
// LateMic is a microphone paced by the clock that delivers its audio late
// and says when it was captured (an audio.TimedSource), for tests of what
// push-to-talk decodes at a release; inside a testing/synctest bubble its
// time is virtual.
//
// Source and LateMic satisfy audio's interfaces without importing package
// audio, so that audio's own tests can use them without an import cycle.
package pipelinetest
