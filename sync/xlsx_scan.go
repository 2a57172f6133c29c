package sync

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner tokenizes a SpreadsheetML part as it is unpacked, without
// allocating per token: names, attributes and text are slices of a window
// that holds at least the current token (64 KiB, larger only for a larger
// token), so reading a sheet touches little memory beyond its values. It
// knows the XML that spreadsheets are written in — elements, attributes,
// character data with the predefined entities and character references,
// comments and processing instructions — and is stricter than
// encoding/xml: anything else (CDATA, DOCTYPE, a declared encoding other
// than UTF-8, an illegal character, malformed, mismatched or truncated
// markup) is errUnexpected, and the caller falls back to the encoding/xml
// reader, which handles or refuses it. On a 10,000-row form it is several
// times faster than encoding/xml.
type xmlScanner struct {
	src     io.Reader
	buf     []byte // the window: buf[pos:] is not yet tokenized
	pos     int
	checked int    // buf[:checked] has passed the character checks
	read    int    // bytes read from src so far
	eof     bool   // src is exhausted (or failed, then bad is set)
	bad     bool   // src failed or held what encoding/xml refuses
	names   []byte // names of the open elements, end to end
	open    []int  // where each open element's name starts in names
	attrs   []xmlAttr
	emptyAt []byte            // name of a just-read <x/>: its end is the next token, as in encoding/xml
	seen    map[string]string // texts read so far, to share (see text)
}

type xmlTokKind uint8

const (
	xmlStart xmlTokKind = iota + 1
	xmlEnd
	xmlText
)

// xmlTok is one token; its slices are valid until the next call to next.
type xmlTok struct {
	kind  xmlTokKind
	name  []byte    // local name of a start or end tag (prefix dropped)
	attrs []xmlAttr // attributes of a start tag
	text  []byte    // raw character data, entities not decoded
}

type xmlAttr struct{ name, value []byte } // local name, raw value

// errNeedMore: the window ends inside the token; read more and retry.
var errNeedMore = errors.New("xml token continues past the window")

const xmlWindow = 64 << 10

func newXMLScanner(src io.Reader) *xmlScanner { return &xmlScanner{src: src} }

// next returns the next element boundary or run of text; io.EOF at the
// end of a well-formed part.
func (s *xmlScanner) next() (xmlTok, error) {
	if s.emptyAt != nil {
		name := s.emptyAt
		s.emptyAt = nil
		return xmlTok{kind: xmlEnd, name: localName(name)}, nil
	}
	for {
		tok, err := s.token()
		if err != errNeedMore {
			return tok, err
		}
		if !s.fill() {
			return xmlTok{}, errUnexpected
		}
	}
}

// token reads one token from the window, or errNeedMore.
func (s *xmlScanner) token() (xmlTok, error) {
	for {
		b := s.buf[s.pos:]
		if len(b) < 16 && !s.eof {
			return xmlTok{}, errNeedMore // room to tell "<!--" from "<!" and the like
		}
		switch {
		case len(b) == 0:
			if len(s.open) > 0 || s.bad {
				return xmlTok{}, errUnexpected
			}
			return xmlTok{}, io.EOF
		case b[0] != '<':
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				if !s.eof {
					return xmlTok{}, errNeedMore
				}
				i = len(b)
			}
			s.pos += i
			if bytes.Contains(b[:i], []byte("]]>")) || !validEntities(b[:i]) {
				return xmlTok{}, errUnexpected // encoding/xml refuses these anywhere
			}
			return xmlTok{kind: xmlText, text: b[:i]}, nil
		case bytes.HasPrefix(b, []byte("<?")):
			end := bytes.Index(b, []byte("?>"))
			if end < 0 {
				return xmlTok{}, s.short()
			}
			if !s.skipInstruction(b[:end+2]) {
				return xmlTok{}, errUnexpected
			}
		case bytes.HasPrefix(b, []byte("<!--")):
			end := bytes.Index(b[4:], []byte("-->"))
			if end < 0 {
				return xmlTok{}, s.short()
			}
			s.pos += 4 + end + 3
		case bytes.HasPrefix(b, []byte("</")):
			end := bytes.IndexByte(b, '>')
			if end < 0 {
				return xmlTok{}, s.short()
			}
			return s.endTag(b[:end+1])
		case bytes.HasPrefix(b, []byte("<!")):
			return xmlTok{}, errUnexpected // CDATA, DOCTYPE: not in spreadsheets
		default:
			end := startTagEnd(b)
			if end < 0 {
				return xmlTok{}, s.short()
			}
			return s.startTag(b[:end+1])
		}
	}
}

// short is what running out of window means: more to read, or a
// truncated part.
func (s *xmlScanner) short() error {
	if s.eof {
		return errUnexpected
	}
	return errNeedMore
}

// startTagEnd finds the '>' closing the start tag at b, skipping quoted
// attribute values (which may hold '>'); -1 when it is not in b.
func startTagEnd(b []byte) int {
	var quote byte
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// fill moves the untokenized rest to the front of the window (growing it
// when one token fills it), reads more and checks the new bytes; false at
// the end of the input or when it is unusable.
func (s *xmlScanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:])
		s.buf, s.checked, s.pos = s.buf[:n], s.checked-s.pos, 0
	}
	if len(s.buf) == cap(s.buf) {
		grown := make([]byte, len(s.buf), max(2*cap(s.buf), xmlWindow))
		copy(grown, s.buf)
		s.buf = grown
	}
	for {
		n, err := s.src.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		s.read += n
		switch {
		case s.read > MaxUnzipSize || (err != nil && err != io.EOF):
			s.eof, s.bad = true, true
			return false
		case err == io.EOF:
			s.eof = true
		case n == 0:
			continue
		}
		break
	}
	if !s.check() {
		s.eof, s.bad = true, true
		return false
	}
	return true
}

// check runs what encoding/xml would refuse anywhere in a part — invalid
// UTF-8, characters XML forbids — over the bytes read since the last
// check, up to the last whole character (all of them at the end).
func (s *xmlScanner) check() bool {
	end := len(s.buf)
	if !s.eof {
		for k := 1; k <= utf8.UTFMax && end-k >= s.checked; k++ {
			if c := s.buf[end-k]; c < 0x80 {
				break
			} else if utf8.RuneStart(c) {
				if !utf8.FullRune(s.buf[end-k:]) {
					end -= k
				}
				break
			}
		}
	}
	b := s.buf[s.checked:end]
	if !utf8.Valid(b) || bytes.Contains(b, []byte("\uFFFE")) || bytes.Contains(b, []byte("\uFFFF")) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	s.checked = end
	return true
}

// skipInstruction passes over <?…?>; the XML declaration must not name
// an encoding other than UTF-8 (encoding/xml would need a charset reader).
func (s *xmlScanner) skipInstruction(b []byte) bool {
	end := len(b) - 2
	body := b[2:end]
	if bytes.HasPrefix(body, []byte("xml ")) || bytes.Equal(body, []byte("xml")) {
		if i := bytes.Index(body, []byte("encoding")); i >= 0 {
			rest := bytes.TrimLeft(body[i+len("encoding"):], " \t\r\n=")
			if len(rest) < 7 || !bytes.EqualFold(rest[1:6], []byte("utf-8")) || rest[6] != rest[0] {
				return false
			}
		}
	}
	s.pos += end + 2
	return true
}

func (s *xmlScanner) endTag(b []byte) (xmlTok, error) {
	n := nameLen(b[2:])
	if n == 0 || len(s.open) == 0 {
		return xmlTok{}, errUnexpected
	}
	name := b[2 : 2+n]
	rest := b[2+n:]
	sp := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n"))
	top := s.open[len(s.open)-1]
	if sp >= len(rest) || rest[sp] != '>' || !bytes.Equal(name, s.names[top:]) {
		return xmlTok{}, errUnexpected
	}
	s.names, s.open = s.names[:top], s.open[:len(s.open)-1]
	s.pos += 2 + n + sp + 1
	return xmlTok{kind: xmlEnd, name: localName(name)}, nil
}

func (s *xmlScanner) startTag(b []byte) (xmlTok, error) {
	n := nameLen(b[1:])
	if n == 0 || !validName(b[1:1+n]) {
		return xmlTok{}, errUnexpected
	}
	name := b[1 : 1+n]
	i := 1 + n
	s.attrs = s.attrs[:0]
	for {
		j := i
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j >= len(b) {
			return xmlTok{}, errUnexpected
		}
		switch {
		case b[j] == '>':
			s.open = append(s.open, len(s.names))
			s.names = append(s.names, name...)
			s.pos += j + 1
			return xmlTok{kind: xmlStart, name: localName(name), attrs: s.attrs}, nil
		case b[j] == '/' && j+1 < len(b) && b[j+1] == '>':
			s.emptyAt = name
			s.pos += j + 2
			return xmlTok{kind: xmlStart, name: localName(name), attrs: s.attrs}, nil
		case j == i:
			return xmlTok{}, errUnexpected // attributes must be separated by space
		}
		a, next, ok := readAttr(b, j)
		if !ok {
			return xmlTok{}, errUnexpected
		}
		s.attrs = append(s.attrs, a)
		i = next
	}
}

// readAttr reads name="value" (or 'value') at b[i:].
func readAttr(b []byte, i int) (xmlAttr, int, bool) {
	n := nameLen(b[i:])
	if n == 0 || !validName(b[i:i+n]) {
		return xmlAttr{}, 0, false
	}
	name := b[i : i+n]
	j := i + n
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j >= len(b) || b[j] != '=' {
		return xmlAttr{}, 0, false
	}
	j++
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j >= len(b) || (b[j] != '"' && b[j] != '\'') {
		return xmlAttr{}, 0, false
	}
	end := bytes.IndexByte(b[j+1:], b[j])
	if end < 0 {
		return xmlAttr{}, 0, false
	}
	value := b[j+1 : j+1+end]
	if bytes.IndexByte(value, '<') >= 0 || !validEntities(value) {
		return xmlAttr{}, 0, false
	}
	return xmlAttr{name: localName(name), value: value}, j + 1 + end + 1, true
}

// nameLen is the length of the name at the start of b.
func nameLen(b []byte) int {
	for i, c := range b {
		if isSpace(c) || c == '>' || c == '/' || c == '=' || c == '<' || c == '"' || c == '\'' {
			return i
		}
	}
	return len(b)
}

// validName accepts what encoding/xml accepts for the ASCII part of a
// name (non-ASCII letters are left to utf8.Valid) and at most one colon.
func validName(name []byte) bool {
	c := name[0]
	if c == '-' || c == '.' || c == ':' || ('0' <= c && c <= '9') {
		return false
	}
	for _, c := range name {
		ok := c >= 0x80 || c == '_' || c == '-' || c == '.' || c == ':' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
		if !ok {
			return false
		}
	}
	return bytes.Count(name, []byte(":")) <= 1 && name[len(name)-1] != ':'
}

// localName drops a namespace prefix, as encoding/xml's Name.Local does.
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i > 0 {
		return name[i+1:]
	}
	return name
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// attr is the raw value of a start tag's attribute, nil when absent.
func (t xmlTok) attr(name string) []byte {
	for _, a := range t.attrs {
		if string(a.name) == name {
			return a.value
		}
	}
	return nil
}

// skip passes over the rest of the element whose start was just read.
func (s *xmlScanner) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := s.next()
		if err != nil {
			return errUnexpected
		}
		switch tok.kind {
		case xmlStart:
			depth++
		case xmlEnd:
			depth--
		}
	}
	return nil
}

// maxShared bounds the texts text remembers.
const maxShared = 1 << 14

// text is xmlUnescape that hands out one string for texts it has seen: a
// Перечень repeats the same names, needs and attribute values thousands of
// times, and a string per cell was most of what reading one allocated.
func (s *xmlScanner) text(raw []byte) (string, bool) {
	if bytes.IndexByte(raw, '&') >= 0 || bytes.IndexByte(raw, '\r') >= 0 {
		return xmlUnescape(raw)
	}
	if v, ok := s.seen[string(raw)]; ok {
		return v, true
	}
	v := string(raw)
	if len(s.seen) < maxShared {
		if s.seen == nil {
			s.seen = make(map[string]string)
		}
		s.seen[v] = v
	}
	return v, true
}

// xmlUnescape decodes character data or an attribute value the way
// encoding/xml does: the five entities, character references, and line
// ends normalised to "\n". ok is false for anything encoding/xml refuses.
func xmlUnescape(raw []byte) (string, bool) {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return string(raw), true
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '\r':
			out = append(out, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		case '&':
			semi := bytes.IndexByte(raw[i:], ';')
			if semi < 0 {
				return "", false
			}
			r, ok := xmlEntity(raw[i+1 : i+semi])
			if !ok {
				return "", false
			}
			out = utf8.AppendRune(out, r)
			i += semi
		default:
			out = append(out, c)
		}
	}
	return string(out), true
}

// validEntities: every reference in raw is one encoding/xml decodes.
func validEntities(raw []byte) bool {
	if bytes.IndexByte(raw, '&') < 0 {
		return true
	}
	_, ok := xmlUnescape(raw)
	return ok
}

func xmlEntity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || digits[0] == '+' || digits[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || !xmlChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// xmlChar is XML 1.0's Char production (what encoding/xml accepts).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
