package mockmodel

import "encoding/json"

// sampleString is the value generated for string properties. It reads as a
// sentence-case title because Claude Code's side request requests a title.
const sampleString = "Scripted task"

// planSide decides the reply to a request without tools: JSON text that fits
// output_config.format.schema when present, plain text otherwise.
func planSide(req *messagesRequest) (reply, *apiError) {
	if req.OutputConfig == nil || req.OutputConfig.Format == nil || len(req.OutputConfig.Format.Schema) == 0 {
		return textReply("Scripted reply.", "side: plain text"), nil
	}
	var schema any
	if err := json.Unmarshal(req.OutputConfig.Format.Schema, &schema); err != nil {
		return reply{}, invalidRequest("output_config.format.schema is not valid JSON: %v", err)
	}
	text, err := json.Marshal(sampleValue(schema))
	if err != nil {
		return reply{}, invalidRequest("output_config.format.schema: encode sample value: %v", err)
	}
	return textReply(string(text), "side: schema JSON"), nil
}

// sampleValue returns a value that fits the JSON schema node: the const or the
// first enum value when given, otherwise a fixed value of the node's type.
// Objects get a value for every property. Arrays are empty. A node whose type
// cannot be determined gets a string.
func sampleValue(node any) any {
	schema, ok := node.(map[string]any)
	if !ok {
		return sampleString
	}
	if value, ok := schema["const"]; ok {
		return value
	}
	if values, ok := schema["enum"].([]any); ok && len(values) > 0 {
		return values[0]
	}
	switch schemaType(schema) {
	case "string":
		return sampleString
	case "object":
		return sampleObject(schema)
	case "array":
		return []any{}
	case "number", "integer":
		return 1
	case "boolean":
		return true
	case "null":
		return nil
	}
	for _, key := range []string{"anyOf", "oneOf", "allOf"} {
		if options, ok := schema[key].([]any); ok && len(options) > 0 {
			return sampleValue(options[0])
		}
	}
	return sampleString
}

// sampleObject returns an object with a sample value for every property.
func sampleObject(schema map[string]any) map[string]any {
	object := make(map[string]any)
	properties, _ := schema["properties"].(map[string]any)
	for name, property := range properties {
		object[name] = sampleValue(property)
	}
	return object
}

// schemaType returns the node's type, taking the first non-null entry of a
// type list. Without a type, properties imply "object" and items "array".
func schemaType(schema map[string]any) string {
	switch t := schema["type"].(type) {
	case string:
		return t
	case []any:
		for _, entry := range t {
			if name, ok := entry.(string); ok && name != "null" {
				return name
			}
		}
		return "null"
	}
	if _, ok := schema["properties"]; ok {
		return "object"
	}
	if _, ok := schema["items"]; ok {
		return "array"
	}
	return ""
}
