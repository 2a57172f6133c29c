// Package logbuf is a log sink tests can read while goroutines write to it:
// a bytes.Buffer behind a mutex.
package logbuf

import (
	"bytes"
	"sync"
)

// Buffer collects log output; safe for concurrent Write and String.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
