// Package decompose turns a goal into a plan: a graph of tasks for coding
// agents, each with a name, a prompt, the tasks it depends on, the paths it
// owns and a priority.
//
// A plan comes from one of two sources. Split is deterministic: it reads a
// goal written as a numbered or bulleted list and makes one task per item.
// Planner runs an agent CLI in print mode and requests a plan in the JSON
// schema that Schema returns. Every plan passes Validate before it is used,
// which rejects unknown dependencies, dependency cycles and tasks that may
// run at the same time while owning overlapping paths.
package decompose
