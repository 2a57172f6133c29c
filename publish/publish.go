package publish

import (
	"context"
	"time"
)

// File is one rendered file to publish. Name is a plain file name
// ("index.html", "perechen.pdf"), never a path.
type File struct {
	Name string
	Data []byte
}

// Version identifies what is being published.
type Version struct {
	Source string    // source name from the config
	Number int       // 1, 2, … per source
	Time   time.Time // when the registry version was taken
	Hash   string    // content hash of the files, for dedup per target
}

// Target is one place a source's files go to. Publish must be atomic per
// file: a reader sees either the old or the new bytes, never a mix or a gap.
type Target interface {
	Name() string
	Publish(ctx context.Context, v Version, files []File) error
}
