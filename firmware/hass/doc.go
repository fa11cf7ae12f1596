// Package hass is Hark's Home Assistant conversation fallback: a transcript
// that matches no local command is sent to Home Assistant's conversation
// API, and Hark speaks the answer.
//
// A Client posts the text to POST /api/conversation/process on the
// configured Home Assistant, authenticated with a long-lived access token
// read from a file, and returns the plain-text speech of the answer, cut at
// a word boundary to 2000 characters (two minutes of speech) with a warning
// when longer: Hark synthesises what it says in memory. While the previous
// exchange is fresh (Config.ConversationTTL) it sends that exchange's
// conversation_id, so a follow-up ("and the kitchen?") continues the same
// conversation. When an answer carries continue_conversation (the agent
// asked a question), Continuing reports it until the next exchange or
// until the conversation goes stale, so the firmware can hand the next
// utterance, the answer, to Home Assistant before its own commands.
// Every call is bounded by Config.Timeout; failures come back
// as errors that say what went wrong (no answer in time, an HTTP status,
// Home Assistant's own error response with its code, an answer that is not
// the documented JSON), for the caller to answer "Sorry, …".
//
// The wire format follows Home Assistant's documentation:
//
//   - REST API (https://developers.home-assistant.io/docs/api/rest/ and
//     https://www.home-assistant.io/developers/api/): every call carries
//     "Authorization: Bearer TOKEN" with a long-lived access token, bodies
//     are JSON ("Content-Type: application/json").
//   - Conversation API
//     (https://developers.home-assistant.io/docs/intent_conversation_api/):
//     the request fields text, language, agent_id and conversation_id; the
//     response {"response": {"response_type", "language", "data",
//     "speech": {"plain": {"speech"}}}, "conversation_id",
//     "continue_conversation"}; response_type is action_done, query_answer
//     or error, and an error carries data.code (no_intent_match,
//     no_valid_targets, failed_to_handle, unknown).
//
// No Home Assistant server can be installed where Hark is built and tested,
// so the tests run against an HTTP server in the test that implements the
// request and response shapes of that documented API (method, path, bearer
// token, JSON fields in; the documented JSON, 401 and error responses out).
//
// The package imports no other Hark package: the firmware maps its
// home_assistant: configuration section onto Config, reports Check's
// problems under that key, and calls Process from its worker pool, never
// from the assistant's main loop.
package hass
