package sync

import (
	"context"
	"strings"
	"testing"

	"github.com/perechen-oiv/perechen/rules"
)

// TestSheetsDriveVersionPrecheck follows the daemon's cycles with the
// pre-check on: an idle cycle costs one files.get and no read; an edit is
// read; perechen's own note write moves the version, so one more read
// follows it (and finds what was expected); then idle again.
func TestSheetsDriveVersionPrecheck(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.DriveVersionCheck = true })
	ctx := context.Background()
	// cycle is the daemon's: probe with the last processed hash, fetch
	// only when the probe says so, lint, write notes.
	hash := ""
	cycle := func() (fetched bool, written int) {
		t.Helper()
		if same, err := h.src.Unchanged(ctx, hash); err != nil {
			t.Fatal(err)
		} else if same {
			return false, 0
		}
		snap, err := h.src.Fetch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Hash == hash {
			return true, 0
		}
		reg, diags := lintGrid(t, snap.Grid)
		changes := PlanNotes(snap.Grid, reg, diags, now0)
		if err := h.src.WriteNotes(ctx, snap, changes); err != nil {
			t.Fatal(err)
		}
		hash = h.src.HashAfterNotes(snap, changes)
		return true, len(changes)
	}
	step := func(what string, wantFetch bool, wantGets, wantDrive int) {
		t.Helper()
		h.fake.ResetCounts()
		fetched, _ := cycle()
		c := h.fake.Counts()
		if fetched != wantFetch || c["get"] != wantGets || c["drive.get"] != wantDrive {
			t.Fatalf("%s: fetched %v, requests %v; want fetch %v, %d get, %d drive.get", what, fetched, c, wantFetch, wantGets, wantDrive)
		}
	}
	step("first cycle writes notes", true, 2, 1) // read + guard read; the version is fetched before the read
	step("after our own write", true, 1, 1)      // the write moved the version: read once, nothing new
	step("idle", false, 0, 1)
	step("idle", false, 0, 1)
	h.fake.SetValue(sheetTitle, 5, 2, "Кабинеты клиентов")
	step("a person's edit", true, 2, 1) // read, guard read, notes written
	step("after our own write", true, 1, 1)
	step("idle", false, 0, 1)
	h.fake.SetNote(sheetTitle, 0, 0, "Сверено 04.12")
	step("a note outside the table is a change too", true, 1, 1)
	step("idle", false, 0, 1)

	scopes := strings.Join(h.fake.Scopes(), " ")
	if !strings.Contains(scopes, DriveMetadataScope) || !strings.Contains(scopes, SheetsScope) {
		t.Fatalf("token scopes %q", scopes)
	}
}

// TestSheetsDriveVersionTrustBounded: an unmoved version is trusted for
// driveFullReadEvery at most (Drive may show a new version late).
func TestSheetsDriveVersionTrustBounded(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Notes, c.DriveVersionCheck = false, true })
	ctx := context.Background()
	snap, err := h.src.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if same, _ := h.src.Unchanged(ctx, snap.Hash); !same {
		t.Fatal("idle sheet not recognised")
	}
	h.src.mu.Lock()
	h.src.drive.readAt = h.src.drive.readAt.Add(-driveFullReadEvery)
	h.src.mu.Unlock()
	if same, _ := h.src.Unchanged(ctx, snap.Hash); same {
		t.Fatal("an old full read still trusted")
	}
	if same, _ := h.src.Unchanged(ctx, "other hash"); same {
		t.Fatal("a hash the source did not read accepted")
	}
}

// TestSheetsDriveVersionOffByDefault: without the switch no Drive call and
// no Drive scope; the daemon fetches every cycle.
func TestSheetsDriveVersionOffByDefault(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), nil)
	snap, err := h.src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if same, err := h.src.Unchanged(context.Background(), snap.Hash); same || err != nil {
		t.Fatalf("Unchanged = %v, %v without the pre-check", same, err)
	}
	if n := h.fake.Count("drive.get"); n != 0 || strings.Contains(strings.Join(h.fake.Scopes(), " "), "drive") {
		t.Fatalf("%d Drive calls, scopes %v", n, h.fake.Scopes())
	}
}

// TestSheetsDriveDisabledFallsBack: with the Drive API not enabled the
// pre-check fails; the sheet is read in full every cycle and the warning,
// with what to enable, is logged once.
func TestSheetsDriveDisabledFallsBack(t *testing.T) {
	h := newSheetsHarness(t, rules.SampleGrid(), func(c *SheetsConfig) { c.Notes, c.DriveVersionCheck = false, true })
	h.fake.SetAPIEnabled("drive", false)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		snap, err := h.src.Fetch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if same, err := h.src.Unchanged(ctx, snap.Hash); same || err != nil {
			t.Fatalf("pre-check without Drive: %v, %v", same, err)
		}
	}
	logs := h.logs.String()
	if n := strings.Count(logs, "drive version pre-check failed"); n != 1 || !strings.Contains(logs, "Google Drive API не включён") {
		t.Fatalf("warning logged %d times:\n%s", n, logs)
	}
	if h.fake.Count("get") != 3 {
		t.Fatalf("%d reads, want one per cycle", h.fake.Count("get"))
	}
	h.fake.SetAPIEnabled("drive", true)
	snap, _ := h.src.Fetch(ctx)
	if same, _ := h.src.Unchanged(ctx, snap.Hash); !same || !strings.Contains(h.logs.String(), "works again") {
		t.Fatal("pre-check not back after Drive was enabled")
	}
}
