package config

import (
	"go.yaml.in/yaml/v3"
)

const redacted = "***"

// Redacted is a deep copy of c with every secret replaced by "***", safe to
// log or print.
func (c *Config) Redacted() *Config {
	out := *c
	if out.Status.Token != "" {
		out.Status.Token = redacted
	}
	out.Sources = make([]Source, len(c.Sources))
	for i, s := range c.Sources {
		s.Formats = append([]string(nil), s.Formats...)
		if s.GoogleSheets != nil {
			g := *s.GoogleSheets
			s.GoogleSheets = &g
		}
		if s.XLSX != nil {
			x := *s.XLSX
			s.XLSX = &x
		}
		s.Publish = make([]Publish, len(c.Sources[i].Publish))
		for j, p := range c.Sources[i].Publish {
			s.Publish[j] = p.redacted()
		}
		out.Sources[i] = s
	}
	return &out
}

func (p Publish) redacted() Publish {
	switch {
	case p.Dir != nil:
		d := *p.Dir
		p.Dir = &d
	case p.WebDAV != nil:
		w := *p.WebDAV
		w.URL = redactURL(w.URL)
		if w.Password != "" {
			w.Password = redacted
		}
		p.WebDAV = &w
	case p.SFTP != nil:
		s := *p.SFTP
		if s.Password != "" {
			s.Password = redacted
		}
		p.SFTP = &s
	case p.Exec != nil:
		e := *p.Exec
		e.Command = append([]string(nil), e.Command...)
		p.Exec = &e
	}
	return p
}

// String is the effective configuration as YAML with secrets redacted.
func (c *Config) String() string {
	b, err := yaml.Marshal(c.Redacted())
	if err != nil {
		return "config: " + err.Error()
	}
	return string(b)
}

// String never shows the password.
func (w WebDAVTarget) String() string { return "webdav:" + redactURL(w.URL) }

// String never shows the password.
func (s SFTPTarget) String() string { return "sftp:" + s.User + "@" + s.Addr + ":" + s.Dir }
