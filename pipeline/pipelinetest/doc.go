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
// Source satisfies audio.Source without importing package audio, so that
// audio's own tests can use it without an import cycle.
package pipelinetest
