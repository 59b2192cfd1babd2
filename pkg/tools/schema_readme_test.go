package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toolSnapshot is the part of a tool snapshot that the README shows.
type toolSnapshot struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Annotations struct {
		Title           string `json:"title"`
		ReadOnlyHint    *bool  `json:"readOnlyHint"`
		DestructiveHint *bool  `json:"destructiveHint"`
		IdempotentHint  *bool  `json:"idempotentHint"`
		OpenWorldHint   *bool  `json:"openWorldHint"`
	} `json:"annotations"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	OutputSchema json.RawMessage `json:"outputSchema"`
}

// objectSchema is the part of an object's JSON schema that the README shows.
type objectSchema struct {
	Properties json.RawMessage `json:"properties"`
	Required   []string        `json:"required"`
}

// propertySchema is the part of a property's JSON schema that the README
// shows. Type is a name or a list of names.
type propertySchema struct {
	Type        any             `json:"type"`
	Description string          `json:"description"`
	Items       *propertySchema `json:"items"`
}

// property is one named property of an object schema.
type property struct {
	name   string
	schema propertySchema
}

// renderToolReference returns the README's tool reference made from the
// snapshots in dir: one section per tool, in file name order.
func renderToolReference(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return "", fmt.Errorf("list snapshots in %s: %w", dir, err)
	}
	var b strings.Builder
	b.WriteString("<!-- Generated from pkg/tools/testdata/schemas by `" + regenerate + "`. " +
		"Edit the tool definitions in pkg/tools, not this text. -->\n")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read snapshot: %w", err)
		}
		var tool toolSnapshot
		if err := json.Unmarshal(data, &tool); err != nil {
			return "", fmt.Errorf("decode snapshot %s: %w: run %s to rewrite it", file, err, regenerate)
		}
		if err := renderTool(&b, tool); err != nil {
			return "", fmt.Errorf("render snapshot %s: %w", file, err)
		}
	}
	return b.String(), nil
}

func renderTool(b *strings.Builder, tool toolSnapshot) error {
	fmt.Fprintf(b, "\n#### `%s`\n\n", tool.Name)
	if tool.Annotations.Title != "" {
		fmt.Fprintf(b, "**%s.** ", tool.Annotations.Title)
	}
	fmt.Fprintf(b, "%s\n\n%s\n", tool.Description, hints(tool))

	input, err := objectProperties(tool.InputSchema)
	if err != nil {
		return fmt.Errorf("input schema: %w", err)
	}
	output, err := objectProperties(tool.OutputSchema)
	if err != nil {
		return fmt.Errorf("output schema: %w", err)
	}

	b.WriteString("\n| input | type | required | description |\n| --- | --- | --- | --- |\n")
	if len(input.properties) == 0 {
		b.WriteString("| (none) | | | |\n")
	}
	for _, p := range input.properties {
		required := "no"
		if input.required[p.name] {
			required = "yes"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", p.name, typeName(p.schema), required, cell(p.schema.Description))
	}
	if len(output.properties) == 0 {
		return nil
	}

	b.WriteString("\n| output | type | description |\n| --- | --- | --- |\n")
	for _, p := range output.properties {
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", p.name, typeName(p.schema), cell(p.schema.Description))
	}
	return nil
}

// hints returns the tool's annotations as a sentence.
func hints(tool toolSnapshot) string {
	a := tool.Annotations
	return fmt.Sprintf("Read-only: %s. Destructive: %s. Idempotent: %s. Open world: %s.",
		yesNo(a.ReadOnlyHint), yesNo(a.DestructiveHint), yesNo(a.IdempotentHint), yesNo(a.OpenWorldHint))
}

func yesNo(hint *bool) string {
	switch {
	case hint == nil:
		return "not stated"
	case *hint:
		return "yes"
	}
	return "no"
}

// properties are the properties of an object schema in the order the
// schema lists them, with the set of required names.
type properties struct {
	properties []property
	required   map[string]bool
}

// objectProperties decodes the properties of an object schema, keeping
// their order, which follows the fields of the Go type.
func objectProperties(schema json.RawMessage) (properties, error) {
	out := properties{required: map[string]bool{}}
	if len(schema) == 0 {
		return out, nil
	}
	var object objectSchema
	if err := json.Unmarshal(schema, &object); err != nil {
		return out, err
	}
	for _, name := range object.Required {
		out.required[name] = true
	}
	if len(object.Properties) == 0 {
		return out, nil
	}
	dec := json.NewDecoder(bytes.NewReader(object.Properties))
	if _, err := dec.Token(); err != nil { // the opening brace
		return out, err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return out, err
		}
		var p property
		p.name, _ = key.(string)
		if err := dec.Decode(&p.schema); err != nil {
			return out, fmt.Errorf("property %s: %w", p.name, err)
		}
		out.properties = append(out.properties, p)
	}
	return out, nil
}

// typeName returns a property's type for a table: "string", "integer or
// null", "array of object".
func typeName(schema propertySchema) string {
	var names []string
	switch t := schema.Type.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, name := range t {
			if s, ok := name.(string); ok && s != "null" {
				names = append(names, s)
			}
		}
	}
	if len(names) == 0 {
		return "any"
	}
	name := strings.Join(names, " or ")
	if name == "array" && schema.Items != nil {
		name += " of " + typeName(*schema.Items)
	}
	return name
}

// cell makes text safe for a Markdown table cell.
func cell(text string) string {
	text = strings.ReplaceAll(text, "|", `\|`)
	return strings.Join(strings.Fields(text), " ")
}

func TestToolReferenceRendersSnapshot(t *testing.T) {
	dir := t.TempDir()
	snapshot := `{
  "annotations": {"title": "Do it", "readOnlyHint": true, "destructiveHint": false},
  "description": "Does it.",
  "inputSchema": {"type": "object", "required": ["zeta"], "properties": {
    "zeta": {"type": "string", "description": "Last | first."},
    "alpha": {"type": ["null", "array"], "items": {"type": "integer"}}
  }},
  "name": "work",
  "outputSchema": {"type": "object", "properties": {"done": {"type": "boolean"}}}
}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "work.json"), []byte(snapshot), 0o644))

	text, err := renderToolReference(dir)
	require.NoError(t, err)

	assert.Contains(t, text, "#### `work`\n\n**Do it.** Does it.\n")
	assert.Contains(t, text, "Read-only: yes. Destructive: no. Idempotent: not stated. Open world: not stated.")
	assert.Contains(t, text, "| `zeta` | string | yes | Last \\| first. |\n| `alpha` | array of integer | no |  |\n",
		"properties keep the schema's order")
	assert.Contains(t, text, "| `done` | boolean |  |")
}

func TestToolReferenceRejectsBadSnapshot(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{"), 0o644))

	_, err := renderToolReference(dir)

	assert.ErrorContains(t, err, "broken.json")
	assert.ErrorContains(t, err, regenerate)
}

func TestReferenceBoundsNeedsMarkers(t *testing.T) {
	_, _, err := referenceBounds([]byte("# README\nno markers\n"))

	assert.ErrorContains(t, err, "README.md lacks the markers")
}
