package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onairhq/onair/searchattrs"
	"github.com/onairhq/onair/tracing"
	"github.com/onairhq/onair/worker"
	"github.com/onairhq/onair/workflows"
)

// temporalSettings are how api and worker reach a Temporal cluster beyond its address and
// namespace: TLS, mutual with a client certificate (a self-hosted mTLS cluster, Temporal
// Cloud with certificates) or server-verified only, and Temporal Cloud's API key. The names
// are the Temporal CLI's.
type temporalSettings struct {
	TLS        string // TEMPORAL_TLS=true: TLS with the system's roots and no client certificate
	CertFile   string // TEMPORAL_TLS_CERT: client certificate (PEM), with KeyFile
	KeyFile    string // TEMPORAL_TLS_KEY
	CAFile     string // TEMPORAL_TLS_CA: roots the server's certificate must chain to (PEM)
	ServerName string // TEMPORAL_TLS_SERVER_NAME: the name on the server's certificate when the address differs
	APIKey     string // TEMPORAL_API_KEY: Temporal Cloud API key (a secret: never logged)
	// RegisterSearchAttributes (ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES, default true)
	// lets `onair worker` add onair's search attributes; false only checks that they exist,
	// for Temporal Cloud, which refuses the operator call (create them with tcld or the UI).
	RegisterSearchAttributes string
}

func loadTemporalSettings() temporalSettings {
	return temporalSettings{
		TLS: env("TEMPORAL_TLS", ""), CertFile: env("TEMPORAL_TLS_CERT", ""), KeyFile: env("TEMPORAL_TLS_KEY", ""),
		CAFile: env("TEMPORAL_TLS_CA", ""), ServerName: env("TEMPORAL_TLS_SERVER_NAME", ""),
		APIKey: env("TEMPORAL_API_KEY", ""), RegisterSearchAttributes: env("ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES", ""),
	}
}

// connection turns the settings into the client's connection options and credentials; a
// file that cannot be read or holds no certificate is an error naming its variable.
func (t temporalSettings) connection() (client.ConnectionOptions, client.Credentials, error) {
	var opts client.ConnectionOptions
	var creds client.Credentials
	if t.APIKey != "" {
		// The SDK turns TLS on by itself for an API key when no TLS config is given.
		creds = client.NewAPIKeyStaticCredentials(t.APIKey)
	}
	useTLS := false
	if t.TLS != "" {
		on, err := strconv.ParseBool(t.TLS)
		if err != nil {
			return opts, nil, fmt.Errorf("TEMPORAL_TLS must be true or false, not %q", t.TLS)
		}
		useTLS = on
	}
	if !useTLS && t.CertFile == "" && t.KeyFile == "" && t.CAFile == "" && t.ServerName == "" {
		return opts, creds, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	switch {
	case (t.CertFile == "") != (t.KeyFile == ""):
		return opts, nil, fmt.Errorf("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both or neither")
	case t.CertFile != "":
		pair, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return opts, nil, fmt.Errorf("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return opts, nil, fmt.Errorf("TEMPORAL_TLS_CA: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return opts, nil, fmt.Errorf("TEMPORAL_TLS_CA: no PEM certificate in %s", t.CAFile)
		}
		cfg.RootCAs = roots
	}
	opts.TLS = cfg
	return opts, creds, nil
}

// registerSearchAttributes reads ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES (default true).
func (t temporalSettings) registerSearchAttributes() (bool, error) {
	if t.RegisterSearchAttributes == "" {
		return true, nil
	}
	on, err := strconv.ParseBool(t.RegisterSearchAttributes)
	if err != nil {
		return false, fmt.Errorf("ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES must be true or false, not %q", t.RegisterSearchAttributes)
	}
	return on, nil
}

// dialTemporal returns a client that connects lazily, so the API can start (and report
// not-ready) while Temporal is still coming up. With tp it traces through Temporal: the
// interceptor is a client interceptor for starts and signals and, being a worker
// interceptor too, is used by every worker built on this client for workflows and activities.
func dialTemporal(cfg config, reg prometheus.Registerer, log *slog.Logger, tp trace.TracerProvider) (client.Client, error) {
	conn, creds, err := cfg.Temporal.connection()
	if err != nil {
		return nil, err
	}
	metrics, err := worker.NewMetricsHandler(reg)
	if err != nil {
		return nil, err
	}
	opts := client.Options{
		HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace, MetricsHandler: metrics,
		ConnectionOptions: conn, Credentials: creds,
		Logger: sdklog.NewStructuredLogger(log.With("component", "temporal-sdk")),
	}
	if tp != nil {
		traced, err := tracing.NewTemporalInterceptor(tp)
		if err != nil {
			return nil, err
		}
		opts.Interceptors = []interceptor.ClientInterceptor{traced}
	}
	return client.NewLazyClient(opts)
}

// prepareSearchAttributes registers onair's search attributes in the namespace, or with
// ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES=false checks they exist and refuses to start,
// naming the missing ones, when they do not.
func prepareSearchAttributes(ctx context.Context, cfg config, c client.Client) error {
	register, err := cfg.Temporal.registerSearchAttributes()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if !register {
		if err := searchattrs.Check(ctx, c, cfg.TemporalNamespace, workflows.SearchAttributes()); err != nil {
			return fmt.Errorf("%w (ONAIR_TEMPORAL_REGISTER_SEARCH_ATTRIBUTES=false: create them with your Temporal's tools, e.g. tcld or the Cloud UI)", err)
		}
		return nil
	}
	if err := worker.EnsureSearchAttributes(ctx, c, cfg.TemporalNamespace); err != nil {
		return fmt.Errorf("register search attributes: %w", err)
	}
	return nil
}

// temporalReady is the /readyz check of a Temporal client.
func temporalReady(c client.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}
}
