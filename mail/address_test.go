package mail

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateAddress(t *testing.T) {
	tests := []struct {
		in, want string // want "" means invalid
	}{
		{"ann@example.com", "ann@example.com"},
		{"  ann@example.com ", "ann@example.com"},
		{"Ann@Example.COM", "Ann@example.com"}, // local part keeps its case
		{"Ann Lee <ann@Example.com>", "ann@example.com"},
		{`"Lee, Ann" <ann@example.com>`, "ann@example.com"},
		{"ann+webinar@mail.example.co.uk", "ann+webinar@mail.example.co.uk"},
		{`"ann.lee"@example.com`, "ann.lee@example.com"},
		{"dev@localhost", "dev@localhost"},
		{"zoë@exämple.com", "zoë@exämple.com"},
		{"a@xn--bcher-kva.example", "a@xn--bcher-kva.example"},

		{"", ""},
		{"   ", ""},
		{"ann", ""},
		{"ann@", ""},
		{"@example.com", ""},
		{"ann@@example.com", ""},
		{"ann@example", ""},
		{"ann@example..com", ""},
		{"ann@-example.com", ""},
		{"ann@exa_mple.com", ""},
		{"ann@[127.0.0.1]", ""},
		{`"ann lee"@example.com`, ""},
		{"ann@example.com, bob@example.com", ""},
		{"ann@example.com\r\nBcc: victim@example.com", ""},
		{"ann@example.com\nX: y", ""},
		{"<script>@example.com", ""},
		{strings.Repeat("a", 65) + "@example.com", ""},
		{"a@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + ".com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ValidateAddress(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrInvalidAddress) {
					t.Errorf("ValidateAddress(%q) = %q, %v; want ErrInvalidAddress", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ValidateAddress(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
