package screen

// Changed returns a channel that is closed as soon as more bytes have been
// rendered or skipped than when Changed was called. Callers that wait for
// the screen to change call Changed again after each wake-up.
func (s *Screen) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress
}
