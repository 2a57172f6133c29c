package history

import (
	"strings"

	"github.com/perechen-oiv/perechen/rules"
)

// Change kinds. The four touchpoint cases are the Порядок's actualization
// cases; the process cases are not among them but still change the Перечень
// and so still count for the publication deadline.
const (
	TouchpointAdded    = "touchpoint_added"    // п. 5.3.1 / 5.1.1
	KindChanged        = "kind_changed"        // п. 5.3.2 / 5.1.2
	NeedAdded          = "need_added"          // п. 5.3.3 / 5.1.3
	NeedRemoved        = "need_removed"        // п. 5.3.3 / 5.1.3
	TouchpointExcluded = "touchpoint_excluded" // п. 5.3.4 / 5.1.4
	ProcessAdded       = "process_added"       // п. 5.3 / 5.1
	ProcessRemoved     = "process_removed"     // п. 5.3 / 5.1
	ProcessRenamed     = "process_renamed"     // п. 5.3 / 5.1
)

// Diff lists the changes from old to new, classified by p's actualization
// clauses, in the order of new's processes (removals after the process they
// were in, removed processes last). A nil old (the first version) makes
// everything added; a nil new makes everything removed.
//
// Processes are matched by normalized name first, then the rest by number
// (a match by number with a different name is a rename). Touchpoints match
// within a process by name through the profile's vocabulary (an accepted
// abbreviation is the same touchpoint), needs likewise; a reworded need is a
// removal and an addition. A new process brings its touchpoints as new ones
// (п. 5.3.1), a removed process excludes its touchpoints (п. 5.3.4).
//
// Time is left zero: the caller stamps it (see Stamp).
func Diff(old, new *rules.Registry, p *rules.Profile) []Change {
	d := differ{keys: newKeys(p)}
	if p != nil {
		d.clauses = p.Clauses
	}
	if d.clauses == (rules.Actualize{}) {
		d.clauses = rules.Actualize{Clause: "5.3", NewTouchpoint: "5.3.1", KindChanged: "5.3.2", NeedsChanged: "5.3.3", Excluded: "5.3.4"}
	}
	var oldProcs, newProcs []rules.Process
	if old != nil {
		oldProcs = old.Processes
	}
	if new != nil {
		newProcs = new.Processes
	}
	pairs := matchProcesses(oldProcs, newProcs)
	for ni := range newProcs {
		np := &newProcs[ni]
		oi, ok := pairs[ni]
		if !ok {
			d.add(Change{Clause: d.clauses.Clause, Kind: ProcessAdded, Process: processName(np), After: np.Name})
			for _, t := range np.Touchpoints {
				d.add(Change{Clause: d.clauses.NewTouchpoint, Kind: TouchpointAdded, Process: processName(np), Touchpoint: t.Name, After: t.Kind})
			}
			continue
		}
		op := &oldProcs[oi]
		if rules.Normalize(op.Name) != rules.Normalize(np.Name) {
			d.add(Change{Clause: d.clauses.Clause, Kind: ProcessRenamed, Process: processName(np), Before: op.Name, After: np.Name})
		}
		d.touchpoints(processName(np), op.Touchpoints, np.Touchpoints)
	}
	matchedOld := map[int]bool{}
	for _, oi := range pairs {
		matchedOld[oi] = true
	}
	for oi := range oldProcs {
		if matchedOld[oi] {
			continue
		}
		op := &oldProcs[oi]
		d.add(Change{Clause: d.clauses.Clause, Kind: ProcessRemoved, Process: processName(op), Before: op.Name})
		for _, t := range op.Touchpoints {
			d.add(Change{Clause: d.clauses.Excluded, Kind: TouchpointExcluded, Process: processName(op), Touchpoint: t.Name, Before: t.Kind})
		}
	}
	return d.out
}

type differ struct {
	keys    keys
	clauses rules.Actualize
	out     []Change
}

// add records a change with its texts cleaned (line breaks and runs of
// spaces folded), so the log and the site show one line per change.
func (d *differ) add(c Change) {
	c.Process, c.Touchpoint = rules.Clean(c.Process), rules.Clean(c.Touchpoint)
	c.Before, c.After = rules.Clean(c.Before), rules.Clean(c.After)
	d.out = append(d.out, c)
}

func (d *differ) touchpoints(process string, old, new []rules.Touchpoint) {
	byKey := map[string][]int{}
	for i, t := range old {
		k := d.keys.touchpoint(t.Name)
		byKey[k] = append(byKey[k], i)
	}
	matched := map[int]bool{}
	for _, nt := range new {
		k := d.keys.touchpoint(nt.Name)
		queue := byKey[k]
		if len(queue) == 0 {
			d.add(Change{Clause: d.clauses.NewTouchpoint, Kind: TouchpointAdded, Process: process, Touchpoint: nt.Name, After: nt.Kind})
			continue
		}
		oi := queue[0]
		byKey[k] = queue[1:]
		matched[oi] = true
		ot := old[oi]
		if d.keys.kind(ot.Kind) != d.keys.kind(nt.Kind) {
			d.add(Change{Clause: d.clauses.KindChanged, Kind: KindChanged, Process: process, Touchpoint: nt.Name, Before: ot.Kind, After: nt.Kind})
		}
		d.needs(process, nt.Name, ot.Needs, nt.Needs)
	}
	for oi, ot := range old {
		if !matched[oi] {
			d.add(Change{Clause: d.clauses.Excluded, Kind: TouchpointExcluded, Process: process, Touchpoint: ot.Name, Before: ot.Kind})
		}
	}
}

// needs compares two lists of needs as multisets: order does not matter.
func (d *differ) needs(process, touchpoint string, old, new []rules.Need) {
	count := map[string]int{}
	for _, n := range old {
		count[d.keys.need(n.Text)]++
	}
	var added []string
	for _, n := range new {
		k := d.keys.need(n.Text)
		if count[k] > 0 {
			count[k]--
			continue
		}
		added = append(added, n.Text)
	}
	for _, n := range old {
		k := d.keys.need(n.Text)
		if count[k] > 0 {
			count[k]--
			d.add(Change{Clause: d.clauses.NeedsChanged, Kind: NeedRemoved, Process: process, Touchpoint: touchpoint, Before: n.Text})
		}
	}
	for _, text := range added {
		d.add(Change{Clause: d.clauses.NeedsChanged, Kind: NeedAdded, Process: process, Touchpoint: touchpoint, After: text})
	}
}

// matchProcesses pairs new process indexes with old ones: equal normalized
// names first (in order, so duplicates pair up one to one), then equal
// numbers among the rest.
func matchProcesses(old, new []rules.Process) map[int]int {
	pairs := map[int]int{}
	used := map[int]bool{}
	pair := func(key func(*rules.Process) string) {
		index := map[string][]int{}
		for oi := range old {
			if k := key(&old[oi]); k != "" && !used[oi] {
				index[k] = append(index[k], oi)
			}
		}
		for ni := range new {
			if _, done := pairs[ni]; done {
				continue
			}
			k := key(&new[ni])
			if q := index[k]; k != "" && len(q) > 0 {
				pairs[ni], used[q[0]] = q[0], true
				index[k] = q[1:]
			}
		}
	}
	pair(func(p *rules.Process) string { return rules.Normalize(p.Name) })
	pair(func(p *rules.Process) string { return strings.TrimRight(strings.TrimSpace(p.Number), ".") })
	return pairs
}

// processName is how a change names its process: the name, or the number
// when the name is empty.
func processName(p *rules.Process) string {
	if strings.TrimSpace(p.Name) != "" {
		return rules.Clean(p.Name)
	}
	return "№ " + strings.TrimSpace(p.Number)
}

// keys folds names through the profile's vocabularies, so an accepted
// wording or a known synonym compares equal to the canonical text.
type keys struct {
	touchpoints, needs, kinds map[string]string
}

func newKeys(p *rules.Profile) keys {
	k := keys{touchpoints: map[string]string{}, needs: map[string]string{}, kinds: map[string]string{}}
	vocab := func(m map[string]string, items []rules.VocabItem) {
		for _, it := range items {
			canon := rules.Normalize(it.Text)
			for _, w := range append(append([]string{it.Text}, it.Accept...), it.Synonyms...) {
				if n := rules.Normalize(w); n != "" {
					if _, taken := m[n]; !taken {
						m[n] = canon
					}
				}
			}
		}
	}
	if p != nil {
		vocab(k.touchpoints, p.Touchpoints)
		vocab(k.needs, p.Needs)
		for _, kind := range p.Kinds {
			k.kinds[rules.Normalize(kind.Label)] = kind.ID
			for _, v := range kind.Variants {
				k.kinds[rules.Normalize(v)] = kind.ID
			}
		}
	}
	return k
}

func lookup(m map[string]string, s string) string {
	n := rules.Normalize(s)
	if c, ok := m[n]; ok {
		return c
	}
	return n
}

func (k keys) touchpoint(s string) string { return lookup(k.touchpoints, s) }
func (k keys) need(s string) string       { return lookup(k.needs, s) }
func (k keys) kind(s string) string       { return lookup(k.kinds, s) }
