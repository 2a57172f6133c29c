package publish

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// VersionedName is the name of a file's dated, numbered copy:
// "perechen.pdf" of version 3 taken on 25 November 2026 becomes
// "perechen-2026-11-25-v3.pdf" (a name without an extension gets the suffix
// at the end). The date is v.Time's calendar day in its own location.
func VersionedName(name string, v Version) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if base == "" { // ".htaccess": the dot starts the name, it is no extension
		base, ext = name, ""
	}
	return fmt.Sprintf("%s-%s-v%d%s", base, v.Time.Format("2006-01-02"), v.Number, ext)
}

// ContentHash is the hex SHA-256 of the files' names and bytes, in name
// order, each length-prefixed so that no two different sets hash alike. It
// does not depend on the order of files, so equal renders give equal hashes
// and a target can skip a version it already has.
func ContentHash(files []File) string {
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	h := sha256.New()
	var n [8]byte
	for _, f := range sorted {
		binary.BigEndian.PutUint64(n[:], uint64(len(f.Name)))
		h.Write(n[:])
		h.Write([]byte(f.Name))
		binary.BigEndian.PutUint64(n[:], uint64(len(f.Data)))
		h.Write(n[:])
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}
