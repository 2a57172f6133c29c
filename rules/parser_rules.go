package rules

// Rules the parser reports while it reads the form's layout. They have no
// Check of their own: the layout is only visible while walking the grid.

// FormHeader: the header row exists and its captions and order match the form.
var FormHeader = &Rule{
	ID: "form-header", Paragraph: "2.1", Severity: Error,
	Doc: "The header row of the form is found by its captions (tolerant of case, spacing, ё/е and line breaks). " +
		"Missing header, a caption that differs from the form, or graphs out of order are errors: the Перечень is kept in the form the Порядок prescribes.",
}

// HeaderClient: the process caption speaks of the internal client.
var HeaderClient = &Rule{
	ID: "header-client", Paragraph: "1.3.2", Severity: Error,
	Doc: "Graph 2 of the header must speak of the internal client (\"Процесс взаимодействия с внутренним клиентом\", п. 1.3.2). " +
		"A header that says \"внешним\" describes another registry: an error under the generic Порядок; under mimp-mo a warning " +
		"that says so, because seed 003's own approved Приложение captions graph 2 «с внешним клиентом».",
}

// FormColumns: nothing stands outside the form's five graphs.
var FormColumns = &Rule{
	ID: "form-columns", Paragraph: "2.1", Severity: Error,
	Doc: "Every value of the table stands in one of the form's five graphs. Text to the right of graph 5 " +
		"(seed 003 has kinds in column F) is reported at its cell, with the graph it belongs to where that is clear.",
}

// MisplacedText: text in the № or process graph of a continuation row.
var MisplacedText = &Rule{
	ID: "misplaced-text", Paragraph: "2.1", Severity: Error,
	Doc: "On a row that continues a process, text in graph 1 (№) or graph 2 (process) that is not a new process " +
		"(seed 003: \"Получение консультации\" in column A) is misplaced; the finding names the graph it likely belongs to. " +
		"A kind on a row without a touchpoint that contradicts the touchpoint's kind is reported too.",
}

// BlankRow: no blank rows inside the table.
var BlankRow = &Rule{
	ID: "blank-row", Paragraph: "2.1", Severity: Warning,
	Doc: "The rows of the form follow each other without gaps (п. 2.1). A blank row inside a process cuts its rows off " +
		"its name; one between two processes is reported as such. Blank rows above the first process and after the last row are ignored.",
}

// OneTouchpointPerRow: a cell names one touchpoint.
var OneTouchpointPerRow = &Rule{
	ID: "one-touchpoint-per-row", Paragraph: "2.1", Severity: Warning,
	Doc: "A touchpoint cell holding several touchpoints run together (seed 000: \"Электронная почта ОИВ Телефонная связь\") " +
		"is split by the profile's vocabulary so every touchpoint is checked; the cell is reported because the form (п. 2.1, " +
		"Приложение) gives each touchpoint its own row with its needs and kind. Several lines of one touchpoint's name are fine.",
}
