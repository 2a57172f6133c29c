package rules

import (
	"fmt"
	"strings"
)

// NoDigitalTouchpoint: a process offers a digital channel.
var NoDigitalTouchpoint = &Rule{
	ID: "no-digital-touchpoint", Paragraph: "2.9.2", Severity: Notice,
	Doc: "Interaction through information systems and online channels is the preferred channel (п. 2.9.2). " +
		"П. 2.9 sets out principles and recommends («рекомендуется»), it does not require: seed 003's own approved registry " +
		"has offline-only processes. So a process with no digital touchpoint is a notice for the authorised person, never " +
		"a note in the sheet; the suggestion names digital touchpoints of this profile.",
	Check: func(p *Pass) {
		checkChannel(p, "digital",
			"В процессе «%s» нет цифровой точки взаимодействия. Порядок называет цифровые каналы преимущественными (п. %s) — это принцип, а не обязательное требование.",
			"Если в процессе используется цифровой канал, добавьте его точкой из п. %s (например, %s).")
	},
}

// NoOfflineAlternative: a process keeps an offline alternative.
var NoOfflineAlternative = &Rule{
	ID: "no-offline-alternative", Paragraph: "2.9.4", Severity: Notice,
	Doc: "The principles of п. 2.9 ask to account for clients with low digital skills (п. 2.9.4) and, where the Порядок " +
		"says so, to keep access through offline channels as an alternative (seed 003 п. 2.9.3 «в офлайн-каналах»; seed 000's " +
		"п. 2.9.3 says «в онлайн-каналах», so the generic profile cites п. 2.9.4). A principle, not a requirement: seed 000's " +
		"own example has digital-only processes. A process with no offline touchpoint is a notice, never a note in the sheet.",
	Check: func(p *Pass) {
		checkChannel(p, "offline",
			"В процессе «%s» нет офлайн-точки. Принципы Порядка (п. %s) предлагают сохранять альтернативу для клиентов без доступа к цифровым каналам — это рекомендация, а не обязательное требование.",
			"Если в процессе есть офлайн-канал, добавьте его точкой из п. %s (например, %s).")
	},
}

// checkChannel reports processes that have touchpoints but none of kind id.
func checkChannel(p *Pass, id, message, fix string) {
	kind, ok := p.Profile.KindByID(id)
	if !ok {
		return // this Порядок has no such kind
	}
	examples := quoteJoin(p.Profile.examples(id), " или ")
	for _, pr := range p.Registry.Processes {
		if len(pr.Touchpoints) == 0 {
			continue
		}
		found := false
		for _, t := range pr.Touchpoints {
			if touchpointKind(p, t) == id {
				found = true
				break
			}
		}
		if !found {
			p.Report(pr.NameAt, fmt.Sprintf(message, short(pr.Name), p.Profile.paragraph(p.rule)), fmt.Sprintf(fix, kind.Paragraph, examples))
		}
	}
}

// examples are the touchpoints a suggestion names for a kind: the
// profile's own choice, else its first two of that kind.
func (pr *Profile) examples(id string) []string {
	if ex := pr.Examples[id]; len(ex) > 0 {
		return ex
	}
	var out []string
	for _, t := range pr.Touchpoints {
		if t.Kind == id && len(out) < 2 {
			out = append(out, t.Text)
		}
	}
	return out
}

func quoteJoin(items []string, sep string) string {
	if len(items) == 0 {
		return ""
	}
	return "«" + strings.Join(items, "»"+sep+"«") + "»"
}

// touchpointKind is the kind id of a touchpoint: from its label, else from
// the vocabulary.
func touchpointKind(p *Pass, t Touchpoint) string {
	if k, ok := kindOf(p.Profile, t.Kind); ok {
		return k.ID
	}
	if m := p.touchpoint(t.Name); m.Item != nil {
		return m.Item.Kind
	}
	return ""
}
