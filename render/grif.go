package render

import (
	"regexp"
	"strings"
	"time"

	"github.com/perechen-oiv/perechen/rules"
)

// Approval is the document that approved a version of the Перечень (seed
// 000 п. 5.1: the Министерство sets the form of that document; п. 5.2: the
// approved Перечень is what goes on the site).
type Approval struct {
	// Document is the approving document as recorded by `perechen
	// approve --document`: "приказ Министерства … от 01.12.2026 № 27П-50".
	Document string
	// Date is when the approval was recorded, in the organisation's time zone.
	Date    time.Time
	Version int
	// Appendix adds «Приложение к приказу … от … № …» above «УТВЕРЖДЁН …».
	Appendix bool
}

// The grif (гриф утверждения, ГОСТ Р 7.0.97-2016) is printed at the top
// right of the form's first page as blocks of lines: «УТВЕРЖДЁН» on its own
// line, the approving document, its date and number on the last line.
// Renderers wrap the lines to their grif column.

// grifBlocks is the grif of a render: the approval's, else the one given as
// text (config approval.grif), else the one in the sheet's title rows.
func grifBlocks(reg *rules.Registry, meta Meta) [][]string {
	switch {
	case meta.Approval != nil:
		return approvalGrif(*meta.Approval)
	case strings.TrimSpace(meta.Grif) != "":
		return textGrif(meta.Grif)
	case reg != nil:
		if g, _ := splitTitleGrif(reg.Title); g != "" {
			return [][]string{grifLines(g)}
		}
	}
	return nil
}

// grifFlat is the grif's lines with "" between blocks (the PDF and XLSX
// lay it out line by line).
func grifFlat(blocks [][]string) []string {
	var out []string
	for i, b := range blocks {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, b...)
	}
	return out
}

// approvalGrif is «УТВЕРЖДЁН / приказом … / от … № …», with the appendix
// mark «Приложение / к приказу … / от … № …» above it when asked.
func approvalGrif(a Approval) [][]string {
	body, dated := splitDated(strings.Join(strings.Fields(a.Document), " "))
	block := func(head, body string) []string {
		out := []string{head}
		if body != "" {
			out = append(out, body)
		}
		if dated != "" {
			out = append(out, dated)
		}
		return out
	}
	var out [][]string
	if a.Appendix {
		out = append(out, block("Приложение", "к "+declineDocument(body, dative)))
	}
	return append(out, block("УТВЕРЖДЁН", declineDocument(body, instrumental)))
}

// textGrif is a grif written by hand: blocks separated by blank lines, one
// line per line.
func textGrif(text string) [][]string {
	var out [][]string
	var cur []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// grifWords start a grif in the sheet's title rows: «УТВЕРЖДЕН(А,О)»,
// «УТВЕРЖДАЮ», «Приложение (№ 1) к …».
var grifStart = regexp.MustCompile(`(?i)^(утвержд[её]н[аоы]?|утверждаю|приложение(\s+№\s*\S+)?)(\s|$)`)

// perechenWord finds the form's title word, upper case as printed.
var perechenWord = regexp.MustCompile(`(^|\s)ПЕРЕЧЕНЬ(\s|$)`)

// splitTitleGrif splits the sheet's title rows (rules.Registry.Title, the
// rows above the header joined by spaces) into a grif printed before
// «ПЕРЕЧЕНЬ» — as seed 003's «Приложение к Порядку …, утвержденному
// приказом … от 14.08.2024 № 27П-39» — and the title itself. Text before
// «ПЕРЕЧЕНЬ» that is no grif (an organisation's name) stays in the title.
func splitTitleGrif(title string) (grif, rest string) {
	title = strings.TrimSpace(title)
	loc := perechenWord.FindStringIndex(title)
	if loc == nil {
		return "", title
	}
	before := strings.TrimSpace(title[:loc[0]])
	if before == "" || !grifStart.MatchString(before) {
		return "", title
	}
	return before, strings.TrimSpace(title[loc[0]:])
}

// grifLines lays a grif found as one run of text out as the form prints it:
// the opening word alone, the body, then «от ДД.ММ.ГГГГ № …» alone.
func grifLines(text string) []string {
	text = strings.Join(strings.Fields(text), " ")
	var out []string
	if m := grifStart.FindStringSubmatch(text); m != nil {
		head := strings.TrimSpace(m[1])
		out = append(out, head)
		text = strings.TrimSpace(text[len(head):])
	}
	body, dated := splitDated(text)
	for _, s := range []string{body, dated} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// datedTail is a document's closing «от 14.08.2024 № 27П-39» (also «от
// 14.08.2024 г. № …»).
var datedTail = regexp.MustCompile(`(?i)(^|\s)от\s+\d{1,2}\.\d{1,2}\.\d{4}(\s*г\.?)?\s*(№\s*\S+)?\s*$`)

func splitDated(s string) (body, dated string) {
	s = strings.TrimSpace(s)
	loc := datedTail.FindStringIndex(s)
	if loc == nil {
		return s, ""
	}
	return strings.TrimSpace(s[:loc[0]]), strings.TrimSpace(s[loc[0]:])
}

type grammaticalCase int

const (
	instrumental grammaticalCase = iota // утверждён (чем?) приказом
	dative                              // приложение (к чему?) к приказу
)

// documentForms are the approving documents' names in the nominative,
// dative and instrumental cases.
var documentForms = [][3]string{
	{"приказ", "приказу", "приказом"},
	{"распоряжение", "распоряжению", "распоряжением"},
	{"постановление", "постановлению", "постановлением"},
	{"решение", "решению", "решением"},
	{"протокол", "протоколу", "протоколом"},
}

// declineDocument puts the first word of a document's name into case c,
// in lower case as it stands inside the grif, when it is a known name
// (Приказ → приказом); anything else is kept as written, so a clerk may
// type the grif's wording herself.
func declineDocument(doc string, c grammaticalCase) string {
	first, rest, _ := strings.Cut(doc, " ")
	lower := strings.ToLower(first)
	for _, f := range documentForms {
		for _, form := range f {
			if lower != form {
				continue
			}
			out := f[1]
			if c == instrumental {
				out = f[2]
			}
			if rest == "" {
				return out
			}
			return out + " " + rest
		}
	}
	return doc
}

// titleWithoutGrif is the sheet's title with its grif taken out.
func titleWithoutGrif(title string) string {
	_, rest := splitTitleGrif(title)
	return rest
}
