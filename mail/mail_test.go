package mail

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct{ url, addr, tls, user string }{
		{"smtp://u:p@mail.example:2525?tls=none", "mail.example:2525", "none", "u"},
		{"smtp://mail.example", "mail.example:587", "starttls", ""},
		{"smtp://mail.example?tls=tls", "mail.example:465", "tls", ""},
	}
	for _, c := range cases {
		s, err := Parse(c.url)
		if err != nil || s.Addr != c.addr || s.TLS != c.tls || s.Username != c.user {
			t.Errorf("Parse(%s): %+v %v", c.url, s, err)
		}
	}
	for _, bad := range []string{"http://x", "smtp://", "smtp://x?tls=maybe", "::"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestBuildEncodesUTF8AndAttachments(t *testing.T) {
	b, err := Build(Message{From: "Sales <sales@example.com>", To: "taro@example.jp", Subject: "お見積り Q-000001",
		Text: "こんにちは", Attachments: []Attachment{{Filename: "Q-000001-v1.pdf", ContentType: "application/pdf", Body: []byte("%PDF-1.4 test")}}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"Subject: =?utf-8?q?", "multipart/mixed", `filename="Q-000001-v1.pdf"`, "Content-Transfer-Encoding: base64", "Message-ID: <"} {
		if !strings.Contains(s, want) {
			t.Errorf("message lacks %q", want)
		}
	}
}
