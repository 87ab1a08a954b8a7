package sfu

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/pion/dtls/v3"
	"github.com/pion/dtls/v3/pkg/crypto/prf"
	"github.com/pion/dtls/v3/pkg/protocol/extension"
	"github.com/pion/dtls/v3/pkg/protocol/handshake"
	"github.com/pion/srtp/v3"
)

// srtpExporterLabel is the TLS exporter label of DTLS-SRTP keying (RFC 5764 §4.2).
const srtpExporterLabel = "EXTRACTOR-dtls_srtp"

// srtpKeys are the master key and salt this node (the DTLS server) encrypts SRTP with.
type srtpKeys struct {
	profile   srtp.ProtectionProfile
	key, salt []byte
}

// srtpProfiles are the SRTP protection profiles the direct path encrypts with, by their
// use_srtp code (both packages number them as RFC 5764 and RFC 7714 do).
var srtpProfiles = map[extension.SRTPProtectionProfile]srtp.ProtectionProfile{
	extension.SRTP_AES128_CM_HMAC_SHA1_80: srtp.ProtectionProfileAes128CmHmacSha1_80,
	extension.SRTP_AES128_CM_HMAC_SHA1_32: srtp.ProtectionProfileAes128CmHmacSha1_32,
	extension.SRTP_AEAD_AES_128_GCM:       srtp.ProtectionProfileAeadAes128Gcm,
	extension.SRTP_AEAD_AES_256_GCM:       srtp.ProtectionProfileAeadAes256Gcm,
}

// keyCapture learns the SRTP keys of one PeerConnection's DTLS handshake through Pion's public
// hooks, since Pion keeps them inside its SRTP session: the key log gives the client random and
// the master secret, our own ServerHello gives the server random, the cipher suite (whose hash
// is the PRF's) and the SRTP profile. It works only when this node is the DTLS server, which
// Downlink.Configure arranges for answers and a browser's answer to our offer chooses. The
// secrets stay in memory for the PeerConnection's life, as Pion's own copy does.
type keyCapture struct {
	mu           sync.Mutex
	clientRandom []byte
	masterSecret []byte
	serverRandom []byte
	suite        dtls.CipherSuiteID
	profile      extension.SRTPProtectionProfile
	hello        bool // a ServerHello was sent
	unusable     bool // something the direct path does not handle (MKI, another key log label)
}

// Write takes one key log line, "CLIENT_RANDOM <client random> <master secret>" in hex.
func (k *keyCapture) Write(line []byte) (int, error) {
	fields := strings.Fields(string(line))
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(fields) != 3 || fields[0] != "CLIENT_RANDOM" {
		k.unusable = true
		return len(line), nil
	}
	random, err1 := hex.DecodeString(fields[1])
	secret, err2 := hex.DecodeString(fields[2])
	if err1 != nil || err2 != nil {
		k.unusable = true
		return len(line), nil
	}
	k.clientRandom, k.masterSecret = random, secret
	return len(line), nil
}

// serverHello records what our ServerHello chose and sends it unchanged.
func (k *keyCapture) serverHello(m handshake.MessageServerHello) handshake.Message {
	random := m.Random.MarshalFixed()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.hello, k.serverRandom = true, random[:]
	if m.CipherSuiteID != nil {
		k.suite = dtls.CipherSuiteID(*m.CipherSuiteID)
	}
	for _, ext := range m.Extensions {
		if use, ok := ext.(*extension.UseSRTP); ok && len(use.ProtectionProfiles) == 1 {
			k.profile = use.ProtectionProfiles[0]
			k.unusable = k.unusable || len(use.MasterKeyIdentifier) > 0
		}
	}
	return &m
}

// keys derives the server's SRTP write key and salt as Pion's DTLS transport does (RFC 5764
// §4.2: client key, server key, client salt, server salt); false when the handshake did not
// give everything needed or chose something the direct path does not handle.
func (k *keyCapture) keys() (*srtpKeys, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	profile, ok := srtpProfiles[k.profile]
	if !ok || !k.hello || k.unusable || len(k.masterSecret) == 0 || len(k.clientRandom) != 32 {
		return nil, false
	}
	hash := prfHash(k.suite)
	if hash == nil {
		return nil, false
	}
	keyLen, err := profile.KeyLen()
	if err != nil {
		return nil, false
	}
	saltLen, err := profile.SaltLen()
	if err != nil {
		return nil, false
	}
	seed := bytes.Join([][]byte{[]byte(srtpExporterLabel), k.clientRandom, k.serverRandom}, nil)
	material, err := prf.PHash(k.masterSecret, seed, 2*(keyLen+saltLen), hash)
	if err != nil {
		return nil, false
	}
	return &srtpKeys{
		profile: profile,
		key:     material[keyLen : 2*keyLen],
		salt:    material[2*keyLen+saltLen:],
	}, true
}

// prfHash is the TLS 1.2 PRF hash of a cipher suite: SHA-384 for the suites named so, SHA-256
// for every other suite DTLS 1.2 defines; nil for a suite pion/dtls does not name.
func prfHash(id dtls.CipherSuiteID) prf.HashFunc {
	name := dtls.CipherSuiteName(id)
	switch {
	case !strings.HasPrefix(name, "TLS_"):
		return nil
	case strings.HasSuffix(name, "_SHA384"):
		return sha512.New384
	default:
		return sha256.New
	}
}
