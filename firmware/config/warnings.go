package config

import (
	"fmt"
	"regexp"
	"strings"
)

// warn records a warning at key, placed as fail places an error.
func (v *validator) warn(key, format string, args ...any) {
	n := len(v.errs)
	v.fail(key, format, args...)
	w := v.errs[n]
	v.errs = v.errs[:n]
	w.Msg = "warning: " + w.Msg
	v.warns = append(v.warns, w)
}

var (
	haOptional = regexp.MustCompile(`\[([^\[\]]*)\]`)
	haRule     = regexp.MustCompile(`<([^<>()|{}\[\]]+)>`)
	haSlot     = regexp.MustCompile(`(\)?)\{\s*(\w+)\s*(?::\s*(\w+)\s*)?\}`)
)

// patternWarnings warns of what in a pattern: is Home Assistant's or
// Rhasspy's template syntax, which Hark's syntax reads otherwise: [the],
// <rule>, {list} and {list:slot}, (on|off){tag}.
func (v *validator) patternWarnings(key, src string, c *Config) {
	if m := haOptional.FindStringSubmatch(src); m != nil {
		inner := strings.TrimSpace(m[1])
		v.warn(key, "pattern %q: in Hark's syntax [ ] are punctuation and dropped, so %s must be said as it is; "+
			"to mean optional words write (%s)?, or give the sentence as template:", src, quoteWords(m[0]), inner)
	}
	if m := haRule.FindStringSubmatch(src); m != nil {
		name := strings.TrimSpace(m[1])
		how := "write its words in place, e.g. (turn|switch)"
		if rule, ok := c.ExpansionRules[name]; ok {
			how = fmt.Sprintf("write the rule's words in place (%s)", rule)
		}
		v.warn(key, "pattern %q: in Hark's syntax %s is the word %q, said as it is, not an expansion rule; "+
			"%s, or give the sentence as template: with expansion_rules:", src, m[0], name, how)
	}
	for _, m := range haSlot.FindAllStringSubmatch(src, -1) {
		tag, list, slot := m[1] != "", m[2], m[3]
		if slot == "" {
			slot = list
		}
		switch {
		case tag:
			v.warn(key, "pattern %q: in Hark's syntax {%s} is the word %q said one or more times, not Rhasspy's tag; "+
				"to capture which alternative was said write $%s:(a|b), with values $%s:(on=1|off=0), or give the sentence as template:",
				src, list, list, list, list)
		case m[3] != "":
			v.warn(key, "pattern %q: in Hark's syntax %s is the words %q said one or more times, not a slot; "+
				"for the list %s as the parameter %s write $%s:%s, or give the sentence as template:",
				src, strings.TrimPrefix(m[0], ")"), list+" "+slot, list, slot, slot, list)
		default:
			v.warn(key, "pattern %q: in Hark's syntax {%s} is the word %q said one or more times, not a slot; "+
				"for the list %s write $%s:%s, or give the sentence as template:", src, list, list, list, slot, list)
		}
	}
}

// quoteWords names the words of a bracketed part: "the", or "this | that".
func quoteWords(s string) string {
	return fmt.Sprintf("%q", strings.Trim(s, "[]"))
}
