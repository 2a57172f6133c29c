package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SFTPConfig configures an SFTP target.
type SFTPConfig struct {
	Addr string // host or host:port (22 by default)
	User string
	Dir  string // remote folder; relative paths are from the login folder

	KeyFile  string // unencrypted private key (OpenSSH or PEM)
	Password string // from the environment, never the config file

	// KnownHosts is an OpenSSH known_hosts file the server's key is checked
	// against. A host missing from it is refused unless HostKeyFingerprint
	// ("SHA256:…", as ssh-keygen -lf prints) matches the key it presents.
	KnownHosts         string
	HostKeyFingerprint string

	Mode    os.FileMode // permissions of published files; 0 means 0644
	Timeout time.Duration
}

// SFTPTarget uploads each file to a hidden temporary name, sets its mode
// and renames it over the real one with posix-rename, which replaces the
// target atomically on OpenSSH servers.
type SFTPTarget struct {
	cfg     SFTPConfig
	addr    string
	name    string
	auth    []ssh.AuthMethod
	known   ssh.HostKeyCallback // nil without a known_hosts file
	timeout time.Duration
}

var _ Target = (*SFTPTarget)(nil)

// NewSFTPTarget reads the key and known_hosts files and checks the config.
func NewSFTPTarget(c SFTPConfig) (*SFTPTarget, error) {
	addr := c.Addr
	if addr == "" {
		return nil, errors.New("sftp: не указан addr — адрес сервера, например site.example:22")
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(strings.Trim(addr, "[]"), "22")
	}
	t := &SFTPTarget{cfg: c, addr: addr, timeout: c.Timeout}
	t.name = fmt.Sprintf("sftp:%s@%s:%s", c.User, addr, c.Dir)
	if t.timeout <= 0 {
		t.timeout = 2 * time.Minute
	}
	if t.cfg.Mode == 0 {
		t.cfg.Mode = 0o644
	}
	if c.User == "" {
		return nil, fmt.Errorf("%s: не указан user — имя пользователя на сервере", t.name)
	}
	if c.KeyFile != "" {
		pem, err := os.ReadFile(c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%s: не удалось прочитать key_file: %w", t.name, err)
		}
		signer, err := ssh.ParsePrivateKey(pem)
		var pmErr *ssh.PassphraseMissingError
		if errors.As(err, &pmErr) {
			return nil, fmt.Errorf("%s: ключ %s защищён паролем — создайте для публикации отдельный ключ без пароля (ssh-keygen -t ed25519 -N '')", t.name, c.KeyFile)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: key_file %s не похож на закрытый ключ SSH: %w", t.name, c.KeyFile, err)
		}
		t.auth = append(t.auth, ssh.PublicKeys(signer))
	}
	if c.Password != "" {
		pw := c.Password
		t.auth = append(t.auth, ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	if len(t.auth) == 0 {
		return nil, fmt.Errorf("%s: укажите key_file или пароль (password_env)", t.name)
	}
	if c.KnownHosts == "" && c.HostKeyFingerprint == "" {
		return nil, fmt.Errorf("%s: укажите known_hosts (файл с ключом сервера) или host_key_fingerprint — без них нельзя убедиться, что это ваш сервер", t.name)
	}
	if c.HostKeyFingerprint != "" && !strings.HasPrefix(c.HostKeyFingerprint, "SHA256:") {
		return nil, fmt.Errorf("%s: host_key_fingerprint должен начинаться с SHA256: (так его печатает ssh-keygen -lf)", t.name)
	}
	if c.KnownHosts != "" {
		cb, err := knownhosts.New(c.KnownHosts)
		if err != nil {
			return nil, fmt.Errorf("%s: не удалось прочитать known_hosts: %w", t.name, err)
		}
		t.known = cb
	}
	return t, nil
}

// Name is "sftp:user@host:port:dir".
func (t *SFTPTarget) Name() string { return t.name }

// Publish connects, uploads every file to a temporary name, sets its mode,
// then renames the files into place (index.html last).
func (t *SFTPTarget) Publish(ctx context.Context, v Version, files []File) (err error) {
	if err := checkFiles(t.name, files); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()

	defer func() {
		// The connection deadline may fire a moment before ctx notices.
		timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
		if err != nil && timedOut && !isFatal(err) {
			err = &TargetError{Target: t.name, Msg: fmt.Sprintf("публикация не уложилась в %s и прервана — проверьте доступность сервера или увеличьте timeout", t.timeout), Err: err}
		}
	}()
	client, conn, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// sftp calls take no context: closing the connection aborts them.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	dir := t.cfg.Dir
	if dir == "" {
		dir = "."
	}
	if err := client.MkdirAll(dir); err != nil {
		return &TargetError{Target: t.name, Msg: fmt.Sprintf("не удалось создать папку %s — проверьте dir и права пользователя %s", dir, t.cfg.User), Err: err}
	}
	var pending []string // temp paths not yet renamed
	defer func() {
		for _, p := range pending {
			_ = client.Remove(p)
		}
	}()
	ordered := moveOrder(files)
	for _, f := range ordered {
		tmp := path.Join(dir, tempName(f.Name))
		pending = append(pending, tmp)
		if err := upload(client, tmp, f.Data, t.cfg.Mode); err != nil {
			return &TargetError{Target: t.name, Msg: "не удалось отправить " + f.Name + " — проверьте права на запись и место на сервере", Err: err}
		}
	}
	posix := hasPosixRename(client)
	for _, f := range ordered {
		if err := renameOver(client, posix, pending[0], path.Join(dir, f.Name)); err != nil {
			return &TargetError{Target: t.name, Msg: "не удалось переименовать " + f.Name, Err: err}
		}
		pending = pending[1:]
	}
	return nil
}

func upload(c *sftp.Client, p string, data []byte, mode os.FileMode) error {
	f, err := c.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return err
	}
	if _, err := f.ReadFrom(bytes.NewReader(data)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return c.Chmod(p, mode)
}

// renamer is the part of *sftp.Client the rename fallback needs.
type renamer interface {
	PosixRename(oldname, newname string) error
	Rename(oldname, newname string) error
	Remove(path string) error
}

const posixRenameExt = "posix-rename@openssh.com"

func hasPosixRename(c *sftp.Client) bool {
	_, ok := c.HasExtension(posixRenameExt)
	return ok
}

// renameOver replaces dst with src: posix-rename when the server has it
// (atomic), otherwise remove + rename, which leaves a short gap but is all
// plain SFTP v3 offers (its rename refuses to overwrite).
func renameOver(c renamer, posix bool, src, dst string) error {
	if posix {
		err := c.PosixRename(src, dst)
		var se *sftp.StatusError
		if err == nil || !errors.As(err, &se) || se.FxCode() != sftp.ErrSSHFxOpUnsupported {
			return err
		}
	}
	if err := c.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return c.Rename(src, dst)
}

// connect dials, checks the host key and opens the SFTP session.
//
// With only a pinned fingerprint we do not know which of its keys the
// server will show (Go prefers ECDSA, the administrator may have sent the
// ed25519 fingerprint), so on a mismatch each other key type is tried in
// turn before giving up.
func (t *SFTPTarget) connect(ctx context.Context) (*sftp.Client, *ssh.Client, error) {
	algoSets := [][]string{nil}
	var shown []string // "type fingerprint" the server presented, none matching the pin
	for i := 0; i < len(algoSets); i++ {
		sc, conn, hc, err := t.dial(ctx, algoSets[i])
		switch {
		case err == nil:
			return sc, conn, nil
		case hc.pinMismatch:
			shown = append(shown, hc.keyType+" "+hc.fingerprint)
			if i == 0 {
				for _, fam := range hostKeyFamilies {
					if !slices.Contains(fam, hc.keyType) {
						algoSets = append(algoSets, fam)
					}
				}
			}
		case i > 0 && strings.Contains(err.Error(), "no common algorithm for host key"):
			// The server has no key of this type; try the next one.
		default:
			return nil, nil, err
		}
	}
	return nil, nil, &TargetError{Target: t.name, Fatal: true,
		Msg: fmt.Sprintf("ни один ключ сервера не совпадает с host_key_fingerprint %s (сервер предъявил: %s) — сверьте отпечаток с администратором сайта",
			t.cfg.HostKeyFingerprint, strings.Join(shown, "; "))}
}

// hostKeyFamilies are the host key types tried one by one for a pinned
// fingerprint.
var hostKeyFamilies = [][]string{
	{ssh.KeyAlgoED25519},
	{ssh.KeyAlgoECDSA256},
	{ssh.KeyAlgoECDSA384},
	{ssh.KeyAlgoECDSA521},
	{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA},
}

// hostCheck is what the host key callback saw during one handshake.
type hostCheck struct {
	err                  error
	pinMismatch          bool
	keyType, fingerprint string
}

// dial makes one connection attempt; algos nil means the types known_hosts
// lists for the host, or the library default.
func (t *SFTPTarget) dial(ctx context.Context, algos []string) (*sftp.Client, *ssh.Client, *hostCheck, error) {
	hc := &hostCheck{}
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, nil, hc, &TargetError{Target: t.name, Msg: "не удалось подключиться к серверу — проверьте addr и доступность порта", Err: err}
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(dl) // bounds the handshake; cleared below
	}
	if algos == nil {
		algos = t.knownAlgorithms(raw.RemoteAddr())
	}
	cfg := &ssh.ClientConfig{
		User:              t.cfg.User,
		Auth:              t.auth,
		HostKeyCallback:   t.checkHostKey(hc),
		HostKeyAlgorithms: algos,
		Timeout:           t.timeout,
	}
	sconn, chans, reqs, err := ssh.NewClientConn(raw, t.addr, cfg)
	if err != nil {
		raw.Close()
		if hc.err != nil {
			return nil, nil, hc, hc.err
		}
		if algos != nil && strings.Contains(err.Error(), "no common algorithm for host key") {
			return nil, nil, hc, &TargetError{Target: t.name, Fatal: true, Err: err,
				Msg: fmt.Sprintf("ключ сервера изменился: для него известен ключ типа %s, а сервер такого ключа не предъявляет. "+
					"Узнайте у администратора сайта, переустанавливали ли сервер, и замените строку в known_hosts (ssh-keygen -R и ssh-keyscan)",
					strings.Join(algos, ", "))}
		}
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, nil, hc, &TargetError{Target: t.name, Msg: fmt.Sprintf("сервер не принял вход пользователя %s — проверьте логин, ключ (key_file) или пароль и authorized_keys на сервере", t.cfg.User), Err: err, Fatal: true}
		}
		return nil, nil, hc, &TargetError{Target: t.name, Msg: "не удалось установить SSH-соединение", Err: err}
	}
	_ = raw.SetDeadline(time.Time{})
	client := ssh.NewClient(sconn, chans, reqs)
	sc, err := sftp.NewClient(client)
	if err != nil {
		client.Close()
		return nil, nil, hc, &TargetError{Target: t.name, Msg: "сервер не открыл SFTP — проверьте, что для пользователя включена подсистема sftp", Err: err}
	}
	return sc, client, hc, nil
}

// checkHostKey accepts a key listed in known_hosts for this host, or, for
// a host known_hosts does not list, the pinned fingerprint. A host listed
// with another key is refused outright: that is how a spoofed server or
// an unannounced reinstall looks.
func (t *SFTPTarget) checkHostKey(hc *hostCheck) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		got := ssh.FingerprintSHA256(key)
		hc.keyType, hc.fingerprint = key.Type(), got
		fail := func(msg string) error {
			hc.err = &TargetError{Target: t.name, Msg: msg, Fatal: true}
			return hc.err
		}
		if t.known != nil {
			err := t.known(hostname, remote, key)
			if err == nil {
				return nil
			}
			var ke *knownhosts.KeyError
			if !errors.As(err, &ke) {
				return fail("ключ сервера отклонён: " + err.Error())
			}
			if len(ke.Want) > 0 {
				w := ke.Want[0]
				return fail(fmt.Sprintf("ключ сервера изменился: в %s (строка %d) записан %s %s, а сервер предъявил %s %s. "+
					"Это бывает после переустановки сервера или при подмене. Узнайте у администратора сайта настоящий отпечаток; "+
					"если он совпадает с %s, замените строку в known_hosts (ssh-keygen -R и ssh-keyscan)",
					w.Filename, w.Line, w.Key.Type(), ssh.FingerprintSHA256(w.Key), key.Type(), got, got))
			}
		}
		if t.cfg.HostKeyFingerprint != "" {
			if got == t.cfg.HostKeyFingerprint {
				return nil
			}
			hc.pinMismatch = true
			return fail(fmt.Sprintf("отпечаток ключа сервера %s не совпадает с host_key_fingerprint %s — сверьте отпечаток с администратором сайта", got, t.cfg.HostKeyFingerprint))
		}
		return fail(fmt.Sprintf("сервер неизвестен: его ключа (%s %s) нет в %s. Сверьте отпечаток с администратором сайта и добавьте ключ "+
			"(ssh-keyscan -p ПОРТ ХОСТ >> known_hosts) или укажите host_key_fingerprint: %s", key.Type(), got, t.cfg.KnownHosts, got))
	}
}

// knownAlgorithms lists the host key algorithms known_hosts has for this
// host, so the server is asked for the key we can check rather than the
// one it prefers (which would look like a changed key). Nil means the
// library's default order.
func (t *SFTPTarget) knownAlgorithms(remote net.Addr) []string {
	if t.known == nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if err := t.known(t.addr, remote, probeKey{}); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	add := func(a ...string) {
		for _, s := range a {
			if !seen[s] {
				seen[s] = true
				algos = append(algos, s)
			}
		}
	}
	for _, k := range ke.Want {
		if k.Key.Type() == ssh.KeyAlgoRSA {
			add(ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		} else {
			add(k.Key.Type())
		}
	}
	return algos
}

// probeKey matches nothing; looking it up makes knownhosts list the keys
// it has for a host.
type probeKey struct{}

func (probeKey) Type() string                        { return "perechen-probe" }
func (probeKey) Marshal() []byte                     { return []byte("perechen-probe") }
func (probeKey) Verify([]byte, *ssh.Signature) error { return errors.New("probe key") }
