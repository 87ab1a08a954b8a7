package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// telemetrySettings say where traces go: OTLP over HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT
// when set; unset, nothing is traced and no instrumentation is installed at all. The exporter
// reads the other standard variables itself (OTEL_EXPORTER_OTLP_HEADERS for a backend's token,
// _TIMEOUT, _COMPRESSION, _CERTIFICATE, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and the SDK
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and OTEL_BSP_*.
type telemetrySettings struct {
	Endpoint string // OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL, e.g. http://otel-collector:4318
	Protocol string // OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf (the default)
}

func loadTelemetrySettings() telemetrySettings {
	return telemetrySettings{
		Endpoint: env("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
		Protocol: env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", env("OTEL_EXPORTER_OTLP_PROTOCOL", "")),
	}
}

// telemetry is the process's tracer provider, nil when tracing is off.
type telemetry struct {
	tp *sdktrace.TracerProvider
}

// startTelemetry builds the tracer provider of a process whose spans are named onair-<role>
// (OTEL_SERVICE_NAME overrides it), exporting in batches to the OTLP endpoint.
func startTelemetry(ctx context.Context, cfg telemetrySettings, role string, log *slog.Logger) (*telemetry, error) {
	if cfg.Endpoint == "" {
		return &telemetry{}, nil
	}
	if cfg.Protocol != "" && cfg.Protocol != "http/protobuf" {
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q: onair exports traces over http/protobuf only (a collector's port 4318)", cfg.Protocol)
	}
	var opts []otlptracehttp.Option
	if os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" { // that one is the full URL, read by the exporter
		opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimRight(cfg.Endpoint, "/")+"/v1/traces"))
	}
	exporter, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter (OTEL_EXPORTER_OTLP_ENDPOINT): %w", err)
	}
	// Later detectors win: the environment's service name over onair's default.
	res, err := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", "onair-"+role)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("trace resource (OTEL_RESOURCE_ATTRIBUTES): %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	log.Info("tracing to OTLP", "endpoint", cfg.Endpoint)
	return &telemetry{tp: tp}, nil
}

// provider is the tracer provider to instrument with, nil when tracing is off: every
// instrumented part takes nil as "not traced" and installs nothing.
func (t *telemetry) provider() trace.TracerProvider {
	if t == nil || t.tp == nil {
		return nil
	}
	return t.tp
}

// shutdown sends the spans still buffered, for up to 5 s.
func (t *telemetry) shutdown(log *slog.Logger) {
	if t == nil || t.tp == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.tp.Shutdown(ctx); err != nil {
		log.Warn("spans not all exported at exit", "err", err)
	}
}

// httpClient is a client whose requests are client spans carrying the trace to the server
// (traceparent), or a plain one when tracing is off.
func (t *telemetry) httpClient(timeout time.Duration) *http.Client {
	c := &http.Client{Timeout: timeout}
	if tp := t.provider(); tp != nil {
		c.Transport = otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(tp),
			otelhttp.WithPropagators(propagation.TraceContext{}))
	}
	return c
}
