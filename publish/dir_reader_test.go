package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

// How many versions the reader test publishes. Whether a reader can see a
// partial file depends on rename(2) alone, which is atomic on every POSIX
// file system; fsync only adds crash durability and costs ~2 ms a file on
// disk. So the full 1,000 run goes to tmpfs (/dev/shm) when there is one,
// and a shorter run checks the real disk of t.TempDir() as well.
var (
	readerPublishes     = flag.Int("reader-publishes", 1000, "publishes in the tmpfs run of the reader test")
	readerDiskPublishes = flag.Int("reader-disk-publishes", 50, "publishes in the on-disk run of the reader test")
)

// checkedContent is a file body that proves its own integrity: a header
// with the version number and the SHA-256 of the rest, then a body whose
// size varies by version (2–34 KiB, so a torn read would show).
func checkedContent(name string, n int) []byte {
	body := bytes.Repeat([]byte(fmt.Sprintf("%s v%d;", name, n)), 2048/len(name)+(n*7919)%2048)
	sum := sha256.Sum256(body)
	return append([]byte(fmt.Sprintf("v=%d sha256=%s\n", n, hex.EncodeToString(sum[:]))), body...)
}

// verifyContent returns the version a file body claims, or why it is bad.
func verifyContent(data []byte) (int, error) {
	header, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return 0, fmt.Errorf("no header in %d bytes", len(data))
	}
	var n int
	var sum string
	if _, err := fmt.Sscanf(string(header), "v=%d sha256=%s", &n, &sum); err != nil {
		return 0, fmt.Errorf("header %q: %v", header, err)
	}
	got := sha256.Sum256(body)
	if hex.EncodeToString(got[:]) != sum {
		return n, fmt.Errorf("v%d: checksum mismatch over %d bytes (partial file)", n, len(body))
	}
	return n, nil
}

// A reader polling the folder while versions are published never sees a
// missing or partial index.html or perechen.pdf, never a version that was
// not written yet, and never an older version after a newer one.
func TestDirReaderNeverSeesPartialFile(t *testing.T) {
	publishes := *readerPublishes
	if testing.Short() {
		publishes = min(publishes, 200)
	}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		t.Run("tmpfs", func(t *testing.T) {
			dir, err := os.MkdirTemp("/dev/shm", "perechen-publish-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			readerRun(t, dir, publishes)
		})
	} else {
		t.Logf("no /dev/shm: the on-disk run does %d publishes", publishes)
		*readerDiskPublishes = publishes
	}
	t.Run("disk", func(t *testing.T) { readerRun(t, t.TempDir(), *readerDiskPublishes) })
}

// readerRun publishes versions 1…publishes into dir while one reader
// goroutine reads index.html and perechen.pdf in turn.
func readerRun(t *testing.T, dir string, publishes int) {
	target, err := NewDirTarget(DirConfig{Path: dir, Keep: 5})
	if err != nil {
		t.Fatal(err)
	}
	publishOne := func(n int) error {
		return target.Publish(context.Background(), Version{Source: "test", Number: n, Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)},
			[]File{{Name: "perechen.pdf", Data: checkedContent("perechen.pdf", n)}, {Name: "index.html", Data: checkedContent("index.html", n)}})
	}
	if err := publishOne(1); err != nil {
		t.Fatal(err)
	}
	var started atomic.Int64 // the version being published; readers may see up to it
	started.Store(1)
	done := make(chan struct{})
	var wg gosync.WaitGroup
	names := []string{"index.html", "perechen.pdf"}
	var reads [2]int
	var failures []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		var last [2]int
		fail := func(format string, args ...any) {
			if len(failures) < 10 {
				failures = append(failures, fmt.Sprintf(format, args...))
			}
		}
		for r := 0; ; r++ {
			select {
			case <-done:
				return
			default:
			}
			i := r % 2
			name := names[i]
			data, err := os.ReadFile(filepath.Join(dir, name))
			reads[i]++
			if errors.Is(err, os.ErrNotExist) {
				fail("read %d: %s missing", r, name)
				continue
			}
			if err != nil {
				fail("read %d: %v", r, err)
				continue
			}
			n, err := verifyContent(data)
			switch {
			case err != nil:
				fail("read %d: %s: %v", r, name, err)
			case int64(n) > started.Load():
				fail("read %d: %s v%d was never written (latest %d)", r, name, n, started.Load())
			case n < last[i]:
				fail("read %d: %s went back from v%d to v%d", r, name, last[i], n)
			}
			last[i] = max(last[i], n)
		}
	}()
	begin := time.Now()
	for n := 2; n <= publishes; n++ {
		started.Store(int64(n))
		if err := publishOne(n); err != nil {
			close(done)
			wg.Wait()
			t.Fatalf("publish %d: %v", n, err)
		}
	}
	elapsed := time.Since(begin)
	close(done)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("%d publishes in %v (%.2f ms each); reads: index.html %d, perechen.pdf %d",
		publishes, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/1000/float64(publishes-1), reads[0], reads[1])
	if reads[0] < publishes/10 || reads[1] < publishes/10 {
		t.Errorf("the readers polled too rarely to prove anything: %v", reads)
	}
	// Keep 5: the current copy and four older ones, nothing else.
	var copies []string
	for _, name := range listDir(t, dir) {
		if versionedPattern("perechen.pdf").MatchString(name) {
			copies = append(copies, name)
		}
	}
	if len(copies) != 5 || copies[4] != VersionedName("perechen.pdf", Version{Number: publishes, Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, publishes)}) {
		t.Errorf("versioned copies = %v", copies)
	}
	if got := listDir(t, dir); len(got) != 7 {
		t.Errorf("folder holds %d entries, want 7 (index, pdf, 5 copies): %v", len(got), got)
	}
	final, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if n, err := verifyContent(final); err != nil || n != publishes {
		t.Errorf("final index.html = v%d, %v", n, err)
	}
}
