package mockmodel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxCount is the largest files, items, steps or times value accepted. It
// keeps a typing mistake from producing a turn of thousands of requests.
const maxCount = 100

// defaultBashDescription is the Bash description when [[bash]] gives none.
const defaultBashDescription = "Run the scripted command"

// defaultSearchPattern is the research pattern when [[research]] gives none.
// It matches every non-empty text file, so a search lists them all.
const defaultSearchPattern = "."

// applyWrite adds the Write steps of [[write file=NAME]] or
// [[write files=N]]. The second form writes file-1.txt to file-N.txt.
func applyWrite(settings *script, args map[string]string) error {
	countText, hasCount := args["files"]
	name, hasName := args["file"]
	if hasCount && hasName {
		return errors.New("keys file and files cannot be combined: write [[write file=NAME]] or [[write files=N]]")
	}
	if hasCount {
		count, err := parseCount("files", countText)
		if err != nil {
			return err
		}
		for i := 1; i <= count; i++ {
			settings.steps = append(settings.steps, step{kind: stepWrite, file: fmt.Sprintf("file-%d.txt", i)})
		}
		return nil
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("missing file name: write [[write file=NAME]] or [[write files=N]]")
	}
	settings.steps = append(settings.steps, step{kind: stepWrite, file: name})
	return nil
}

// applyBash adds the Bash step of [[bash command="CMD" description="TEXT"]].
func applyBash(settings *script, args map[string]string) error {
	command := args["command"]
	if strings.TrimSpace(command) == "" {
		return errors.New(`missing command: write [[bash command="CMD"]]`)
	}
	description := args["description"]
	if strings.TrimSpace(description) == "" {
		description = defaultBashDescription
	}
	settings.steps = append(settings.steps, step{kind: stepBash, command: command, description: description})
	return nil
}

// applyEdit adds the Read and Edit steps of [[edit file=NAME]].
func applyEdit(settings *script, args map[string]string) error {
	name := strings.TrimSpace(args["file"])
	if name == "" {
		return errors.New("missing file name: write [[edit file=NAME]]")
	}
	settings.steps = append(settings.steps,
		step{kind: stepRead, file: name},
		step{kind: stepEdit, file: name},
	)
	return nil
}

// applyTodo adds the TodoWrite step of [[todo items=N]].
func applyTodo(settings *script, args map[string]string) error {
	text, ok := args["items"]
	if !ok {
		return errors.New("missing items: write [[todo items=N]]")
	}
	count, err := parseCount("items", text)
	if err != nil {
		return err
	}
	settings.steps = append(settings.steps, step{kind: stepTodo, count: count})
	return nil
}

// applyResearch adds the N steps of [[research steps=N pattern=REGEX]].
// Steps 1, 3, 5 and so on search, and the steps between them read a file that
// the search before them found. Searching first gives each read a file name
// that exists.
func applyResearch(settings *script, args map[string]string) error {
	text, ok := args["steps"]
	if !ok {
		return errors.New("missing steps: write [[research steps=N]]")
	}
	count, err := parseCount("steps", text)
	if err != nil {
		return err
	}
	pattern, ok := args["pattern"]
	if !ok {
		pattern = defaultSearchPattern
	}
	if pattern == "" {
		return errors.New(`empty pattern: leave pattern out or give a regular expression such as pattern="func "`)
	}
	for i := range count {
		kind := stepSearch
		if i%2 == 1 {
			kind = stepBrowse
		}
		settings.steps = append(settings.steps, step{kind: kind, pattern: pattern, ordinal: i/2 + 1})
	}
	return nil
}

// applyStructured adds the StructuredOutput step of [[structured file=NAME]].
func applyStructured(settings *script, args map[string]string) error {
	name := strings.TrimSpace(args["file"])
	if name == "" {
		return errors.New("missing file name: write [[structured file=NAME]], where NAME contains a JSON object")
	}
	settings.steps = append(settings.steps, step{kind: stepStructured, file: name})
	return nil
}

// applyCall adds the step of [[call tool=NAME args=FILE]], which calls the
// tool NAME, such as an MCP tool, with the JSON object in FILE as its input.
// Without args the input is an empty object.
func applyCall(settings *script, args map[string]string) error {
	name := strings.TrimSpace(args["tool"])
	if name == "" {
		return errors.New("missing tool name: write [[call tool=NAME]] or [[call tool=NAME args=FILE]]")
	}
	file, hasArgs := args["args"]
	file = strings.TrimSpace(file)
	if hasArgs && file == "" {
		return errors.New("empty args: give the name of a file that contains a JSON object, or leave args out")
	}
	settings.steps = append(settings.steps, step{kind: stepCall, tool: name, file: file})
	return nil
}

// parseCount parses a whole number from 1 to maxCount.
func parseCount(key, text string) (int, error) {
	count, err := strconv.Atoi(text)
	if err != nil || count < 1 || count > maxCount {
		return 0, fmt.Errorf("invalid %s %q: use a whole number from 1 to %d", key, text, maxCount)
	}
	return count, nil
}
