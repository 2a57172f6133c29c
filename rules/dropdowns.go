package rules

import "strings"

// DropDown is the list a form offers in one graph, with the hint staff see
// on selecting a cell and the text shown for a value not in the list.
// perechen template and perechen setup-sheet build their drop-downs from
// these, so a new blank and a live sheet offer the same values.
type DropDown struct {
	Graph  int // 3, 4 or 5: the form's graph (1-based, as the Порядок numbers them)
	Values []string
	// Closed: the Порядок allows no other value here (the kinds), so the
	// list may refuse other text; elsewhere it only marks it.
	Closed bool
	// Title (at most 32 characters, Excel's limit) and Prompt (at most 255)
	// are the hint on selecting a cell.
	Title, Prompt string
	// ErrorTitle and Error explain a value not in the list.
	ErrorTitle, Error string
}

// DropDowns are the drop-downs of graphs 3 (touchpoints, п. 4.1, 4.2),
// 4 (needs, п. 2.6.1–2.6.8; other needs allowed by п. 2.6.9) and 5 (kinds),
// in that order, from Choices.
func (p *Profile) DropDowns() []DropDown {
	c := p.Choices()
	var kindParas []string
	for _, k := range p.Kinds {
		kindParas = append(kindParas, k.Paragraph)
	}
	tpParas := "п. " + strings.Join(kindParas, ", ")
	needParas := "п. " + p.Needs[0].Paragraph
	if last := p.Needs[len(p.Needs)-1].Paragraph; last != p.Needs[0].Paragraph {
		needParas += "–" + last
	}
	kinds := "«" + strings.Join(c.Kinds, "» или «") + "»"
	return []DropDown{{
		Graph: 3, Values: c.Touchpoints,
		Title:      "Точка взаимодействия",
		Prompt:     "Выберите точку взаимодействия из списка (" + tpParas + " Порядка); другую запись таблица отметит.",
		ErrorTitle: "Точка не из списка",
		Error:      "Такой точки нет в списке " + tpParas + " Порядка. Выберите точку из списка; другую запись perechen проверит и, если она не по Порядку, оставит замечание.",
	}, {
		Graph: 4, Values: c.Needs,
		Title:      "Потребность клиента",
		Prompt:     "Выберите потребность из " + needParas + " Порядка или впишите свою: другие потребности допускает п. " + p.needOther() + ".",
		ErrorTitle: "Другая потребность",
		Error:      "Этой потребности нет в " + needParas + " Порядка: она будет учтена как другая (п. " + p.needOther() + "). Если это потребность из списка, выберите её формулировку.",
	}, {
		Graph: 5, Values: c.Kinds, Closed: true,
		Title:      "Вид точки",
		Prompt:     "Вид точки: " + kinds + " (" + tpParas + " Порядка).",
		ErrorTitle: "Неверный вид точки",
		Error:      "В графе 5 указывается вид точки: " + kinds + " (" + tpParas + " Порядка).",
	}}
}
