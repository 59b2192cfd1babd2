package executor

import (
	"errors"
	"fmt"
	"sync"

	"github.com/axiom-mcp/axiom-mcp/pkg/screen"
)

// ErrTaskNotFound is returned for an unknown task id or name.
var ErrTaskNotFound = errors.New("task not found")

// textLog keeps the plain text of an instance's terminal output: the raw
// bytes pass through a screen.PlainText converter into a bounded ring, and
// every offset counts from the first byte of text the instance ever wrote.
type textLog struct {
	mu      sync.Mutex // serialises conversion, so text enters the ring in order
	convert screen.PlainText
	scratch []byte
	ring    *transcript
}

func newTextLog(capacity int) *textLog {
	return &textLog{ring: newTranscript(capacity)}
}

// Write converts raw terminal output and keeps the text.
func (l *textLog) Write(raw []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.appendLocked(raw)
	return len(raw), nil
}

// appendText converts raw terminal output, keeps the text and returns it.
// The returned slice is reused by the next call, so only the goroutine that
// writes may read it, and only until it writes again.
func (l *textLog) appendText(raw []byte) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.appendLocked(raw)
}

// appendAfterGap continues the text after a gap of skipped raw bytes that
// were never converted, then converts raw. The kept text is dropped, and
// offsets after it count each skipped raw byte as one byte of text. The
// converter starts afresh, as raw may begin inside an escape sequence.
// The returned slice is reused as with appendText.
func (l *textLog) appendAfterGap(raw []byte, skipped int64) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring.skip(skipped)
	l.convert = screen.PlainText{}
	return l.appendLocked(raw)
}

// releaseScratch lets go of a conversion buffer that a flood's tail made
// large, once its text has been copied.
func (l *textLog) releaseScratch() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cap(l.scratch) > keepBufferBytes {
		l.scratch = nil
	}
}

func (l *textLog) appendLocked(raw []byte) []byte {
	l.scratch = l.convert.Append(l.scratch[:0], raw)
	if len(l.scratch) > 0 {
		_, _ = l.ring.Write(l.scratch)
	}
	return l.scratch
}

// readRange copies up to limit kept bytes starting at offset, or at the
// oldest kept byte when offset is older. It returns the bytes, the offset
// of the first, the offset of the oldest kept byte and the total written.
func (t *transcript) readRange(offset int64, limit int) (data []byte, start, oldest, total int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	total = t.total
	oldest = total - int64(len(t.buf))
	start = min(max(offset, oldest), total)
	n := int(min(total-start, int64(max(limit, 0))))
	data = make([]byte, n)
	from := int(start - oldest)
	if !t.full {
		copy(data, t.buf[from:])
		return data, start, oldest, total
	}
	// Logical byte k of a full ring is at physical index (t.start+k) mod cap.
	first := (t.start + from) % len(t.buf)
	copied := copy(data, t.buf[first:])
	copy(data[copied:], t.buf)
	return data, start, oldest, total
}

// TextWindow is a range of the plain text an instance wrote to its
// terminal. Offsets count bytes from the first byte of text the instance
// ever wrote.
type TextWindow struct {
	InstanceID string
	TaskID     string
	// State is the instance's state; an ended instance writes no more.
	State string
	// Text is the requested range, or less when it is no longer kept.
	Text []byte
	// Start is the offset of Text's first byte.
	Start int64
	// Oldest is the offset of the oldest byte still kept. Older text was
	// dropped to bound memory.
	Oldest int64
	// Total is the number of bytes of text written so far.
	Total int64
}

// TranscriptText returns up to limit bytes of the instance's plain-text
// transcript, starting at offset, or at the oldest kept byte when offset is
// older. An offset at or past the end gives no text.
func (p *Pool) TranscriptText(instanceID string, offset int64, limit int) (TextWindow, error) {
	inst, err := p.instance(instanceID)
	if err != nil {
		return TextWindow{}, err
	}
	w := TextWindow{InstanceID: inst.id, TaskID: inst.taskID, State: inst.stateName()}
	w.Text, w.Start, w.Oldest, w.Total = inst.text.ring.readRange(offset, limit)
	return w, nil
}

// TranscriptTail returns the last limit bytes, or fewer, of the instance's
// plain-text transcript.
func (p *Pool) TranscriptTail(instanceID string, limit int) (TextWindow, error) {
	inst, err := p.instance(instanceID)
	if err != nil {
		return TextWindow{}, err
	}
	total := inst.text.ring.Total()
	w := TextWindow{InstanceID: inst.id, TaskID: inst.taskID, State: inst.stateName()}
	w.Text, w.Start, w.Oldest, w.Total = inst.text.ring.readRange(total-int64(limit), limit)
	return w, nil
}

// ScreenView is the rendered terminal screen of an instance.
type ScreenView struct {
	InstanceID string `json:"instance_id"`
	TaskID     string `json:"task_id"`
	// State is the instance's state; an ended instance shows its last screen.
	State string `json:"state"`
	// Lines are the visible rows without escape codes, trailing spaces and
	// trailing empty rows.
	Lines []string `json:"lines"`
}

// Screen returns the rendered screen of an instance.
func (p *Pool) Screen(instanceID string) (ScreenView, error) {
	inst, err := p.instance(instanceID)
	if err != nil {
		return ScreenView{}, err
	}
	return ScreenView{InstanceID: inst.id, TaskID: inst.taskID, State: inst.stateName(), Lines: inst.screen.Lines()}, nil
}

// Task returns the record of the task with the given id or name.
func (p *Pool) Task(ref string) (TaskInfo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.tasks[ref]
	if !ok {
		if id, byName := p.names[ref]; byName {
			t, ok = p.tasks[id]
		}
	}
	if !ok {
		return TaskInfo{}, fmt.Errorf("%w: %s: call status to list task ids and names", ErrTaskNotFound, QuoteRef(ref))
	}
	return t.info(), nil
}

// instance returns the instance with the given id, running or ended.
func (p *Pool) instance(id string) (*Instance, error) {
	p.mu.Lock()
	inst, ok := p.instances[id]
	p.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s: call status to list instance ids; the output of an instance of an "+
			"earlier server run is in its transcript files, which axiom-mcp logs ID prints", ErrInstanceNotFound,
			QuoteRef(id))
	}
	return inst, nil
}

func (i *Instance) stateName() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.state.String()
}
