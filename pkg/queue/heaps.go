package queue

import "container/heap"

// before orders tasks for dispatch: higher priority first, then earlier
// submission.
func before(a, b *entry) bool {
	if a.priority != b.priority {
		return a.priority > b.priority
	}
	return a.seq < b.seq
}

// memberHeap holds the ready tasks of one class in dispatch order.
type memberHeap []*entry

func (h memberHeap) Len() int           { return len(h) }
func (h memberHeap) Less(i, j int) bool { return before(h[i], h[j]) }
func (h memberHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].memberIndex = i
	h[j].memberIndex = j
}
func (h *memberHeap) Push(x any) {
	e := x.(*entry)
	e.memberIndex = len(*h)
	*h = append(*h, e)
}
func (h *memberHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.memberIndex = -1
	return e
}

// delayHeap holds delayed tasks by not-before time.
type delayHeap []*entry

func (h delayHeap) Len() int { return len(h) }
func (h delayHeap) Less(i, j int) bool {
	if !h[i].notBefore.Equal(h[j].notBefore) {
		return h[i].notBefore.Before(h[j].notBefore)
	}
	return h[i].seq < h[j].seq
}
func (h delayHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].delayIndex = i
	h[j].delayIndex = j
}
func (h *delayHeap) Push(x any) {
	e := x.(*entry)
	e.delayIndex = len(*h)
	*h = append(*h, e)
}
func (h *delayHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.delayIndex = -1
	return e
}

// class groups the ready tasks that own exactly the same paths. Such tasks
// conflict with the same running tasks, so the queue checks only the
// class's best task and parks the whole class when that one conflicts.
// This keeps dispatch from rescanning many tasks that wait for one path.
type class struct {
	key     string
	owns    [][]string
	members memberHeap
	// readyIndex is the class's position in the ready heap, or -1.
	readyIndex int
	// parkedOn is the running task whose owned paths the class waits for,
	// or nil.
	parkedOn *entry
}

func (c *class) best() *entry { return c.members[0] }

// classHeap holds the classes with ready tasks, by their best task.
type classHeap []*class

func (h classHeap) Len() int           { return len(h) }
func (h classHeap) Less(i, j int) bool { return before(h[i].best(), h[j].best()) }
func (h classHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].readyIndex = i
	h[j].readyIndex = j
}
func (h *classHeap) Push(x any) {
	c := x.(*class)
	c.readyIndex = len(*h)
	*h = append(*h, c)
}
func (h *classHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	c.readyIndex = -1
	return c
}

var (
	_ heap.Interface = (*memberHeap)(nil)
	_ heap.Interface = (*delayHeap)(nil)
	_ heap.Interface = (*classHeap)(nil)
)
