package mqtt

import "strings"

// Expand fills a command's publish template: {name} becomes params[name] and
// {intent} the intent JSON, in one pass (a value is never expanded again).
// Only {identifier} is a placeholder, so JSON braces around it stay as they
// are; an unknown placeholder is kept as written. Expand the topic and the
// payload separately, and check the topic with CheckTopic: a parameter value
// may hold '+', '#' or '/'.
func Expand(template string, params map[string]string, intentJSON string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(template, '{')
		if open < 0 {
			break
		}
		b.WriteString(template[:open])
		template = template[open:]
		end := strings.IndexByte(template, '}')
		name := ""
		if end > 0 {
			name = template[1:end]
		}
		value, ok := params[name]
		if name == "intent" {
			value, ok = intentJSON, true
		}
		if !ok || !identifier(name) {
			b.WriteByte('{')
			template = template[1:]
			continue
		}
		b.WriteString(value)
		template = template[end+1:]
	}
	b.WriteString(template)
	return b.String()
}

func identifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
