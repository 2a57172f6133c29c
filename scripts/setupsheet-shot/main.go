// Command setupsheet-shot draws docs/setup-sheet.png: what staff see in a
// Google Sheet after `perechen setup-sheet`. It runs the real setup against
// the fake Sheets API on loopback, then draws the fake's sheet — values,
// the lists it now holds, the mark on text not in a list, the help text
// and the open drop-down of a new row — as an HTML mock of the Sheets
// grid, and has headless Chromium take the picture.
//
//	go run ./scripts/setupsheet-shot -out docs/setup-sheet.png
//
// Needs Chromium (apt-get install chromium); not part of the tests.
package main

import (
	"context"
	"flag"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/perechen-oiv/perechen/rules"
	psync "github.com/perechen-oiv/perechen/sync"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

// demo is a registry kept one need per row, with one slip in graph 3.
const demo = "ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом Министерства образца\n\n" +
	"№\tПроцесс взаимодействия с внутренним клиентом\tТочка взаимодействия\tУдовлетворяемые потребности клиента\tОсобенности взаимодействия с клиентом\n" +
	"1\t2\t3\t4\t5\n" +
	"1\tОформление пропусков в здание\tСистема учёта заявок\tПредставление заявления\tЦифровая точка\n" +
	"\t\t\tПолучение результата\n" +
	"\t\tТелефонная связь\tПолучение консультации\tОфлайн точка\n" +
	"2\tВыдача справок с места работы\tЭлектронная почта\tПредставление запроса\tЦифровая точка\n" +
	"\t\t\tПолучение результата\n" +
	"\t\tКабинеты внутренних клиентов\tПолучение консультации\tОфлайн точка\n"

func main() {
	out := flag.String("out", "docs/setup-sheet.png", "PNG to write")
	chromium := flag.String("chromium", "chromium", "headless Chromium")
	keep := flag.String("html", "", "also keep the HTML mock here")
	flag.Parse()
	if err := run(*out, *chromium, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "setupsheet-shot:", err)
		os.Exit(1)
	}
}

func run(out, chromium, keep string) error {
	f := sheetsfake.New(nil)
	defer f.Close()
	f.Rename("Лист1", "Перечень")
	f.LoadGrid(rules.GridFromTSV("Перечень", demo))
	src, err := psync.NewSheetsSource(psync.SheetsConfig{SpreadsheetID: f.ID, Sheet: "Перечень", CredentialsJSON: f.CredentialsJSON(),
		Endpoint: f.URL, HTTPClient: f.Client()})
	if err != nil {
		return err
	}
	p, err := rules.LoadProfile("oiv")
	if err != nil {
		return err
	}
	res, err := src.SetupSheet(context.Background(), p, psync.SetupOptions{Strict: true})
	if err != nil {
		return err
	}
	page := mock(f.Grid("Перечень"), f.Validations("Перечень"), res.Plan)
	dir, err := os.MkdirTemp("", "setupsheet-shot")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sheet.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		return err
	}
	if keep != "" {
		if err := os.WriteFile(keep, []byte(page), 0o644); err != nil {
			return err
		}
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1180,660", "--screenshot="+abs, "file://"+path)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", chromium, err, b)
	}
	fmt.Println("wrote", out)
	return nil
}

var widths = []int{44, 250, 250, 290, 170}

// mock draws the first rows of the sheet as Google Sheets shows them: a
// chip with an arrow on every cell with a list, a red mark on text not in
// its list, and a new row's cell in graph 3 selected with its help text and
// the list open.
func mock(g rules.Grid, rulesAt map[[2]int]sheetsfake.Validation, plan *psync.SetupPlan) string {
	const rows = 14
	sel := [2]int{plan.Body.To, plan.Columns[2]} // the first row below the table, graph 3
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="ru"><meta charset="utf-8"><style>
body{margin:0;font:13px Arial,"Liberation Sans","DejaVu Sans",sans-serif;color:#202124;background:#fff}
.bar{height:38px;display:flex;align-items:center;gap:18px;padding:0 14px;background:#f9fbfd;border-bottom:1px solid #dadce0;font-size:14px}
.bar b{font-size:17px;font-weight:normal;margin-right:10px}.bar span{color:#444}
.fx{height:28px;display:flex;align-items:center;border-bottom:1px solid #dadce0;font-size:13px}
.fx .ref{width:80px;padding-left:10px;border-right:1px solid #dadce0}.fx .val{padding-left:10px;color:#5f6368}
table{border-collapse:collapse;table-layout:fixed}
td,th{border:1px solid #e2e3e3;height:22px;padding:2px 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;position:relative}
th{background:#f8f9fa;color:#5f6368;font-weight:normal;text-align:center;font-size:12px}
td.hd{font-weight:bold;white-space:normal;height:36px;background:#e8f0fe;font-size:12px}
td.num{text-align:center;color:#5f6368;font-size:12px}
.chip{display:inline-block;max-width:calc(100% - 8px);padding:1px 18px 1px 8px;border-radius:10px;background:#e8eaed;position:relative;overflow:hidden;text-overflow:ellipsis;vertical-align:middle}
.chip:after{content:"";position:absolute;right:7px;top:8px;border:4px solid transparent;border-top-color:#5f6368}
.empty{position:absolute;right:8px;top:11px;border:4px solid transparent;border-top-color:#9aa0a6}
.mark{position:absolute;right:0;top:0;width:0;height:0;border-top:8px solid #d93025;border-left:8px solid transparent}
.sel{outline:2px solid #1a73e8;outline-offset:-2px}
.tip{position:absolute;background:#fff;border:1px solid #dadce0;box-shadow:0 2px 6px rgba(60,64,67,.3);border-radius:4px;padding:8px 10px;font-size:12px;line-height:1.35;white-space:normal;z-index:3}
.tip.warn{border-left:4px solid #d93025}
.menu{position:absolute;background:#fff;border-radius:4px;box-shadow:0 2px 8px rgba(60,64,67,.35);padding:6px 0;z-index:4;font-size:13px}
.menu div{padding:5px 14px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.menu div:first-child{background:#e8f0fe}
.menu input{margin:0 10px 6px;width:calc(100% - 22px);border:1px solid #dadce0;border-radius:4px;padding:4px 6px;font:inherit}
</style><body>
<div class="bar"><b>Перечень точек взаимодействия</b><span>Файл</span><span>Правка</span><span>Вид</span><span>Вставка</span><span>Формат</span><span>Данные</span><span>Инструменты</span></div>`)
	fmt.Fprintf(&b, `<div class="fx"><div class="ref">%s</div><div class="val">fx</div></div>`, rules.Ref{Row: sel[0], Col: sel[1]}.A1())
	b.WriteString(`<table><tr><th style="width:34px"></th>`)
	for c, w := range widths {
		fmt.Fprintf(&b, `<th style="width:%dpx">%s</th>`, w, rules.ColumnName(c))
	}
	b.WriteString("</tr>")
	top := 38 + 28 + 27 // bars and the column letters
	rowTop := map[int]int{}
	y := top
	for r := range rows {
		rowTop[r] = y
		h := 27
		if r == plan.Body.Header {
			h = 41
		}
		y += h
		fmt.Fprintf(&b, `<tr><th>%d</th>`, r+1)
		for c := range widths {
			v := g.Value(r, c)
			cls := []string{}
			switch {
			case r == plan.Body.Header:
				cls = append(cls, "hd")
			case r > plan.Body.Header && r <= plan.Body.HeaderEnd || c == plan.Columns[0]:
				cls = append(cls, "num")
			}
			rule, listed := rulesAt[[2]int{r, c}]
			cell := html.EscapeString(v)
			switch {
			case listed && v != "" && !slices.Contains(rule.Values, v):
				cell += `<span class="mark"></span>`
			case listed && v != "":
				cell = `<span class="chip">` + cell + `</span>`
			case listed:
				cell = `<span class="empty"></span>`
			}
			if [2]int{r, c} == sel {
				cls = append(cls, "sel")
			}
			if r == 0 && c == 0 {
				fmt.Fprintf(&b, `<td colspan="5" style="font-weight:bold">%s</td>`, cell)
				break
			}
			if r == 0 {
				continue
			}
			fmt.Fprintf(&b, `<td class="%s">%s</td>`, strings.Join(cls, " "), cell)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	x := func(col int) int {
		left := 34 + 1
		for c := 0; c < col; c++ {
			left += widths[c] + 13
		}
		return left
	}
	// The slip: Sheets' mark and its explanation on hover.
	for r := plan.Body.From; r < plan.Body.To; r++ {
		col := plan.Columns[2]
		if rule, ok := rulesAt[[2]int{r, col}]; ok && g.Value(r, col) != "" && !slices.Contains(rule.Values, g.Value(r, col)) {
			fmt.Fprintf(&b, `<div class="tip warn" style="left:%dpx;top:%dpx;width:300px"><b>Недопустимое значение</b><br>Введите значение из списка.</div>`,
				x(col+1)-14, rowTop[r]+14)
			break
		}
	}
	// The selected cell of a new row: the help text perechen set and the list open.
	rule := rulesAt[sel]
	help := rule.InputMessage // as Sheets shows it, marker included
	fmt.Fprintf(&b, `<div class="tip" style="left:%dpx;top:%dpx;width:330px">%s</div>`, x(sel[1]+1)+10, rowTop[sel[0]]+2, html.EscapeString(help))
	fmt.Fprintf(&b, `<div class="menu" style="left:%dpx;top:%dpx;width:%dpx"><input placeholder="Поиск">`, x(sel[1]), rowTop[sel[0]]+27, widths[sel[1]]+12)
	for _, v := range rule.Values[:min(len(rule.Values), 8)] {
		fmt.Fprintf(&b, "<div>%s</div>", html.EscapeString(v))
	}
	b.WriteString("</div></body></html>")
	return b.String()
}
