package watch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"go.uber.org/zap"
)

// Run handles events until ctx is done or Close is called, and returns
// ctx.Err() or nil respectively. After the fallback to polling it scans the
// tree every PollInterval. The caller owns the goroutine that calls Run, and
// only one Run may be active at a time.
func (w *Watcher) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("watch: Run is already active for this Watcher; call it from one goroutine only")
	}
	defer w.running.Store(false)
	if w.isClosed() {
		return nil
	}

	var drain sync.WaitGroup
	stop := make(chan struct{})
	defer drain.Wait()
	defer close(stop)

	var events <-chan fsnotify.Event
	if !w.isPolling() {
		events = w.fsw.Events
		errs := w.fsw.Errors
		drain.Go(func() { w.drainErrors(stop, errs) })
	}
	return w.loop(ctx, events)
}

// loop handles events and, after the fallback to polling, scan ticks until
// ctx is done or Close is called.
func (w *Watcher) loop(ctx context.Context, events <-chan fsnotify.Event) error {
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	var tick <-chan time.Time

	for {
		if ticker == nil && w.isPolling() {
			events = nil
			ticker = time.NewTicker(w.cfg.pollInterval)
			tick = ticker.C
			w.reconcile()
		}

		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-w.done:
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				if err := w.eventsClosed(); err != nil {
					return err
				}
				continue
			}
			w.handleEvent(ev)
		case <-w.rescan:
			w.reconcile()
		case <-tick:
			w.reconcile()
		}
	}
}

// eventsClosed returns an error unless the fsnotify event channel closed
// because of Close or the fallback to polling.
func (w *Watcher) eventsClosed() error {
	if w.isClosed() || w.isPolling() {
		return nil
	}
	return fmt.Errorf("watch: fsnotify event channel for %s closed unexpectedly; create a new Watcher", w.root)
}

func (w *Watcher) isPolling() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.polling
}

// drainErrors receives fsnotify errors until stop is closed or the error
// channel closes. It runs apart from the event loop and never takes w.mu:
// fsnotify may send an error while it holds its own lock, and the event loop
// may be waiting for that lock inside Add or Remove.
func (w *Watcher) drainErrors(stop <-chan struct{}, errs <-chan error) {
	for {
		select {
		case <-stop:
			return
		case err, ok := <-errs:
			if !ok {
				return
			}
			w.handleError(err)
		}
	}
}

func (w *Watcher) handleError(err error) {
	if !errors.Is(err, fsnotify.ErrEventOverflow) {
		w.cfg.logger.Warn("watch: fsnotify error", zap.String("root", w.root), zap.Error(err))
		return
	}

	w.overflows.Add(1)
	w.cfg.logger.Warn("watch: event queue overflow; rescanning the tree. Raise fs.inotify.max_queued_events to avoid rescans",
		zap.String("root", w.root))
	select {
	case w.rescan <- struct{}{}:
	default:
		// A rescan is pending already and covers this overflow too.
	}
}
