package decompose

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// listMarker matches the first line of a list item: indentation, a marker
// ("1.", "2)", "-" or "*"), white space and the item's text.
var listMarker = regexp.MustCompile(`^([ \t]*)(?:([0-9]{1,4})[.)]|([-*]))[ \t]+(\S.*)$`)

// markerKind is the kind of a list item's marker: numbered or bulleted.
type markerKind int

const (
	notMarker markerKind = iota
	bulleted
	numbered
)

// goalLine is one line of a goal and its list marker, if it has one.
type goalLine struct {
	text   string
	indent int
	kind   markerKind
	// body is the text after the marker.
	body string
}

// Split turns a goal into a plan without a model. A goal written as a
// numbered ("1.", "2)") or bulleted ("-", "*") list becomes one task per
// top-level item, named step-1, step-2 and so on in the order written.
// Lines after an item that do not start another top-level item, such as
// nested items and wrapped text, join that item. Text before the list is
// put at the start of every task's prompt as shared context.
//
// Dependencies come from two sources. An item that refers to other steps,
// as in "after step 2", "after 1 and 3", "once step 4 is done" or "depends
// on step 2", depends on them. Steps are counted from 1 in the order
// written, whatever numbers the list shows. An item that names a file an
// earlier item also names depends on the latest such item, and every item
// that names a file another item names owns that file. Earlier steps get
// higher priorities, so they start first when several are ready. A goal
// without a list becomes one task.
//
// Split returns an error for an empty goal and for a reference to a step
// that does not exist. It does not call Validate.
func Split(goal string) (Plan, error) {
	goal = strings.ReplaceAll(goal, "\r\n", "\n")
	if strings.TrimSpace(goal) == "" {
		return Plan{}, errors.New("the goal is empty: describe the work, or list the steps as a numbered " +
			"or bulleted list")
	}
	lines := parseGoalLines(goal)
	kind, indent, found := topLevelList(lines)
	if !found {
		return Plan{
			Summary: "One task: the goal has no numbered or bulleted list to split.",
			Tasks:   []Task{{Name: stepName(0), Prompt: strings.TrimSpace(goal)}},
		}, nil
	}
	preamble, items := groupItems(lines, kind, indent)
	deps, err := referencedSteps(items)
	if err != nil {
		return Plan{}, err
	}
	owns := linkSharedFiles(items, deps)
	return buildPlan(kind, preamble, items, deps, owns), nil
}

func parseGoalLines(goal string) []goalLine {
	raw := strings.Split(goal, "\n")
	lines := make([]goalLine, len(raw))
	for i, text := range raw {
		text = strings.TrimRight(text, " \t")
		lines[i] = goalLine{text: text}
		match := listMarker.FindStringSubmatch(text)
		if match == nil {
			continue
		}
		lines[i].indent = indentWidth(match[1])
		lines[i].body = match[4]
		lines[i].kind = bulleted
		if match[2] != "" {
			lines[i].kind = numbered
		}
	}
	return lines
}

// indentWidth counts columns of leading white space, a tab as four.
func indentWidth(space string) int {
	width := 0
	for _, r := range space {
		if r == '\t' {
			width += 4
		} else {
			width++
		}
	}
	return width
}

// topLevelList picks the list to split: its items are the marker lines with
// the least indentation. When both kinds occur there, numbered items win
// and bulleted lines join them, as in a numbered list of steps with
// unindented bullet points under each.
func topLevelList(lines []goalLine) (markerKind, int, bool) {
	indent, kind := -1, notMarker
	for _, line := range lines {
		switch {
		case line.kind == notMarker:
		case indent < 0 || line.indent < indent:
			indent, kind = line.indent, line.kind
		case line.indent == indent && line.kind == numbered:
			kind = numbered
		}
	}
	return kind, indent, kind != notMarker
}

// groupItems returns the text before the first top-level item and the text
// of each item. The indentation of the list is removed from the lines that
// join an item, and nested lines keep the rest of theirs.
func groupItems(lines []goalLine, kind markerKind, indent int) (string, []string) {
	var preamble []string
	var items [][]string
	for _, line := range lines {
		switch {
		case line.kind == kind && line.indent == indent:
			items = append(items, []string{line.body})
		case len(items) == 0:
			preamble = append(preamble, line.text)
		default:
			last := len(items) - 1
			items[last] = append(items[last], dedent(line.text, indent))
		}
	}
	texts := make([]string, len(items))
	for i, item := range items {
		texts[i] = strings.TrimSpace(strings.Join(item, "\n"))
	}
	return strings.TrimSpace(strings.Join(preamble, "\n")), texts
}

// dedent removes up to width columns of leading white space from text.
func dedent(text string, width int) string {
	removed := 0
	for removed < len(text) && removed < width && (text[removed] == ' ' || text[removed] == '\t') {
		removed++
	}
	return text[removed:]
}

// buildPlan turns the items, their dependencies (item indexes) and owned
// files into a plan.
func buildPlan(kind markerKind, preamble string, items []string, deps [][]int, owns [][]string) Plan {
	tasks := make([]Task, len(items))
	waiting := 0
	for i, text := range items {
		prompt := text
		if preamble != "" {
			prompt = preamble + "\n\n" + text
		}
		tasks[i] = Task{Name: stepName(i), Prompt: prompt, Owns: owns[i], Priority: len(items) - 1 - i}
		slices.Sort(deps[i])
		for _, dep := range slices.Compact(deps[i]) {
			tasks[i].DependsOn = append(tasks[i].DependsOn, stepName(dep))
		}
		if len(tasks[i].DependsOn) > 0 {
			waiting++
		}
	}
	return Plan{Summary: splitSummary(kind, len(items), waiting), Tasks: tasks}
}

func splitSummary(kind markerKind, count, waiting int) string {
	list := "bulleted"
	if kind == numbered {
		list = "numbered"
	}
	summary := fmt.Sprintf("%d tasks, one per item of the goal's %s list", count, list)
	if count == 1 {
		summary = fmt.Sprintf("1 task from the only item of the goal's %s list", list)
	}
	if waiting > 0 {
		summary += fmt.Sprintf(", %d of them waiting for others", waiting)
	}
	return summary + "."
}

// stepName returns the name of the item at index i, counted from 0.
func stepName(i int) string {
	return fmt.Sprintf("step-%d", i+1)
}
