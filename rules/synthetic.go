package rules

import "strconv"

// SyntheticGrid builds a clean registry of about rows table rows (one need
// per row, four rows per touchpoint, two touchpoints per process: one digital,
// one offline) for benchmarks and load tests across packages.
func SyntheticGrid(rows int) Grid {
	g := Grid{Sheet: "Перечень"}
	g.Cells = append(g.Cells,
		cells("ПЕРЕЧЕНЬ точек взаимодействия с внутренним клиентом"),
		cells("№", "Процесс взаимодействия с внутренним клиентом", "Точка взаимодействия",
			"Удовлетворяемые потребности клиента", "Особенности взаимодействия с клиентом"),
		cells("1", "2", "3", "4", "5"))
	needs := []string{"Представление документов", "Получение информации, в том числе о ходе рассмотрения запроса",
		"Получение консультации", "Получение результата, ответа, разъяснения"}
	tps := [][2]string{{"СЭД", "Цифровая точка"}, {"Телефонная связь", "Офлайн точка"}}
	for r, proc := 0, 1; r < rows; proc++ {
		for ti, tp := range tps {
			for ni, need := range needs {
				if r >= rows {
					return g
				}
				num, name, point, kind := "", "", "", ""
				if ti == 0 && ni == 0 {
					num, name = strconv.Itoa(proc), "Процесс взаимодействия номер "+strconv.Itoa(proc)
				}
				if ni == 0 {
					point, kind = tp[0], tp[1]
				}
				g.Cells = append(g.Cells, cells(num, name, point, need, kind))
				r++
			}
		}
	}
	return g
}

func cells(values ...string) []Cell {
	out := make([]Cell, len(values))
	for i, v := range values {
		out[i] = Cell{Value: v}
	}
	return out
}
