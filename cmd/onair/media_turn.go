package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/onairhq/onair/media/turn"
	"github.com/onairhq/onair/media/wire"
)

// turnSettings say which TURN servers browsers may relay through: the node's embedded one
// (UDP and/or TLS ports), or external ones (a coturn with use-auth-secret) given by URL. Either
// way each join gets credentials minted with the shared secret. README, "TURN".
type turnSettings struct {
	Secret        string   // ONAIR_TURN_SECRET: coturn's static-auth-secret
	URLs          []string // ONAIR_TURN_URLS: external turn:/turns: URLs; no embedded server then
	UDPPort       string   // ONAIR_TURN_UDP_PORT, e.g. 3478
	TLSPort       string   // ONAIR_TURN_TLS_PORT, 443 in production
	CertFile      string   // ONAIR_TURN_CERT_FILE: PEM certificate (chain) for the TLS port
	KeyFile       string   // ONAIR_TURN_KEY_FILE
	Host          string   // ONAIR_TURN_HOST: the name in the URLs (the certificate's); default ONAIR_MEDIA_URL's host
	RelayIP       string   // ONAIR_TURN_RELAY_IP: default the first of ONAIR_MEDIA_PUBLIC_IPS
	RelayPorts    string   // ONAIR_TURN_RELAY_PORTS: "min-max"; default any free port
	CredentialTTL string   // ONAIR_TURN_CREDENTIAL_TTL: a Go duration; default 12h
	// ListenIP narrows the embedded server's sockets (loopback in `onair dev`); empty: every
	// interface.
	ListenIP string
}

func loadTURNSettings() turnSettings {
	return turnSettings{
		Secret: env("ONAIR_TURN_SECRET", ""), URLs: envList("ONAIR_TURN_URLS"),
		UDPPort: env("ONAIR_TURN_UDP_PORT", ""), TLSPort: env("ONAIR_TURN_TLS_PORT", ""),
		CertFile: env("ONAIR_TURN_CERT_FILE", ""), KeyFile: env("ONAIR_TURN_KEY_FILE", ""),
		Host: env("ONAIR_TURN_HOST", ""), RelayIP: env("ONAIR_TURN_RELAY_IP", ""),
		RelayPorts: env("ONAIR_TURN_RELAY_PORTS", ""), CredentialTTL: env("ONAIR_TURN_CREDENTIAL_TTL", ""),
	}
}

func (s turnSettings) embedded() bool { return s.UDPPort != "" || s.TLSPort != "" }

func (s turnSettings) configured() bool { return s.Secret != "" || len(s.URLs) > 0 || s.embedded() }

// devTURN is `onair dev`'s TURN when none is configured: the embedded server over UDP on
// loopback, with a secret that lives as long as the process.
func devTURN() (turnSettings, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return turnSettings{}, fmt.Errorf("generate TURN secret: %w", err)
	}
	return turnSettings{Secret: hex.EncodeToString(b), UDPPort: "0", Host: "127.0.0.1", RelayIP: "127.0.0.1",
		ListenIP: "127.0.0.1"}, nil
}

// mediaTURN starts the embedded TURN server or points at external ones, and returns what each
// join is told to relay through; server is nil without an embedded one, iceServers nil
// without TURN.
func mediaTURN(cfg config, log *slog.Logger) (iceServers func(string) []wire.ICEServer, server *turn.Server, err error) {
	s := cfg.TURN
	if !s.configured() {
		return nil, nil, nil
	}
	if s.Secret == "" {
		return nil, nil, errors.New("ONAIR_TURN_SECRET is required with ONAIR_TURN_URLS, ONAIR_TURN_UDP_PORT or ONAIR_TURN_TLS_PORT")
	}
	ttl := turn.DefaultCredentialTTL
	if s.CredentialTTL != "" {
		if ttl, err = time.ParseDuration(s.CredentialTTL); err != nil || ttl < time.Minute {
			return nil, nil, fmt.Errorf("ONAIR_TURN_CREDENTIAL_TTL: %q is not a duration of a minute or more", s.CredentialTTL)
		}
	}
	creds := turn.Credentials{Secret: []byte(s.Secret), TTL: ttl, URLs: s.URLs}
	switch {
	case len(s.URLs) > 0 && s.embedded():
		return nil, nil, errors.New("ONAIR_TURN_URLS names external TURN servers: unset ONAIR_TURN_UDP_PORT and ONAIR_TURN_TLS_PORT, or ONAIR_TURN_URLS")
	case len(s.URLs) > 0:
		for _, u := range s.URLs {
			if !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
				return nil, nil, fmt.Errorf("ONAIR_TURN_URLS: %q is not a turn: or turns: URL", u)
			}
		}
	case !s.embedded():
		return nil, nil, errors.New("ONAIR_TURN_SECRET is set but no TURN server is: set ONAIR_TURN_URLS, ONAIR_TURN_UDP_PORT or ONAIR_TURN_TLS_PORT")
	default:
		if server, err = startTURN(s, cfg, log); err != nil {
			return nil, nil, err
		}
		if creds.URLs, err = turnURLs(s, cfg.MediaURL, server); err != nil {
			_ = server.Close()
			return nil, nil, err
		}
	}
	log.Info("turn", "urls", strings.Join(creds.URLs, " "), "embedded", server != nil)
	return func(person string) []wire.ICEServer {
		username, password := creds.Mint(person)
		return []wire.ICEServer{{URLs: creds.URLs, Username: username, Credential: password}}
	}, server, nil
}

func startTURN(s turnSettings, cfg config, log *slog.Logger) (*turn.Server, error) {
	p := turn.ServerParams{Secret: []byte(s.Secret), CertFile: s.CertFile, KeyFile: s.KeyFile, RelayListenIP: s.ListenIP, Logger: log}
	for _, port := range []struct{ name, value string }{{"ONAIR_TURN_UDP_PORT", s.UDPPort}, {"ONAIR_TURN_TLS_PORT", s.TLSPort}} {
		if port.value == "" || port.value == "0" { // 0: any free port (`onair dev`)
			continue
		}
		if _, err := parsePort(port.value); err != nil {
			return nil, fmt.Errorf("%s: %w", port.name, err)
		}
	}
	if s.UDPPort != "" {
		p.UDPAddr = net.JoinHostPort(s.ListenIP, s.UDPPort)
	}
	if s.TLSPort != "" {
		if s.CertFile == "" || s.KeyFile == "" {
			return nil, errors.New("ONAIR_TURN_TLS_PORT needs ONAIR_TURN_CERT_FILE and ONAIR_TURN_KEY_FILE (the PEM certificate and key of ONAIR_TURN_HOST)")
		}
		p.TLSAddr = net.JoinHostPort(s.ListenIP, s.TLSPort)
	}
	relayIP := s.RelayIP
	if relayIP == "" && len(cfg.MediaPublicIPs) > 0 {
		relayIP = cfg.MediaPublicIPs[0]
	}
	if relayIP == "" {
		return nil, errors.New("ONAIR_TURN_RELAY_IP is required (the public address relayed media reaches the node at), or ONAIR_MEDIA_PUBLIC_IPS")
	}
	if p.RelayIP = net.ParseIP(relayIP); p.RelayIP == nil {
		return nil, fmt.Errorf("ONAIR_TURN_RELAY_IP: %q is not an IP address", relayIP)
	}
	for _, ip := range cfg.MediaPublicIPs {
		p.Peers = append(p.Peers, net.ParseIP(ip)) // mediaNetwork checked them
	}
	if s.RelayPorts != "" {
		lo, hi, ok := strings.Cut(s.RelayPorts, "-")
		min, errMin := parsePort(lo)
		max, errMax := parsePort(hi)
		if !ok || errMin != nil || errMax != nil || min > max {
			return nil, fmt.Errorf("ONAIR_TURN_RELAY_PORTS: %q is not a port range like 49160-49200", s.RelayPorts)
		}
		p.RelayMinPort, p.RelayMaxPort = uint16(min), uint16(max)
	}
	server, err := turn.NewServer(p)
	if err != nil {
		return nil, fmt.Errorf("TURN (ONAIR_TURN_*): %w", err)
	}
	return server, nil
}

// turnURLs are the embedded server's URLs, on the ports it listens on: turn: over UDP, turns:
// over TLS (TCP).
func turnURLs(s turnSettings, mediaURL string, server *turn.Server) ([]string, error) {
	host := s.Host
	if host == "" {
		u, err := url.Parse(mediaURL)
		if err != nil || u.Hostname() == "" {
			return nil, fmt.Errorf("ONAIR_TURN_HOST is required: ONAIR_MEDIA_URL %q names no host", mediaURL)
		}
		host = u.Hostname()
	}
	var urls []string
	if a := server.UDPAddr(); a != nil {
		urls = append(urls, "turn:"+net.JoinHostPort(host, strconv.Itoa(a.(*net.UDPAddr).Port))+"?transport=udp")
	}
	if a := server.TLSAddr(); a != nil {
		urls = append(urls, "turns:"+net.JoinHostPort(host, strconv.Itoa(a.(*net.TCPAddr).Port))+"?transport=tcp")
	}
	return urls, nil
}
