package executor

import (
	"fmt"
	"os"
)

// rotatingFile is an append-only file of at most max bytes. When the next
// write would pass max, the file is renamed to path + ".1", replacing an
// older one, and a new file is started, so at most 2*max bytes stay on disk.
// It is not safe for concurrent use.
type rotatingFile struct {
	path string
	max  int64
	file *os.File
	size int64
}

func openRotating(path string, max int64) (*rotatingFile, error) {
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create transcript file %s: %w", path, err)
	}
	return &rotatingFile{path: path, max: max, file: file}, nil
}

// Write appends p, rotating as often as p needs.
func (r *rotatingFile) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if r.size >= r.max {
			if err := r.rotate(); err != nil {
				return written, err
			}
		}
		part := p[:min(int64(len(p)), r.max-r.size)]
		n, err := r.file.Write(part)
		written += n
		r.size += int64(n)
		if err != nil {
			return written, fmt.Errorf("write transcript file %s: %w", r.path, err)
		}
		p = p[n:]
	}
	return written, nil
}

func (r *rotatingFile) rotate() error {
	if err := r.file.Close(); err != nil {
		return fmt.Errorf("close transcript file %s: %w", r.path, err)
	}
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		return fmt.Errorf("rotate transcript file %s: %w", r.path, err)
	}
	file, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("create transcript file %s after rotation: %w", r.path, err)
	}
	r.file, r.size = file, 0
	return nil
}

// Close closes the current file.
func (r *rotatingFile) Close() error {
	if err := r.file.Close(); err != nil {
		return fmt.Errorf("close transcript file %s: %w", r.path, err)
	}
	return nil
}
