package mockmodel

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// directive is one [[name key=value ...]] instruction found in a prompt.
type directive struct {
	name string
	args map[string]string
	// text is the directive as written, for error messages.
	text string
}

// directiveSpec describes a known directive.
type directiveSpec struct {
	// shorthandKey is the key that the form [[name=value]] sets.
	shorthandKey string
	// keys lists the accepted argument keys.
	keys []string
	// apply stores the directive's arguments in a script or returns an error
	// that names the bad value.
	apply func(settings *script, args map[string]string) error
	// repeatable is true for directives that add steps, and each occurrence
	// adds its steps in order. Of the other directives only the first counts.
	repeatable bool
}

// directiveSpecs lists the known directives by name. To add a directive, add
// an entry, and a field to script or a step kind.
var directiveSpecs = map[string]directiveSpec{
	"write":      {shorthandKey: "file", keys: []string{"file", "files"}, apply: applyWrite, repeatable: true},
	"bash":       {shorthandKey: "command", keys: []string{"command", "description"}, apply: applyBash, repeatable: true},
	"edit":       {shorthandKey: "file", keys: []string{"file"}, apply: applyEdit, repeatable: true},
	"todo":       {shorthandKey: "items", keys: []string{"items"}, apply: applyTodo, repeatable: true},
	"research":   {shorthandKey: "steps", keys: []string{"steps", "pattern"}, apply: applyResearch, repeatable: true},
	"structured": {shorthandKey: "file", keys: []string{"file"}, apply: applyStructured, repeatable: true},
	"call":       {shorthandKey: "tool", keys: []string{"tool", "args"}, apply: applyCall, repeatable: true},
	"delay":      {shorthandKey: "seconds", keys: []string{"seconds"}, apply: applyDelay},
	"pace":       {shorthandKey: "seconds", keys: []string{"seconds"}, apply: applyPace},
	"think":      {shorthandKey: "seconds", keys: []string{"seconds"}, apply: applyThink},
	"stall":      {shorthandKey: "times", keys: []string{"times"}, apply: applyStall},
	"talk":       {shorthandKey: "seconds", keys: []string{"seconds"}, apply: applyTalk},
	"error":      {shorthandKey: "status", keys: []string{"status", "kind", "times", "after"}, apply: applyError},
}

// directivePattern matches [[...]] with no brackets inside.
var directivePattern = regexp.MustCompile(`\[\[([^\[\]]*)\]\]`)

// parseScript parses the directives in prompt into a script. Step directives
// add their steps in order of appearance. Of every other directive the first
// occurrence wins and later ones are ignored.
func parseScript(prompt string) (script, error) {
	var settings script
	directives, err := parseDirectives(prompt)
	if err != nil {
		return settings, err
	}
	seen := make(map[string]bool)
	for _, d := range directives {
		spec := directiveSpecs[d.name]
		if seen[d.name] && !spec.repeatable {
			continue
		}
		seen[d.name] = true
		if err := spec.apply(&settings, d.args); err != nil {
			return settings, fmt.Errorf("directive %s: %w", d.text, err)
		}
	}
	return settings, nil
}

// parseDirectives returns the known directives in text in order of
// appearance. Bracketed text whose first word is not a known directive name
// is skipped, so ordinary [[...]] text in a prompt is not an error.
func parseDirectives(text string) ([]directive, error) {
	var directives []directive
	for _, match := range directivePattern.FindAllStringSubmatch(text, -1) {
		body := strings.TrimSpace(match[1])
		name := body[:strings.IndexFunc(body+" ", isNameEnd)]
		spec, known := directiveSpecs[name]
		if !known {
			continue
		}
		args, err := parseArgs(body[len(name):], spec)
		if err != nil {
			return nil, fmt.Errorf("directive %s: %w", match[0], err)
		}
		directives = append(directives, directive{name: name, args: args, text: match[0]})
	}
	return directives, nil
}

// isNameEnd reports whether r ends a directive name.
func isNameEnd(r rune) bool {
	return r == '=' || unicode.IsSpace(r)
}

// parseArgs parses the text after a directive name: an optional "=value"
// shorthand followed by key=value fields.
func parseArgs(rest string, spec directiveSpec) (map[string]string, error) {
	args := make(map[string]string)
	if strings.HasPrefix(rest, "=") {
		rest = spec.shorthandKey + rest
	}
	fields, err := splitFields(rest)
	if err != nil {
		return nil, err
	}
	for _, field := range fields {
		key, value, ok := strings.Cut(field, "=")
		if !ok {
			return nil, fmt.Errorf("argument %q is not key=value", field)
		}
		if !slices.Contains(spec.keys, key) {
			return nil, fmt.Errorf("unknown key %q: known keys are %s", key, strings.Join(spec.keys, ", "))
		}
		if _, dup := args[key]; dup {
			return nil, fmt.Errorf("key %q is given twice", key)
		}
		args[key] = value
	}
	return args, nil
}

// splitFields splits text at spaces outside double quotes and removes the
// quotes, so file="my notes.txt" is one field.
func splitFields(text string) ([]string, error) {
	var fields []string
	var current strings.Builder
	inQuotes, inField := false, false
	for _, r := range text {
		switch {
		case r == '"':
			inQuotes = !inQuotes
			inField = true
		case unicode.IsSpace(r) && !inQuotes:
			if inField {
				fields = append(fields, current.String())
				current.Reset()
				inField = false
			}
		default:
			current.WriteRune(r)
			inField = true
		}
	}
	if inQuotes {
		return nil, fmt.Errorf("unterminated double quote in %q", text)
	}
	if inField {
		fields = append(fields, current.String())
	}
	return fields, nil
}

// stripDirectives returns text with every [[...]] replaced by a space.
func stripDirectives(text string) string {
	return directivePattern.ReplaceAllString(text, " ")
}
