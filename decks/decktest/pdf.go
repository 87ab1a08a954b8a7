// Package decktest writes small, valid PDF files for tests of deck uploads: plain decks of n
// pages, each page a different picture (a bar whose length is the page number), and the same
// encrypted with the PDF standard security handler (RC4, revision 2), which opens without a
// password but is still encrypted.
package decktest

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"fmt"
)

// PDF is a deck of n pages.
func PDF(n int) []byte { return write(n, nil) }

// EncryptedPDF is a deck of n pages protected by an owner password (no user password).
func EncryptedPDF(n int) []byte {
	return write(n, newEncryption("owner secret", "", []byte("onair-test-id-01")))
}

// pageContent draws page i (from 1): a bar as long as its number, on a light background.
func pageContent(i int) []byte {
	return fmt.Appendf(nil, "0.95 0.95 0.9 rg 0 0 400 300 re f\n0.1 0.3 0.8 rg 20 120 %d 60 re f\n", 10+(i*30)%360)
}

// write lays out the objects: 1 catalogue, 2 page tree, then a page and its content per page,
// then the encryption dictionary if any; the cross-reference table holds each one's offset.
func write(n int, enc *encryption) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	var offsets []int
	object := func(body func()) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n", len(offsets))
		body()
		b.WriteString("\nendobj\n")
	}
	object(func() { b.WriteString("<< /Type /Catalog /Pages 2 0 R >>") })
	object(func() {
		b.WriteString("<< /Type /Pages /Kids [")
		for i := range n {
			fmt.Fprintf(&b, " %d 0 R", 3+2*i)
		}
		fmt.Fprintf(&b, " ] /Count %d >>", n)
	})
	for i := range n {
		object(func() {
			fmt.Fprintf(&b, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents %d 0 R /Resources << >> >>", 4+2*i)
		})
		object(func() {
			data := pageContent(i + 1)
			if enc != nil {
				data = enc.object(len(offsets), data)
			}
			fmt.Fprintf(&b, "<< /Length %d >>\nstream\n", len(data))
			b.Write(data)
			b.WriteString("\nendstream")
		})
	}
	trailer := ""
	if enc != nil {
		object(func() {
			fmt.Fprintf(&b, "<< /Filter /Standard /V 1 /R 2 /O <%x> /U <%x> /P %d >>", enc.o, enc.u, enc.p)
		})
		trailer = fmt.Sprintf(" /Encrypt %d 0 R /ID [<%x> <%x>]", len(offsets), enc.id, enc.id)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, trailer, xref)
	return b.Bytes()
}

// padding is the 32 bytes the standard security handler pads passwords with (ISO 32000-1
// §7.6.3.3, algorithm 2).
var padding = []byte{0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A}

type encryption struct {
	o, u, id, key []byte
	p             int32
}

func pad(password string) []byte { return append([]byte(password), padding...)[:32] }

func arc4(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err) // a 5- to 16-byte key is always accepted
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// newEncryption computes revision 2's O, file key and U (algorithms 3, 2 and 4): 40-bit RC4.
func newEncryption(owner, user string, id []byte) *encryption {
	e := &encryption{id: id, p: -44} // printing allowed, copying and changing not
	ownerKey := md5.Sum(pad(owner))
	e.o = arc4(ownerKey[:5], pad(user))
	h := md5.New()
	h.Write(pad(user))
	h.Write(e.o)
	_ = binary.Write(h, binary.LittleEndian, e.p)
	h.Write(id)
	e.key = h.Sum(nil)[:5]
	e.u = arc4(e.key, padding)
	return e
}

// object encrypts data of object num (generation 0) with its own key (algorithm 1).
func (e *encryption) object(num int, data []byte) []byte {
	k := md5.Sum(append(append([]byte{}, e.key...), byte(num), byte(num>>8), byte(num>>16), 0, 0))
	return arc4(k[:len(e.key)+5], data)
}
