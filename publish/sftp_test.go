package publish

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshdServer is a real OpenSSH sshd on loopback with a throwaway host key
// and one authorised user key.
type sshdServer struct {
	Addr        string
	User        string
	HostKey     ssh.PublicKey // ed25519, the one in KnownHosts
	ECDSAKey    ssh.PublicKey // the server's other key
	UserKeyFile string
	KnownHosts  string // known_hosts listing HostKey for Addr
	Dir         string // scratch folder for the test's files
	srv         *server
}

// writeKey writes a fresh ed25519 private key in OpenSSH format.
func writeKey(t *testing.T, path string) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return writePrivateKey(t, path, priv)
}

// writeECDSAKey writes a fresh ECDSA P-256 key, the type Go's SSH client
// prefers over ed25519.
func writeECDSAKey(t *testing.T, path string) ssh.Signer {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return writePrivateKey(t, path, priv)
}

func writePrivateKey(t *testing.T, path string, priv crypto.PrivateKey) ssh.Signer {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

func writeKnownHosts(t *testing.T, path, addr string, keys ...ssh.PublicKey) {
	t.Helper()
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(knownhosts.Line([]string{knownhosts.Normalize(addr)}, k) + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func startSSHD(t *testing.T) *sshdServer {
	t.Helper()
	bin := needTool(t, "/usr/sbin/sshd", "sshd")
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// sshd's privilege separation needs this empty root-owned folder.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	hostKeyFile := filepath.Join(dir, "ssh_host_ed25519_key")
	host := writeKey(t, hostKeyFile)
	// Like a stock Debian sshd the server also has an ECDSA key, which Go's
	// client would pick first; known_hosts lists only the ed25519 one.
	ecdsaKeyFile := filepath.Join(dir, "ssh_host_ecdsa_key")
	hostECDSA := writeECDSAKey(t, ecdsaKeyFile)
	userKeyFile := filepath.Join(dir, "id_ed25519")
	userKey := writeKey(t, userKeyFile)
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, ssh.MarshalAuthorizedKey(userKey.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
HostKey %s
PidFile %s/sshd.pid
AuthorizedKeysFile %s
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
AllowUsers %s
LogLevel VERBOSE
Subsystem sftp internal-sftp
`, port, ecdsaKeyFile, hostKeyFile, dir, authorized, u.Username)
	confFile := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, port, "", bin, "-D", "-e", "-f", confFile)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	known := filepath.Join(dir, "known_hosts")
	writeKnownHosts(t, known, addr, host.PublicKey())
	site := filepath.Join(dir, "data")
	if err := os.MkdirAll(site, 0o755); err != nil {
		t.Fatal(err)
	}
	return &sshdServer{Addr: addr, User: u.Username, HostKey: host.PublicKey(), ECDSAKey: hostECDSA.PublicKey(), UserKeyFile: userKeyFile, KnownHosts: known, Dir: site, srv: srv}
}

// logins counts successful logins in sshd's log.
func (s *sshdServer) logins() int {
	time.Sleep(50 * time.Millisecond) // sshd logs just after the handshake
	return strings.Count(s.srv.out.String(), "Accepted publickey")
}

func TestSFTPSSHDPublish(t *testing.T) {
	sd := startSSHD(t)
	dir := filepath.Join(sd.Dir, "www", "perechen")
	target, err := NewSFTPTarget(SFTPConfig{Addr: sd.Addr, User: sd.User, Dir: dir, KeyFile: sd.UserKeyFile, KnownHosts: sd.KnownHosts, Mode: 0o640, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTracked(target, RetryPolicy{Attempts: 1})
	ctx := context.Background()
	for n := 1; n <= 2; n++ { // the second round replaces existing files
		files := []File{
			{Name: "index.html", Data: page(n)},
			{Name: "perechen.pdf", Data: bytes.Repeat([]byte{0, 1, 2, byte(n)}, 70_000)},
		}
		if err := tr.Publish(ctx, Version{Number: n, Hash: fmt.Sprint("h", n)}, files); err != nil {
			t.Fatalf("publish %d: %v", n, err)
		}
		for _, f := range files {
			p := filepath.Join(dir, f.Name)
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, f.Data) {
				t.Errorf("round %d: %s differs (%d bytes, want %d)", n, f.Name, len(got), len(f.Data))
			}
			fi, _ := os.Stat(p)
			if fi.Mode().Perm() != 0o640 {
				t.Errorf("%s mode %v, want -rw-r-----", f.Name, fi.Mode().Perm())
			}
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 2 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("round %d: folder holds %v, want only the 2 published files", n, names)
		}
	}
	before := sd.logins()
	if before != 2 {
		t.Errorf("%d logins for 2 publishes", before)
	}
	if err := tr.Publish(ctx, Version{Number: 2, Hash: "h2"}, []File{{Name: "index.html", Data: page(2)}}); err != nil {
		t.Fatal(err)
	}
	if after := sd.logins(); after != before {
		t.Errorf("same version again connected %d more times, want 0", after-before)
	}
}

func TestSFTPSSHDDefaultMode(t *testing.T) {
	sd := startSSHD(t)
	target, err := NewSFTPTarget(SFTPConfig{Addr: sd.Addr, User: sd.User, Dir: sd.Dir, KeyFile: sd.UserKeyFile, KnownHosts: sd.KnownHosts})
	if err != nil {
		t.Fatal(err)
	}
	if err := target.Publish(context.Background(), Version{Number: 1}, []File{{Name: "perechen.json", Data: []byte("{}")}}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(sd.Dir, "perechen.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want -rw-r--r--", fi.Mode().Perm())
	}
}

func TestSFTPSSHDHostKeyChecks(t *testing.T) {
	sd := startSSHD(t)
	other := writeKey(t, filepath.Join(t.TempDir(), "other"))
	files := []File{{Name: "index.html", Data: page(1)}}
	base := SFTPConfig{Addr: sd.Addr, User: sd.User, Dir: sd.Dir, KeyFile: sd.UserKeyFile, Timeout: 10 * time.Second}
	emptyKnown := filepath.Join(t.TempDir(), "known_hosts")
	writeKnownHosts(t, emptyKnown, sd.Addr)
	changedKnown := filepath.Join(t.TempDir(), "known_hosts")
	writeKnownHosts(t, changedKnown, sd.Addr, other.PublicKey())
	fp := ssh.FingerprintSHA256(sd.HostKey)

	cases := []struct {
		name       string
		known, pin string
		wantErr    []string // empty: success
	}{
		{name: "changed key", known: changedKnown, wantErr: []string{"ключ сервера изменился", ssh.FingerprintSHA256(other.PublicKey()), fp, changedKnown}},
		{name: "changed key even with its fingerprint pinned", known: changedKnown, pin: fp, wantErr: []string{"ключ сервера изменился"}},
		// Go's client asks for ECDSA first, so that is the key an unknown server shows.
		{name: "unknown host", known: emptyKnown, wantErr: []string{"сервер неизвестен", ssh.FingerprintSHA256(sd.ECDSAKey), "host_key_fingerprint"}},
		{name: "unknown host, pinned ECDSA fingerprint", known: emptyKnown, pin: ssh.FingerprintSHA256(sd.ECDSAKey)},
		{name: "unknown host, pinned fingerprint", known: emptyKnown, pin: fp},
		{name: "pinned fingerprint only", pin: fp},
		{name: "wrong pinned fingerprint", pin: ssh.FingerprintSHA256(other.PublicKey()), wantErr: []string{"не совпадает с host_key_fingerprint", fp, ssh.FingerprintSHA256(sd.ECDSAKey)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			cfg.KnownHosts, cfg.HostKeyFingerprint = c.known, c.pin
			target, err := NewSFTPTarget(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = target.Publish(context.Background(), Version{Number: 1}, files)
			if len(c.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("publish succeeded, want refusal")
			}
			if e := containsAll(err.Error(), append(c.wantErr, target.Name())...); e != nil {
				t.Error(e)
			}
			if !isFatal(err) {
				t.Error("host key refusal is retried; it must be fatal")
			}
		})
	}
}

func TestSFTPSSHDWrongUserKey(t *testing.T) {
	sd := startSSHD(t)
	stranger := filepath.Join(t.TempDir(), "id_ed25519")
	writeKey(t, stranger)
	target, err := NewSFTPTarget(SFTPConfig{Addr: sd.Addr, User: sd.User, Dir: sd.Dir, KeyFile: stranger, KnownHosts: sd.KnownHosts})
	if err != nil {
		t.Fatal(err)
	}
	err = target.Publish(context.Background(), Version{Number: 1}, []File{{Name: "index.html", Data: []byte("x")}})
	if err == nil {
		t.Fatal("publish with an unknown user key succeeded")
	}
	if e := containsAll(err.Error(), "не принял вход", sd.User, target.Name()); e != nil {
		t.Error(e)
	}
}

func TestNewSFTPTargetConfigErrors(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "id")
	writeKey(t, key)
	known := filepath.Join(dir, "known_hosts")
	writeKnownHosts(t, known, "example.org:22")
	cases := []struct {
		cfg  SFTPConfig
		want string
	}{
		{SFTPConfig{User: "u", KeyFile: key, KnownHosts: known}, "не указан addr"},
		{SFTPConfig{Addr: "h", KeyFile: key, KnownHosts: known}, "не указан user"},
		{SFTPConfig{Addr: "h", User: "u", KnownHosts: known}, "key_file или пароль"},
		{SFTPConfig{Addr: "h", User: "u", KeyFile: key}, "known_hosts"},
		{SFTPConfig{Addr: "h", User: "u", KeyFile: key, HostKeyFingerprint: "MD5:aa"}, "SHA256:"},
		{SFTPConfig{Addr: "h", User: "u", KeyFile: filepath.Join(dir, "missing"), KnownHosts: known}, "key_file"},
		{SFTPConfig{Addr: "h", User: "u", KeyFile: known, KnownHosts: known}, "не похож на закрытый ключ"},
	}
	for _, c := range cases {
		_, err := NewSFTPTarget(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want it to mention %q", c.cfg, err, c.want)
		}
	}
	tg, err := NewSFTPTarget(SFTPConfig{Addr: "site.example", User: "u", Password: "pw-Secret", KnownHosts: known})
	if err != nil {
		t.Fatal(err)
	}
	if tg.Name() != "sftp:u@site.example:22:" || strings.Contains(tg.Name(), "pw-Secret") {
		t.Errorf("name %q", tg.Name())
	}
}

// fakeRenamer records calls and imitates a server without posix-rename.
type fakeRenamer struct {
	calls         []string
	posixErr      error
	files         map[string]bool
	renameRefuses bool
}

func (f *fakeRenamer) PosixRename(a, b string) error {
	f.calls = append(f.calls, "posix "+a+" "+b)
	if f.posixErr != nil {
		return f.posixErr
	}
	delete(f.files, a)
	f.files[b] = true
	return nil
}

func (f *fakeRenamer) Rename(a, b string) error {
	f.calls = append(f.calls, "rename "+a+" "+b)
	if f.files[b] {
		return errors.New("exists") // SFTP v3 rename does not overwrite
	}
	delete(f.files, a)
	f.files[b] = true
	return nil
}

func (f *fakeRenamer) Remove(p string) error {
	f.calls = append(f.calls, "remove "+p)
	if !f.files[p] {
		return os.ErrNotExist
	}
	delete(f.files, p)
	return nil
}

func TestRenameOverFallback(t *testing.T) {
	unsupported := &sftp.StatusError{Code: uint32(sftp.ErrSSHFxOpUnsupported)}
	for _, c := range []struct {
		name  string
		posix bool
		perr  error
		want  string
	}{
		{"posix", true, nil, "posix tmp dst"},
		{"no extension", false, nil, "remove dst,rename tmp dst"},
		{"extension answers unsupported", true, unsupported, "posix tmp dst,remove dst,rename tmp dst"},
	} {
		f := &fakeRenamer{posixErr: c.perr, files: map[string]bool{"tmp": true, "dst": true}}
		if err := renameOver(f, c.posix, "tmp", "dst"); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := strings.Join(f.calls, ","); got != c.want {
			t.Errorf("%s: calls %s, want %s", c.name, got, c.want)
		}
		if !f.files["dst"] || f.files["tmp"] {
			t.Errorf("%s: files after rename %v", c.name, f.files)
		}
	}
	// Any other posix-rename failure is reported, not papered over.
	f := &fakeRenamer{posixErr: errors.New("permission denied"), files: map[string]bool{"tmp": true, "dst": true}}
	if err := renameOver(f, true, "tmp", "dst"); err == nil || len(f.calls) != 1 {
		t.Errorf("err %v, calls %v", err, f.calls)
	}
}
