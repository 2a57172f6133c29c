package config

import (
	"strings"
	"testing"
	_ "time/tzdata" // the tests pass on a machine without /usr/share/zoneinfo, as the binary does
)

func TestTimeZoneAndApproval(t *testing.T) {
	c, err := ParseEnv([]byte(`time_zone: Asia/Yekaterinburg
sources:
  - name: a
    xlsx: {path: /tmp/a.xlsx}
    time_zone: Europe/Moscow
    approval: {required: true, appendix: true}
  - name: b
    xlsx: {path: /tmp/b.xlsx}
    approval:
      grif: |
        УТВЕРЖДЁН
        приказом от 14.08.2024 № 27П-39
  - name: c
    xlsx: {path: /tmp/c.xlsx}
`), "c.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	a, b, cc := c.Sources[0], c.Sources[1], c.Sources[2]
	if !a.Approval.Required || !a.Approval.Appendix || b.Approval.Required || cc.Approval != (Approval{}) {
		t.Errorf("approval: %+v %+v %+v", a.Approval, b.Approval, cc.Approval)
	}
	if !strings.HasPrefix(b.Approval.Grif, "УТВЕРЖДЁН\nприказом") {
		t.Errorf("grif %q", b.Approval.Grif)
	}
	if c.TimeZoneFor(a) != "Europe/Moscow" || c.TimeZoneFor(b) != "Asia/Yekaterinburg" {
		t.Errorf("TimeZoneFor: %q %q", c.TimeZoneFor(a), c.TimeZoneFor(b))
	}
	d, err := ParseEnv([]byte(minimal), "c.yaml", env(nil))
	if err != nil || d.TimeZoneFor(d.Sources[0]) != "" {
		t.Errorf("no time_zone configured must leave it to the source/default: %v %q", err, d.TimeZoneFor(d.Sources[0]))
	}
}

func TestTimeZoneAndApprovalErrors(t *testing.T) {
	src := "sources:\n  - name: a\n    xlsx: {path: x}\n"
	for _, tc := range []struct{ yaml, want string }{
		{"time_zone: Moscow\n" + minimal, `c.yaml:1: time_zone: "Moscow" is not an IANA time zone name`},
		{"time_zone: Local\n" + minimal, `c.yaml:1: time_zone: "Local" is not an IANA time zone name`},
		{src + "    time_zone: MSK+3\n", `c.yaml:4: sources[0].time_zone: "MSK+3" is not an IANA`},
		{src + "    approval: {required: yes-please}\n", `c.yaml:4: sources[0].approval.required: "yes-please" is not on/off`},
		{src + "    approval: {required: true, grif: x}\n", "c.yaml:4: sources[0].approval.grif: with required: true the grif is the approving document"},
		{src + "    approval: {appendix: true}\n", "c.yaml:4: sources[0].approval.appendix: the appendix mark names the approving document"},
		{src + "    approval: {needed: true}\n", "c.yaml:4: sources[0].approval.needed: unknown key (known keys: appendix, grif, required)"},
	} {
		_, err := ParseEnv([]byte(tc.yaml), "c.yaml", env(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\nerror %v\nwant %q", tc.yaml, err, tc.want)
		}
	}
}
