package publish

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// startGoSFTP runs an SSH server from golang.org/x/crypto/ssh with
// pkg/sftp's server on loopback. It needs no system tools, so password
// login and timeouts are tested even where sshd is not installed.
func startGoSFTP(t *testing.T, user, password string) (addr string, host ssh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() == user && string(pw) == password {
				return nil, nil
			}
			return nil, errors.New("denied")
		},
	}
	cfg.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveSSH(c, cfg)
		}
	}()
	return l.Addr().String(), signer.PublicKey()
}

func serveSSH(c net.Conn, cfg *ssh.ServerConfig) {
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "session only")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		go func() {
			defer ch.Close()
			for req := range creqs {
				ok := req.Type == "subsystem" && len(req.Payload) > 4 &&
					string(req.Payload[4:4+binary.BigEndian.Uint32(req.Payload)]) == "sftp"
				req.Reply(ok, nil)
				if ok {
					if srv, err := sftp.NewServer(ch); err == nil {
						_ = srv.Serve()
					}
					return
				}
			}
		}()
	}
}

func TestSFTPPasswordLogin(t *testing.T) {
	addr, host := startGoSFTP(t, "web", "Sftp-Пароль-1")
	dir := filepath.Join(t.TempDir(), "site")
	target, err := NewSFTPTarget(SFTPConfig{Addr: addr, User: "web", Password: "Sftp-Пароль-1", Dir: dir, HostKeyFingerprint: ssh.FingerprintSHA256(host), Mode: 0o600})
	if err != nil {
		t.Fatal(err)
	}
	if err := target.Publish(context.Background(), Version{Number: 1}, execFiles); err != nil {
		t.Fatal(err)
	}
	for _, f := range execFiles {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil || string(b) != string(f.Data) {
			t.Errorf("%s: %q %v", f.Name, b, err)
		}
		if fi, _ := os.Stat(filepath.Join(dir, f.Name)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", f.Name, fi.Mode().Perm())
		}
	}

	wrong, err := NewSFTPTarget(SFTPConfig{Addr: addr, User: "web", Password: "guess-Wr0ng", Dir: dir, HostKeyFingerprint: ssh.FingerprintSHA256(host)})
	if err != nil {
		t.Fatal(err)
	}
	err = wrong.Publish(context.Background(), Version{Number: 1}, execFiles)
	if err == nil || !strings.Contains(err.Error(), "не принял вход пользователя web") || !isFatal(err) {
		t.Errorf("wrong password: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "guess-Wr0ng") {
		t.Errorf("password in error: %v", err)
	}
}

func TestSFTPTimeout(t *testing.T) {
	// A server that accepts the connection and never speaks SSH.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	target, err := NewSFTPTarget(SFTPConfig{Addr: l.Addr().String(), User: "web", Password: "x", HostKeyFingerprint: "SHA256:x", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = target.Publish(context.Background(), Version{}, execFiles)
	if err == nil || !strings.Contains(err.Error(), "не уложилась в 300ms") {
		t.Errorf("error %v, want a timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s with a 300ms timeout", d)
	}
}
