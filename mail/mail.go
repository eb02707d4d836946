package mail

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// Attachment is a file attached to a message.
type Attachment struct {
	Filename    string
	ContentType string
	Body        []byte
}

// Message is one e-mail.
type Message struct {
	From        string
	To          string
	Subject     string
	Text        string
	Attachments []Attachment
}

// Sender delivers messages.
type Sender interface {
	Send(m Message) error
}

// SMTP is a Sender for one SMTP server.
type SMTP struct {
	Addr     string // host:port
	Host     string
	Username string
	Password string
	TLS      string // starttls, tls or none
	Timeout  time.Duration
}

// Parse reads smtp://user:pass@host:port?tls=starttls|tls|none. The port
// defaults to 587 (starttls), 465 (tls) or 25 (none).
func Parse(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, fmt.Errorf("QUOTIENT_SMTP_URL must look like smtp://user:pass@host:587?tls=starttls")
	}
	s := &SMTP{Host: u.Hostname(), TLS: u.Query().Get("tls"), Timeout: 30 * time.Second}
	if s.TLS == "" {
		s.TLS = "starttls"
	}
	port := u.Port()
	switch s.TLS {
	case "starttls":
		if port == "" {
			port = "587"
		}
	case "tls":
		if port == "" {
			port = "465"
		}
	case "none":
		if port == "" {
			port = "25"
		}
	default:
		return nil, fmt.Errorf("QUOTIENT_SMTP_URL: tls must be starttls, tls or none (got %q)", s.TLS)
	}
	s.Addr = net.JoinHostPort(s.Host, port)
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// Send delivers one message.
func (s *SMTP) Send(m Message) error {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("from address %q: %w", m.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("to address %q: %w", m.To, err)
	}
	body, err := Build(m)
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: s.Timeout}
	var conn net.Conn
	if s.TLS == "tls" {
		conn, err = tls.DialWithDialer(&d, "tcp", s.Addr, &tls.Config{ServerName: s.Host})
	} else {
		conn, err = d.Dial("tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("connect to %s: %w", s.Addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(s.Timeout))
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if s.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("%s does not offer STARTTLS; use tls=none only on a trusted network", s.Addr)
		}
		if err := c.StartTLS(&tls.Config{ServerName: s.Host}); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of message: %w", err)
	}
	return c.Quit()
}

// Build renders a message as RFC 5322 text: a text part and base64
// attachments in multipart/mixed, UTF-8 headers encoded.
func Build(m Message) ([]byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	host := "quotient.local"
	if _, h, ok := strings.Cut(m.From, "@"); ok {
		host = strings.Trim(h, "> ")
	}
	hdr := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	hdr("From", m.From)
	hdr("To", m.To)
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", time.Now().UTC().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(b)+"@"+host+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	buf.WriteString("\r\n")
	tp, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"base64"}})
	if err != nil {
		return nil, err
	}
	writeBase64(tp, []byte(m.Text))
	for _, a := range m.Attachments {
		ap, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {a.ContentType + "; name=" + mime.QEncoding.Encode("utf-8", a.Filename)},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Disposition":       {`attachment; filename="` + a.Filename + `"`},
		})
		if err != nil {
			return nil, err
		}
		writeBase64(ap, a.Body)
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeBase64(w interface{ Write([]byte) (int, error) }, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		_, _ = w.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	_, _ = w.Write([]byte(enc + "\r\n"))
}
