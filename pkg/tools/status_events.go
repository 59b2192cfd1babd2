package tools

import (
	"slices"
	"strings"

	"github.com/axiom-mcp/axiom-mcp/pkg/executor"
)

// Event paging limits of the status tool.
const (
	// DefaultEventsLimit is the page size when events_limit is not given.
	DefaultEventsLimit = 100
	// MaxEventsLimit is the largest events_limit accepted.
	MaxEventsLimit = 500
	// eventPageBudget is the largest events page in bytes of JSON, so
	// events leave most of ResultBudget to the screens.
	eventPageBudget = 24 * 1024
	// eventScanChunk is how many events are read from the log at a time
	// while looking for those that match a task or instance filter.
	eventScanChunk = 1000
	// minPageEvents is how many events a page keeps, when it has them,
	// even if the result then exceeds ResultBudget, so that paging a large
	// pool's log does not take one call per event.
	minPageEvents = 20
)

// EventsInput selects the page of the event log that status returns.
type EventsInput struct {
	EventsAfter *int64 `json:"events_after,omitempty" jsonschema:"Also return pool events with seq greater than this: 0 for the oldest stored event, or next_cursor from the previous status call."`
	EventsLimit int    `json:"events_limit,omitempty" jsonschema:"Maximum events to return, 1 to 500. Default 100. Given without events_after, reads from the oldest stored event."`
	EventsLevel string `json:"events_level,omitempty" jsonschema:"Lowest level of the events to return: debug (the default, every event), info (leaves out the score updates), warning or error."`
}

// eventLevels ranks the event levels from the lowest.
var eventLevels = []string{executor.LevelDebug, executor.LevelInfo, executor.LevelWarning, executor.LevelError}

// levelRank returns the rank of level in eventLevels, or -1.
func levelRank(level string) int {
	return slices.Index(eventLevels, level)
}

// EventPage is the part of the status result that pages the event log.
// It is empty unless events_after or events_limit was given.
type EventPage struct {
	Events          []EventData `json:"events,omitempty" jsonschema:"Pool events after events_after, oldest first, filtered like the rest of the result by task_id or instance_id."`
	NextCursor      *int64      `json:"next_cursor,omitempty" jsonschema:"Pass as events_after to read the events after this page."`
	EventsOldestSeq int64       `json:"events_oldest_seq,omitempty" jsonschema:"Seq of the oldest event still stored. The event log keeps only the most recent events."`
	EventsMissed    int64       `json:"events_missed,omitempty" jsonschema:"How many events after events_after were evicted from the event log before this call."`
	EventsLatestSeq int64       `json:"events_latest_seq,omitempty" jsonschema:"Seq of the newest event in the log when the page was read."`
	EventsMore      bool        `json:"events_more,omitempty" jsonschema:"True when the page stopped before the newest event, at events_limit or at the 24 KiB size budget of a page: call status again with events_after set to next_cursor."`
}

// eventRequest is a validated request for a page of the event log.
type eventRequest struct {
	cursor int64
	limit  int
	// minRank is the rank of the lowest level returned.
	minRank int
}

// eventRequest checks the paging input against the log's latest seq. It
// returns nil when the call asked for no events.
func (s *Server) eventRequest(in EventsInput) (*eventRequest, error) {
	if in.EventsAfter == nil && in.EventsLimit == 0 && in.EventsLevel == "" {
		return nil, nil
	}
	minRank := 0
	if in.EventsLevel != "" {
		if minRank = levelRank(in.EventsLevel); minRank < 0 {
			return nil, errorf("events_level %s is unknown: use one of %s", executor.QuoteRef(in.EventsLevel),
				strings.Join(eventLevels, ", "))
		}
	}
	limit := in.EventsLimit
	if limit == 0 {
		limit = DefaultEventsLimit
	}
	if limit < 1 || limit > MaxEventsLimit {
		return nil, errorf("events_limit %d is out of range: use 1 to %d", in.EventsLimit, MaxEventsLimit)
	}
	var cursor int64
	if in.EventsAfter != nil {
		cursor = *in.EventsAfter
	}
	if cursor < 0 {
		return nil, errorf("events_after %d is negative: pass 0 to read from the oldest stored event, "+
			"or next_cursor from the previous status call", cursor)
	}
	if _, latest := s.pool.EventBounds(); cursor > latest {
		return nil, errorf("events_after %d is beyond the latest event, seq %d: pass next_cursor from a status "+
			"call to this server, or 0; a server without a state directory numbers its events from 1 again "+
			"when it restarts", cursor, latest)
	}
	return &eventRequest{cursor: cursor, limit: limit, minRank: minRank}, nil
}

// addEvents adds the requested page of the event log to a status result
// built from st, keeping the result within ResultBudget.
func (s *Server) addEvents(out *StatusOutput, req *eventRequest, in StatusInput, st executor.Status) {
	if req == nil {
		return
	}
	match := newEventMatcher(in, st)
	match.minRank = req.minRank
	out.EventPage = readEventPage(s.pool, req.cursor, req.limit, match)
	out.fitEvents()
}

// eventMatcher keeps the events of the tasks and instances in a filtered
// status result, every event when status is not filtered, and of those
// the events at or above its lowest level.
type eventMatcher struct {
	filtered  bool
	tasks     map[string]bool
	instances map[string]bool
	// minRank is the rank of the lowest level kept; 0 keeps every level.
	minRank int
}

func newEventMatcher(in StatusInput, st executor.Status) eventMatcher {
	m := eventMatcher{tasks: make(map[string]bool), instances: make(map[string]bool)}
	switch {
	case in.InstanceID != "":
		m.filtered = true
		for _, inst := range st.Instances {
			m.instances[inst.ID] = true
		}
	case in.TaskID != "":
		m.filtered = true
		for _, task := range st.Tasks {
			m.tasks[task.ID] = true
		}
	}
	return m
}

func (m eventMatcher) match(ev executor.Event) bool {
	if m.minRank > 0 && levelRank(ev.Level) < m.minRank {
		return false
	}
	return !m.filtered || m.tasks[ev.TaskID] || m.instances[ev.InstanceID]
}

// readEventPage reads up to limit matching events after cursor, stopping
// early when the page reaches eventPageBudget, and sets next_cursor to the
// last event read, matching or not, so the next page does not scan them
// again. Events published during the call wait for the next page, and
// events_more is set when the page stopped before the newest event.
func readEventPage(source eventSource, cursor int64, limit int, match eventMatcher) (page EventPage) {
	oldest, latest := source.EventBounds()
	page = EventPage{Events: []EventData{}, EventsOldestSeq: oldest, EventsLatestSeq: latest}
	defer func() { page.EventsMore = *page.NextCursor < latest }()
	if oldest > 0 && cursor < oldest-1 {
		page.EventsMissed = oldest - 1 - cursor
	}
	next, bytes := cursor, 0
	page.NextCursor = &next
	for next < latest && len(page.Events) < limit {
		events, _ := source.Events(next, eventScanChunk)
		read := 0
		for _, ev := range events {
			if ev.Seq > latest || len(page.Events) >= limit {
				break
			}
			if match.match(ev) {
				data := eventData(ev)
				bytes += size(data)
				if bytes > eventPageBudget && len(page.Events) > 0 {
					return page
				}
				page.Events = append(page.Events, data)
			}
			next = ev.Seq
			read++
		}
		if read == 0 {
			break // every event up to latest was evicted during the call
		}
	}
	return page
}

// fitEvents makes room for the events page when the result is over
// ResultBudget. It halves the screen tails first, then drops events from
// the end of the page, keeping at least minPageEvents, and moves
// next_cursor back to the last event kept.
func (out *StatusOutput) fitEvents() {
	for tail := longestTail(out.Instances); tail > 0 && size(out) > ResultBudget; {
		tail /= 2
		shortenTails(out.Instances, tail)
		out.Truncated = true
	}
	over := size(out) - ResultBudget
	for over > 0 && len(out.Events) > minPageEvents {
		last := len(out.Events) - 1
		over -= size(out.Events[last]) + 1 // the event and its comma
		out.Events = out.Events[:last]
		lastKeptSeq := out.Events[last-1].Seq
		out.NextCursor = &lastKeptSeq
		out.EventsMore = true
	}
	switch {
	case over > 0:
		// NOTE: a pool listing that alone fills the budget leaves the
		// result over it by up to minPageEvents events.
		out.Note = "the result is over the size budget even without screen tails and with a short events page: " +
			"filter by task_id or instance_id"
	case out.Truncated && out.Note == "":
		out.Note = "screen tails were shortened to fit the size budget: filter by task_id or instance_id to see more"
	}
}

func longestTail(instances []executor.InstanceInfo) int {
	longest := 0
	for _, inst := range instances {
		longest = max(longest, len(inst.ScreenTail))
	}
	return longest
}

// shortenTails keeps the last rows of each screen tail.
func shortenTails(instances []executor.InstanceInfo, rows int) {
	for i := range instances {
		tail := instances[i].ScreenTail
		if len(tail) > rows {
			instances[i].ScreenTail = tail[len(tail)-rows:]
		}
	}
}
