package hass_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/hark-assistant/hark/firmware/hass"
)

// A transcript no local command matched goes to Home Assistant, and its
// answer is spoken; an error is answered "Sorry, …". (The server here
// stands in for Home Assistant, answering as its documentation shows.)
func Example() {
	ha := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"response": {"response_type": "action_done", "language": "en",
			"data": {"targets": [], "success": [], "failed": []},
			"speech": {"plain": {"speech": "Turned on the kitchen light", "extra_data": null}}},
			"conversation_id": "01JCONVERSATION", "continue_conversation": false}`)
	}))
	defer ha.Close()

	dir, err := os.MkdirTemp("", "hark")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	tokenFile := filepath.Join(dir, "ha-token") // as created on the Home Assistant profile page
	if err := os.WriteFile(tokenFile, []byte("long-lived-access-token\n"), 0o600); err != nil {
		log.Fatal(err)
	}

	client, err := hass.New(hass.Config{URL: ha.URL, TokenFile: tokenFile}, nil)
	if err != nil {
		log.Fatal(err)
	}
	answer, err := client.Process(context.Background(), "turn on the kitchen light")
	if herr, ok := errors.AsType[*hass.ResponseError](err); ok && herr.Speech != "" {
		fmt.Println(herr.Speech) // Home Assistant's own "Sorry, …"
	} else if err != nil {
		fmt.Println("Sorry, Home Assistant is not answering:", err)
	} else {
		fmt.Println(answer.Speech)
	}
	// Output: Turned on the kitchen light
}
