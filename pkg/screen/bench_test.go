package screen

import (
	"context"
	"testing"
)

// BenchmarkReplay renders the recorded Claude Code session through Write,
// Run and Flush on a fresh Screen per iteration. Its MB/s is the rendering
// throughput. Creating and closing the Screen is not timed.
func BenchmarkReplay(b *testing.B) {
	body := loadRecording(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		b.StopTimer()
		s := New(Options{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.Run(ctx)
		}()
		b.StartTimer()

		if _, err := s.Write(body); err != nil {
			b.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		cancel()
		<-done
		_ = s.Close()
		b.StartTimer()
	}
}
