package publish

import (
	"testing"
	"time"
)

func TestVersionedName(t *testing.T) {
	msk := time.FixedZone("MSK", 3*60*60)
	v := Version{Number: 3, Time: time.Date(2026, 11, 25, 23, 30, 0, 0, msk)}
	for name, want := range map[string]string{
		"perechen.pdf":    "perechen-2026-11-25-v3.pdf",
		"perechen.xlsx":   "perechen-2026-11-25-v3.xlsx",
		"perechen.tar.gz": "perechen.tar-2026-11-25-v3.gz",
		"README":          "README-2026-11-25-v3",
		".htaccess":       ".htaccess-2026-11-25-v3",
	} {
		if got := VersionedName(name, v); got != want {
			t.Errorf("VersionedName(%q) = %q, want %q", name, got, want)
		}
		if name[0] != '.' && !versionedPattern(name).MatchString(VersionedName(name, v)) {
			t.Errorf("versionedPattern(%q) does not match its own copy", name)
		}
	}
	// The date is the version's own calendar day, not UTC's.
	if got := VersionedName("p.pdf", v); got != "p-2026-11-25-v3.pdf" {
		t.Errorf("got %q", got)
	}
}

func TestContentHash(t *testing.T) {
	a := []File{{Name: "index.html", Data: []byte("x")}, {Name: "perechen.pdf", Data: []byte("y")}}
	b := []File{a[1], a[0]}
	if ContentHash(a) != ContentHash(b) {
		t.Error("hash depends on file order")
	}
	if len(ContentHash(a)) != 64 {
		t.Errorf("hash %q is not hex SHA-256", ContentHash(a))
	}
	for _, other := range [][]File{
		{{Name: "index.html", Data: []byte("x")}, {Name: "perechen.pdf", Data: []byte("z")}},
		{{Name: "index.html", Data: []byte("x")}, {Name: "perechen.csv", Data: []byte("y")}},
		{{Name: "index.htmlx", Data: nil}, {Name: "perechen.pdf", Data: []byte("y")}}, // boundary shift
		{{Name: "index.html", Data: []byte("x")}},
		nil,
	} {
		if ContentHash(other) == ContentHash(a) {
			t.Errorf("collision with %v", other)
		}
	}
	if ContentHash(nil) != ContentHash([]File{}) {
		t.Error("nil and empty differ")
	}
}
