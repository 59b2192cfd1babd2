package executor

import "fmt"

// Tasks returns a snapshot of the tasks that refs name, by id or by name, in
// the order of refs and without repeats. Empty refs selects every task in
// submission order. An unknown reference is an error that names it.
func (p *Pool) Tasks(refs []string) ([]TaskInfo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(refs) == 0 {
		infos := make([]TaskInfo, 0, len(p.order))
		for _, t := range p.order {
			infos = append(infos, t.info())
		}
		return infos, nil
	}
	infos := make([]TaskInfo, 0, len(refs))
	seen := make(map[string]bool, len(refs))
	for _, ref := range refs {
		t, err := p.lookupLocked(ref)
		if err != nil {
			return nil, err
		}
		if seen[t.id] {
			continue
		}
		seen[t.id] = true
		infos = append(infos, t.info())
	}
	return infos, nil
}

// lookupLocked finds a task by id, then by name. The caller holds p.mu.
func (p *Pool) lookupLocked(ref string) (*task, error) {
	if t, ok := p.tasks[ref]; ok {
		return t, nil
	}
	if id, ok := p.names[ref]; ok {
		return p.tasks[id], nil
	}
	return nil, fmt.Errorf("task %s not found: give a task id or name that spawn returned, or call status "+
		"to list them", QuoteRef(ref))
}
