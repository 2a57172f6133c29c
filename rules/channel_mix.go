package rules

import "fmt"

// NoDigitalTouchpoint: a process offers a digital channel.
var NoDigitalTouchpoint = &Rule{
	ID: "no-digital-touchpoint", Paragraph: "2.9.2", Severity: Warning,
	Doc: "Interaction through information systems and online channels is the preferred channel (п. 2.9.2): " +
		"a process with no digital touchpoint is a warning.",
	Check: func(p *Pass) {
		checkChannel(p, "digital", "В процессе «%s» нет цифровой точки взаимодействия, а цифровые каналы — преимущественные.",
			"Добавьте цифровую точку из п. 4.1 (например, СЭД или электронную почту), если она используется.")
	},
}

// NoOfflineAlternative: a process keeps an offline alternative.
var NoOfflineAlternative = &Rule{
	ID: "no-offline-alternative", Paragraph: "2.9.3", Severity: Warning,
	Doc: "Access is kept through alternative channels convenient for some clients (п. 2.9.3–2.9.4): " +
		"a process with no offline touchpoint is a warning.",
	Check: func(p *Pass) {
		checkChannel(p, "offline", "В процессе «%s» нет офлайн-точки: у клиентов без доступа к цифровым каналам нет альтернативы.",
			"Добавьте офлайн-точку из п. 4.2 (например, телефонную связь), если она используется.")
	},
}

// checkChannel reports processes that have touchpoints but none of kind id.
func checkChannel(p *Pass, id, message, fix string) {
	if _, ok := p.Profile.KindByID(id); !ok {
		return // this Порядок has no such kind
	}
	for _, pr := range p.Registry.Processes {
		if len(pr.Touchpoints) == 0 {
			continue
		}
		found := false
		for _, t := range pr.Touchpoints {
			if touchpointKind(p.Profile, t) == id {
				found = true
				break
			}
		}
		if !found {
			p.Report(pr.NameAt, fmt.Sprintf(message, short(pr.Name)), fix)
		}
	}
}

// touchpointKind is the kind id of a touchpoint: from its label, else from
// the vocabulary.
func touchpointKind(pr *Profile, t Touchpoint) string {
	if k, ok := kindOf(pr, t.Kind); ok {
		return k.ID
	}
	if m := pr.idx().touchpoints.lookup(t.Name); m.Item != nil {
		return m.Item.Kind
	}
	return ""
}
