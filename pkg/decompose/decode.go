package decompose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Decode parses a plan from JSON. It rejects unknown fields, naming the
// field, and any data after the plan object. It does not validate the plan;
// call Validate for that.
func Decode(data []byte) (Plan, error) {
	var plan Plan
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&plan); err != nil {
		return Plan{}, fmt.Errorf("decode plan: %w: a plan has summary and tasks, and a task has name, prompt, "+
			"depends_on, owns and priority", err)
	}
	var extra json.RawMessage
	if err := decoder.Decode(&extra); !errors.Is(err, io.EOF) {
		return Plan{}, errors.New("decode plan: data follows the plan object: send exactly one JSON object")
	}
	return plan, nil
}
