package assistant_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hark-assistant/hark/commands"
	"github.com/hark-assistant/hark/firmware/assistant"
)

// prices stand for a slow service: a web shop, a database.
var prices = map[string]int{"milk": 2, "bread": 3, "coffee": 7}

// lookUpPrice blocks, as a call over the network would.
func lookUpPrice(item string) int {
	time.Sleep(10 * time.Millisecond)
	return prices[item]
}

// shoppingCommands are the four kinds of command. list is assistant state:
// async commands run on the main loop one at a time, so they use it without
// a lock; a blocking command reaches it through OnLoop.
func shoppingCommands() []commands.Command {
	var list []string // owned by the main loop

	return []commands.Command{
		// Blocking (the default): runs on a worker, so it may block.
		{
			Name:    "price",
			Pattern: "how much is $item:Word",
			Handler: func(req *commands.Request) (commands.Response, error) {
				item := req.Params.Word("item")
				return commands.Response{Text: fmt.Sprintf("%s costs %d euros.", item, lookUpPrice(item))}, nil
			},
		},
		// Async: runs on the main loop, so it must not block, and it uses
		// the list as it is.
		{
			Name:    "add",
			Pattern: "add $item:Word to the list",
			Kind:    commands.Async,
			Handler: func(req *commands.Request) (commands.Response, error) {
				list = append(list, req.Params.Word("item"))
				return commands.Response{Text: fmt.Sprintf("%d on the list.", len(list))}, nil
			},
		},
		// Async with a blocking call offloaded to a worker (asyncify):
		// the loop is free meanwhile, and the handler resumes on it.
		{
			Name:    "total",
			Pattern: "what does the list cost",
			Kind:    commands.Async,
			Handler: func(req *commands.Request) (commands.Response, error) {
				items := slices.Clone(list)
				total := 0
				err := req.Offload(func(ctx context.Context) error {
					for _, item := range items {
						total += lookUpPrice(item)
					}
					return nil
				})
				if err != nil {
					return commands.Response{}, err
				}
				return commands.Response{Text: fmt.Sprintf("The list costs %d euros.", total)}, nil
			},
		},
		// Blocking with a function run on the main loop (syncify): the
		// only safe way for a worker to touch the list.
		{
			Name:    "clear",
			Pattern: "clear the list",
			Handler: func(req *commands.Request) (commands.Response, error) {
				var items []string
				err := req.OnLoop(func() error {
					items, list = list, nil
					return nil
				})
				if err != nil {
					return commands.Response{}, err
				}
				return commands.Response{Text: "Cleared " + strings.Join(items, " and ") + "."}, nil
			},
		},
	}
}

// Custom commands of each kind, run through the assistant's dispatcher with
// typed utterances. On the Pi the same commands go to firmware.Run:
//
//	firmware.Run(ctx, cfg, firmware.RunOptions{Commands: shoppingCommands()})
func Example_commands() {
	hark, err := assistant.NewTextAssistant(assistant.Config{}, shoppingCommands())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer hark.Close()
	for _, text := range []string{
		"add milk to the list",
		"add coffee to the list and how much is coffee",
		"what does the list cost",
		"clear the list",
		"what does the list cost",
	} {
		answers, err := hark.Say(context.Background(), text)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(">", text)
		for _, r := range answers {
			fmt.Printf("  %s: %s\n", r.Command, r.Text)
		}
	}
	// Output:
	// > add milk to the list
	//   add: 1 on the list.
	// > add coffee to the list and how much is coffee
	//   add: 2 on the list.
	//   price: coffee costs 7 euros.
	// > what does the list cost
	//   total: The list costs 9 euros.
	// > clear the list
	//   clear: Cleared milk and coffee.
	// > what does the list cost
	//   total: The list costs 0 euros.
}
