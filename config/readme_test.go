package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEExamples keeps the README's copy-paste YAML valid: the daemon
// example parses as is, the publish example inside a minimal source.
func TestREADMEExamples(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	var full, publish string
	for _, b := range blocks {
		switch {
		case strings.HasPrefix(b[1], "interval:"):
			full = b[1]
		case strings.HasPrefix(b[1], "publish:"):
			publish = b[1]
		}
	}
	if full == "" || publish == "" {
		t.Fatalf("README lost its config examples (%d yaml blocks)", len(blocks))
	}
	env := func(string) string { return "secret" }
	if _, err := ParseEnv([]byte(full), "README.md", env); err != nil {
		t.Errorf("daemon example: %v", err)
	}
	src := "state_dir: /tmp/x\nsources:\n  - name: a\n    xlsx: {path: /tmp/a.xlsx}\n" + indent(publish, "    ")
	if _, err := ParseEnv([]byte(src), "README.md", env); err != nil {
		t.Errorf("publish example: %v\n%s", err, src)
	}
}

func indent(s, pfx string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pfx + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestDocsExamples parses every YAML example in docs/ that is a config or
// a part of one (sources:, publish:), so the guides cannot drift from the
// config package.
func TestDocsExamples(t *testing.T) {
	env := func(string) string { return "secret" }
	for _, doc := range []string{"../docs/google-sheets.md", "../docs/publish.md", "../docs/deploy.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(data), -1) {
			text := b[1]
			switch {
			case strings.HasPrefix(text, "interval:"), strings.HasPrefix(text, "state_dir:"):
			case strings.HasPrefix(text, "sources:"):
				text = "state_dir: /tmp/x\n" + text
			case strings.HasPrefix(text, "publish:"):
				text = "state_dir: /tmp/x\nsources:\n  - name: a\n    xlsx: {path: /tmp/a.xlsx}\n" + indent(text, "    ")
			default:
				continue
			}
			if _, err := ParseEnv([]byte(text), doc, env); err != nil {
				t.Errorf("%s, yaml block %d: %v\n%s", doc, i+1, err, text)
			}
		}
	}
}
