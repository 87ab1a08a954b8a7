package worker

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	otelprometheus "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// NewMetricsHandler returns a Temporal SDK metrics handler whose metrics (temporal_request,
// workflow task latencies, ...) are exported on reg, so they appear on onair's /metrics beside
// its own. Set it as client.Options.MetricsHandler. Call it once per registry: two exporters on
// one registry would collide when scraped.
func NewMetricsHandler(reg prometheus.Registerer) (client.MetricsHandler, error) {
	exporter, err := otelprometheus.New(otelprometheus.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("prometheus exporter for temporal metrics: %w", err)
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter: provider.Meter("go.temporal.io/sdk"),
		// The default panics on a recording error; a metric is never worth a crash, so the
		// error goes to OpenTelemetry's error handler, which logs it.
		OnError: otel.Handle,
		// Export counters as Prometheus counters (with _total), not gauges.
		UseMonotonicCounters: true,
	}), nil
}
