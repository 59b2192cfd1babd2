package queue

import (
	"container/heap"
	"time"
)

// Next hands out the best task that may start at now: the ready task of
// highest priority, oldest first among equals, whose owned paths overlap
// no running task's. It marks the task running and counts the attempt. A
// task skipped for an overlap keeps its place and is checked again when
// the running task that holds the path finishes. Next returns false when no
// task may start.
//
// Each call costs O(log n) for every delayed task that became due and for
// every group of skipped tasks that own the same paths, plus O(log n) for
// the task handed out. Tasks that own the same paths form one group, so a
// thousand tasks waiting for one path cost one check per call.
//
// NOTE: groups with different paths are each checked again when the task
// they waited for ends. A task owning a directory that many groups below it
// wait for, started again and again, makes each of its ends cost
// O(groups × log n).
func (q *Queue) Next(now time.Time) (Dispatch, bool) {
	q.promoteDue(now)
	for len(q.ready) > 0 {
		c := q.ready[0]
		if holder := q.overlapping(c.owns); holder != nil {
			heap.Pop(&q.ready)
			c.parkedOn = holder
			holder.parked = append(holder.parked, c)
			continue
		}
		e := heap.Pop(&c.members).(*entry)
		if len(c.members) == 0 {
			heap.Pop(&q.ready)
			q.dropIfIdle(c)
		} else {
			heap.Fix(&q.ready, 0)
		}
		q.start(e)
		return Dispatch{ID: e.id, Attempt: e.attempts}, true
	}
	return Dispatch{}, false
}

// promoteDue makes the delayed tasks whose time has come ready.
func (q *Queue) promoteDue(now time.Time) {
	for len(q.delayed) > 0 && !q.delayed[0].notBefore.After(now) {
		e := heap.Pop(&q.delayed).(*entry)
		q.makeReady(e)
	}
}

// overlapping returns a running task that holds a path overlapping one of
// owns, or nil.
func (q *Queue) overlapping(owns [][]string) *entry {
	for _, parts := range owns {
		if holder := q.held.overlap(parts); holder != nil {
			return holder
		}
	}
	return nil
}

// makeReady adds e to its class, which joins the ready heap unless it
// waits for a running task.
func (q *Queue) makeReady(e *entry) {
	e.state = Ready
	c := q.classes[e.classKey]
	if c == nil {
		c = &class{key: e.classKey, owns: e.owns, readyIndex: -1}
		q.classes[c.key] = c
	}
	heap.Push(&c.members, e)
	switch {
	case c.parkedOn != nil:
	case c.readyIndex >= 0:
		heap.Fix(&q.ready, c.readyIndex)
	default:
		heap.Push(&q.ready, c)
	}
}

// unready takes a ready task out of its class.
func (q *Queue) unready(e *entry) {
	c := q.classes[e.classKey]
	heap.Remove(&c.members, e.memberIndex)
	if c.readyIndex >= 0 {
		if len(c.members) == 0 {
			heap.Remove(&q.ready, c.readyIndex)
		} else {
			heap.Fix(&q.ready, c.readyIndex)
		}
	}
	q.dropIfIdle(c)
}

// dropIfIdle deletes a class that has no tasks and waits for nothing, so
// classes do not pile up.
func (q *Queue) dropIfIdle(c *class) {
	if len(c.members) == 0 && c.readyIndex < 0 && c.parkedOn == nil {
		delete(q.classes, c.key)
	}
}

// start marks e running and holds its owned paths.
func (q *Queue) start(e *entry) {
	e.state = Running
	e.attempts++
	e.active = true
	q.running++
	for _, parts := range e.owns {
		q.held.hold(parts, e)
	}
}

// release frees the owned paths of a task whose attempt ended and returns
// the classes that waited for it to the ready heap.
func (q *Queue) release(e *entry) {
	if !e.active {
		return
	}
	e.active = false
	q.running--
	for _, parts := range e.owns {
		q.held.release(parts, e)
	}
	for _, c := range e.parked {
		c.parkedOn = nil
		if len(c.members) > 0 {
			heap.Push(&q.ready, c)
		} else {
			q.dropIfIdle(c)
		}
	}
	e.parked = nil
}
