package render

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/perechen-oiv/perechen/rules"
)

func pxRenderPDF(t testing.TB, reg *rules.Registry, meta Meta) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := NewPDF().Render(&buf, reg, meta); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdftotext runs poppler's pdftotext with args on data. Without the tool
// the test is skipped, except under CI=true where .ci/run installs it.
func pxPdftotext(t *testing.T, data []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found; CI must install poppler-utils")
		}
		t.Skip("pdftotext not found (apt-get install -y poppler-utils); skipping the text extraction check")
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, args...), in, "-")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext: %v %s", err, stderr.String())
	}
	return string(out)
}

var pxPageRe = regexp.MustCompile(`/Type /Page\b[^s]`)

func pxPages(data []byte) int { return len(pxPageRe.FindAll(data, -1)) }

func pxSqueeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// TestPDFText checks that every process, touchpoint, kind and need can be
// extracted from the PDF, with the title block and page numbers.
func TestPDFText(t *testing.T) {
	for _, name := range []string{"sample", "seed003"} {
		t.Run(name, func(t *testing.T) {
			fx := pxLoad(t, name)
			data := pxRenderPDF(t, fx.reg, fx.meta)
			raw := pxSqueeze(pxPdftotext(t, data, "-raw"))
			want := []string{"ПЕРЕЧЕНЬ", fx.meta.Organisation, "Посостояниюна24.11.2026(версия3)",
				fmt.Sprintf("Стр.1из%d", pxPages(data))}
			for _, c := range fx.profile.Captions() {
				want = append(want, c)
			}
			for _, p := range fx.reg.Processes {
				want = append(want, p.Number, p.Name)
				for _, tp := range p.Touchpoints {
					want = append(want, tp.Name, tp.Kind)
					for _, n := range tp.Needs {
						want = append(want, n.Text)
					}
				}
			}
			for _, w := range want {
				if !strings.Contains(raw, pxSqueeze(w)) {
					t.Errorf("pdftotext output lacks %q", w)
				}
			}
			layout := pxPdftotext(t, data, "-layout")
			pxGolden(t, "pdf-"+name+".txt.golden", []byte(layout))
			pxGolden(t, "pdf-"+name+".sha256.golden", []byte(fmt.Sprintf("%x\n", sha256.Sum256(data))))
		})
	}
}

func TestPDFDeterministicAndMetadata(t *testing.T) {
	fx := pxLoad(t, "seed003")
	a, b := pxRenderPDF(t, fx.reg, fx.meta), pxRenderPDF(t, fx.reg, fx.meta)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same registry differ")
	}
	for _, want := range []string{"/CreationDate (D:20261124103000)", "/ModDate (D:20261124103000)", "/Lang (ru-RU)", "/Creator ", "/Author ", "/Title "} {
		if !bytes.Contains(a, []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if pageStreams := regexp.MustCompile(`obj\n<</Length \d+>>\nstream`).FindAll(a, -1); len(pageStreams) > 0 {
		t.Errorf("%d streams left uncompressed", len(pageStreams))
	}
	if n := bytes.Count(a, []byte("/Filter /FlateDecode")); n < pxPages(a) {
		t.Errorf("%d compressed streams for %d pages", n, pxPages(a))
	}
	if !bytes.Contains(a, []byte("/FontFile2")) {
		t.Error("the font is not embedded")
	}
	fx.meta.Version = fx.meta.Version.AddDate(0, 0, 1)
	if bytes.Equal(a, pxRenderPDF(t, fx.reg, fx.meta)) {
		t.Error("the version date does not reach the PDF")
	}
	// no version date: still no clock
	m := fx.meta
	m.Version = time.Time{}
	x := pxRenderPDF(t, fx.reg, m)
	if !bytes.Equal(x, pxRenderPDF(t, fx.reg, m)) || !bytes.Contains(x, []byte("/CreationDate (D:20000101000000)")) {
		t.Error("without Meta.Version the PDF must carry the fixed epoch, not the clock")
	}
}

func TestPDFPagesGrowWithRows(t *testing.T) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	prev := 0
	for _, n := range []int{10, 100, 400, 2000} {
		if testing.Short() && n > 400 {
			continue
		}
		reg, _ := rules.Parse(rules.SyntheticGrid(n), p)
		data := pxRenderPDF(t, reg, Meta{Profile: p, Organisation: "Орган"})
		pages := pxPages(data)
		if pages <= prev {
			t.Errorf("%d rows: %d pages, not more than %d for fewer rows", n, pages, prev)
		}
		prev = pages
		if n == 400 {
			// every page repeats the header; a process cut by a page break says so
			raw := pxPdftotext(t, data, "-raw")
			if got := strings.Count(raw, "Точка взаимодействия"); got != pages {
				t.Errorf("header caption printed %d times on %d pages", got, pages)
			}
			if got := strings.Count(raw, pdfContinued); got == 0 || got > 2*pages {
				t.Errorf("%q printed %d times on %d pages", pdfContinued, got, pages)
			}
		}
		if n == 2000 {
			text := pxSqueeze(pxPdftotext(t, data, "-raw"))
			last := reg.Processes[len(reg.Processes)-1].Name
			for _, w := range []string{pxSqueeze(last), fmt.Sprintf("Стр.%dиз%d", pages, pages)} {
				if !strings.Contains(text, w) {
					t.Errorf("2,000 rows: the text lacks %q", w)
				}
			}
		}
	}
}

// TestPDFEmptyAndOddInput: a registry without processes, a touchpoint
// without needs, a word wider than its column, and texts taller than a page
// still render with nothing cut off.
func TestPDFEmptyAndOddInput(t *testing.T) {
	if data := pxRenderPDF(t, &rules.Registry{}, Meta{}); pxPages(data) != 1 {
		t.Errorf("empty registry: %d pages", pxPages(data))
	}
	long := strings.Repeat("Оченьдлинноесловобезпробелов", 20)
	reg := &rules.Registry{Processes: []rules.Process{
		{Number: "1", Name: long, Touchpoints: []rules.Touchpoint{
			{Name: "Телефонная связь", Kind: "Офлайн точка"},
			{Name: strings.Repeat("Точкаа ", 250), Kind: "Цифровая точка", Needs: []rules.Need{{Text: "Получение консультации"}}},
		}},
		{Number: "2", Name: "Без точек"},
		{Number: "3", Name: strings.Repeat("Процессс ", 400), Touchpoints: []rules.Touchpoint{
			{Name: "СЭД", Kind: "Цифровая точка", Needs: []rules.Need{{Text: strings.Repeat("Потребностьь ", 500)}, {Text: "Последняя потребность"}}},
		}},
	}}
	data := pxRenderPDF(t, reg, Meta{})
	text := pxPdftotext(t, data, "-raw")
	squeezed := pxSqueeze(text)
	for _, w := range []string{"Безточек", "Телефоннаясвязь", "Получениеконсультации", pxSqueeze(long), "Последняяпотребность"} {
		if !strings.Contains(squeezed, w) {
			t.Errorf("lacks %q", w)
		}
	}
	for word, n := range map[string]int{"Точкаа": 250, "Процессс": 400, "Потребностьь": 500} {
		if got := strings.Count(text, word); got < n {
			t.Errorf("%q appears %d times, want at least %d: a text taller than a page was cut", word, got, n)
		}
	}
}

// TestPDFPageCountWithChanges: "Стр. N из M" is computed before drawing,
// so M must include the pages the «Изменения» block adds — from none (a few
// lines under a short table) to several (a long list after a full page).
func TestPDFPageCountWithChanges(t *testing.T) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ rows, changes int }{{0, 0}, {10, 3}, {10, 120}, {60, 1}, {60, 40}, {200, 300}} {
		reg, _ := rules.Parse(rules.SyntheticGrid(c.rows), p)
		meta := Meta{Profile: p}
		for i := 0; i < c.changes; i++ {
			meta.Changes = append(meta.Changes, fmt.Sprintf("Изменение %d: добавлена точка взаимодействия (п. 5.3.1)", i+1))
		}
		data := pxRenderPDF(t, reg, meta)
		pages := pxPages(data)
		text := pxSqueeze(pxPdftotext(t, data, "-raw"))
		for n := 1; n <= pages; n++ {
			if w := fmt.Sprintf("Стр.%dиз%d", n, pages); !strings.Contains(text, w) {
				t.Errorf("%d rows, %d changes: page %d lacks %q", c.rows, c.changes, n, w)
			}
		}
		if c.changes > 0 && !strings.Contains(text, fmt.Sprintf("Изменение%d:", c.changes)) {
			t.Errorf("%d rows, %d changes: the last change is missing", c.rows, c.changes)
		}
	}
}

// TestPDFPrepare: a render after Prepare (fonts loaded in the background)
// is byte for byte the render without it, however often either is called,
// also from several goroutines.
func TestPDFPrepare(t *testing.T) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := rules.Parse(rules.SampleGrid(), p)
	meta := Meta{Profile: p, Organisation: "Орган"}
	want := pxRenderPDF(t, reg, meta)
	r := NewPDF().(*PDF)
	r.Prepare()
	r.Prepare() // a second call while the first is under way changes nothing
	var wg sync.WaitGroup
	outs := make([][]byte, 4)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				r.Prepare()
			}
			var b bytes.Buffer
			if err := r.Render(&b, reg, meta); err != nil {
				t.Error(err)
			}
			outs[i] = b.Bytes()
		}()
	}
	wg.Wait()
	for i, got := range outs {
		if !bytes.Equal(got, want) {
			t.Errorf("render %d after Prepare differs from a plain render (%d vs %d bytes)", i, len(got), len(want))
		}
	}
}

// TestPDFPagesReachable: with the pinned fpdf, the renderer takes the page
// contents itself (pdf_pages.go). Failing here after an fpdf upgrade means
// the slower way is in use: look at fpdfPages.
func TestPDFPagesReachable(t *testing.T) {
	if fpdfPages(newPDFBase()) == nil {
		t.Fatal("fpdf's page buffers are not reachable: the renderer falls back to fpdf writing the pages")
	}
}

// TestPDFTakenPagesSameBytes: taking the pages from fpdf gives the same
// document, byte for byte, as letting fpdf write them — with one page,
// many, a last page holding only «Изменения», and an empty registry.
func TestPDFTakenPagesSameBytes(t *testing.T) {
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ rows, changes int }{{0, 0}, {10, 0}, {60, 40}, {400, 2}} {
		reg, _ := rules.Parse(rules.SyntheticGrid(c.rows), p)
		meta := Meta{Profile: p, Organisation: "Орган", Version: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
		for i := 0; i < c.changes; i++ {
			meta.Changes = append(meta.Changes, fmt.Sprintf("Изменение %d", i+1))
		}
		var taken, written bytes.Buffer
		r := NewPDF().(*PDF)
		if err := r.render(&taken, reg, meta, true); err != nil {
			t.Fatal(err)
		}
		if err := r.render(&written, reg, meta, false); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(taken.Bytes(), written.Bytes()) {
			t.Errorf("%d rows, %d changes: %d bytes with pages taken, %d written by fpdf", c.rows, c.changes, taken.Len(), written.Len())
		}
	}
}
