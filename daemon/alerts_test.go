package daemon

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestAlertRules runs `promtool check rules` and `promtool test rules` on
// deploy/alerts.yml, and checks that every alert has a test and every
// metric the alerts use is one the daemon exports. Without promtool the
// test is skipped, except under CI=true where .ci/run installs it
// (Debian package prometheus).
func TestAlertRules(t *testing.T) {
	rules, err := os.ReadFile("../deploy/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile("../deploy/alerts_test.yml")
	if err != nil {
		t.Fatal(err)
	}
	alerts := regexp.MustCompile(`(?m)^\s*- alert: (\S+)`).FindAllStringSubmatch(string(rules), -1)
	if len(alerts) != 6 {
		t.Errorf("%d alerts in deploy/alerts.yml, want 6 (blocked, awaiting approval, deadline near, overdue, source, target)", len(alerts))
	}
	for _, a := range alerts {
		if !strings.Contains(string(tests), "alertname: "+a[1]+"\n") {
			t.Errorf("alert %s has no test in deploy/alerts_test.yml", a[1])
		}
	}
	exported := map[string]bool{}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	descs := make(chan *prometheus.Desc, 100)
	for _, c := range m.collectors() {
		c.Describe(descs)
	}
	close(descs)
	fq := regexp.MustCompile(`fqName: "([^"]+)"`)
	for d := range descs {
		exported[fq.FindStringSubmatch(d.String())[1]] = true
	}
	for _, name := range regexp.MustCompile(`perechen_[a-z_]+`).FindAllString(string(rules), -1) {
		if !exported[name] {
			t.Errorf("deploy/alerts.yml uses %s, which the daemon does not export", name)
		}
	}

	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool not found; CI must install the prometheus package")
		}
		t.Skip("promtool not found (apt-get install prometheus); skipping promtool check/test rules")
	}
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "../deploy"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
