package publish

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// needTool returns the path of a system tool a real-server test uses. When
// it is missing the test is skipped, except under CI=true where .ci/run
// must have installed it.
func needTool(t *testing.T, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%v not installed (apt-get install -y nginx openssh-server)", candidates)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// freePort picks a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// server is a real daemon started by a test.
type server struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan error
}

// startServer runs argv and waits until it accepts connections on port.
func startServer(t *testing.T, port int, logFile string, argv ...string) *server {
	t.Helper()
	s := &server{out: &syncBuffer{tb: tailBuffer{limit: 1 << 20}}, done: make(chan error, 1)}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	// Own group: nginx workers and sshd children die with the master.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.cmd.WaitDelay = 2 * time.Second
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", argv[0], err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s
		}
		select {
		case err := <-s.done:
			s.done <- err
			logs, _ := os.ReadFile(logFile)
			t.Fatalf("%s exited before listening (%v):\n%s\n%s", filepath.Base(argv[0]), err, s.out.String(), logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(logFile)
			t.Fatalf("%s does not listen on %s after 10s:\n%s\n%s", filepath.Base(argv[0]), addr, s.out.String(), logs)
		}
	}
}

type syncBuffer struct {
	tb tailBuffer
}

func (b *syncBuffer) Write(p []byte) (int, error) { return b.tb.Write(p) }
func (b *syncBuffer) String() string              { return b.tb.String() }

// containsAll reports the first part s lacks.
func containsAll(s string, parts ...string) error {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return fmt.Errorf("missing %q in %q", p, s)
		}
	}
	return nil
}
