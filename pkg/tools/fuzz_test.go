package tools

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toolInputs returns a new zero value of each tool's input type.
func toolInputs() map[string]func() any {
	return map[string]func() any{
		"spawn":     func() any { return &SpawnInput{} },
		"status":    func() any { return &StatusInput{} },
		"wait":      func() any { return &WaitInput{} },
		"output":    func() any { return &OutputInput{} },
		"kill":      func() any { return &KillInput{} },
		"cancel":    func() any { return &CancelInput{} },
		"intervene": func() any { return &InterveneInput{} },
		"decompose": func() any { return &DecomposeInput{} },
	}
}

// jsonNames returns the JSON names of the fields of struct type typ,
// including those of embedded structs.
func jsonNames(typ reflect.Type) []string {
	var names []string
	for field := range typ.Fields() {
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		if field.Anonymous && name == "" {
			names = append(names, jsonNames(field.Type)...)
			continue
		}
		if name == "" {
			name = field.Name
		}
		names = append(names, name)
	}
	return names
}

// knownField reports whether key names a field, matching case-insensitively
// as encoding/json does.
func knownField(names []string, key string) bool {
	for _, name := range names {
		if strings.EqualFold(name, key) {
			return true
		}
	}
	return false
}

// FuzzDecodeArguments decodes arbitrary argument objects into every tool's
// input type. An unknown field must be rejected, and a decoded input must
// survive a round trip through JSON unchanged. A valid spawn input must
// give one task per task given.
func FuzzDecodeArguments(f *testing.F) {
	f.Add(`{"prompt":"write hello.txt","name":"hello","priority":2,"depends_on":["a"],"owns":["src/"]}`)
	f.Add(`{"tasks":[{"prompt":"a"},{"prompt":"b","max_attempts":1}]}`)
	f.Add(`{"task_id":"t-1","limit":500,"tail_lines":40,"events_after":0,"events_limit":10}`)
	f.Add(`{"task_ids":["t-1"],"timeout_seconds":2.5}`)
	f.Add(`{"instance_id":"i-1","source":"transcript","cursor":10,"max_bytes":100}`)
	f.Add(`{"instance_id":"i-1","requeue":false,"cancel_dependents":true,"reason":"stuck"}`)
	f.Add(`{"tasks":["t-1"],"reason":"r","Prompt":"case","promt":"typo"}`)
	f.Add(`{"instance_id":"i-1","text":"yes","keys":["enter"],"goal":"1. a","mode":"list","submit":true}`)
	f.Add(`{"limit":1e400,"priority":-1,"tasks":null}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var args map[string]any
		if json.Unmarshal([]byte(raw), &args) != nil {
			return
		}
		for tool, newInput := range toolInputs() {
			in := newInput()
			err := decodeArguments(args, in)
			names := jsonNames(reflect.TypeOf(in).Elem())
			for key := range args {
				if !knownField(names, key) {
					require.Error(t, err, "%s accepted unknown field %q", tool, key)
				}
			}
			if err != nil {
				continue
			}
			checkRoundTrip(t, tool, in, newInput())
			if spawn, ok := in.(*SpawnInput); ok {
				checkSpawnSpecs(t, spawn)
			}
		}
	})
}

// checkRoundTrip encodes in, decodes it again into fresh and requires the
// same value.
func checkRoundTrip(t *testing.T, tool string, in, fresh any) {
	t.Helper()
	data, err := json.Marshal(in)
	require.NoError(t, err, "%s input encodes", tool)
	var again map[string]any
	require.NoError(t, json.Unmarshal(data, &again))
	require.NoError(t, decodeArguments(again, fresh), "%s input decodes after a round trip: %s", tool, data)
	require.Equal(t, in, fresh, "%s input survives a round trip", tool)
}

// checkSpawnSpecs checks that a spawn input gives one spec per task when
// it is valid.
func checkSpawnSpecs(t *testing.T, in *SpawnInput) {
	t.Helper()
	specs, err := in.specs()
	if err != nil {
		return
	}
	want := 1
	if len(in.Tasks) > 0 {
		want = len(in.Tasks)
	}
	assert.Len(t, specs, want)
}
