// Package tracing carries onair's OpenTelemetry traces across process boundaries that
// OpenTelemetry's own instrumentation does not cover: the Temporal SDK's tracing interceptor
// with a way for a workflow to start an activity under a trace it received in a signal (the
// delivery relay's kicks), W3C trace contexts as plain maps for signal and activity payloads,
// and the request id that ties log lines and problem documents to one HTTP request.
// It holds no global state: the tracer provider is given by main, and with none every
// function here is a cheap no-op.
package tracing

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Carrier is a W3C trace context (traceparent, tracestate) as a map, small enough to travel
// in a workflow signal or an activity input and be recorded in Temporal's history.
type Carrier = map[string]string

// propagator writes and reads Carriers; W3C trace context is what the Temporal interceptor
// and every OTLP backend understand.
var propagator = propagation.TraceContext{}

// Inject is the trace context of the span in ctx, nil when ctx has no valid span (tracing
// off, or a background task).
func Inject(ctx context.Context) Carrier {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return nil
	}
	c := Carrier{}
	propagator.Inject(ctx, propagation.MapCarrier(c))
	return c
}

// ContextWithRemote is ctx continuing the trace of c (a remote parent), or ctx unchanged
// when c holds no valid trace context.
func ContextWithRemote(ctx context.Context, c Carrier) context.Context {
	sc := spanContext(c)
	if !sc.IsValid() {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// AddLinks links the span in ctx to the traces of cs: the requests whose work a batch
// (one relay pass) also did, beside the one it is the child of.
func AddLinks(ctx context.Context, cs []Carrier) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	for _, c := range cs {
		if sc := spanContext(c); sc.IsValid() {
			span.AddLink(trace.Link{SpanContext: sc})
		}
	}
}

func spanContext(c Carrier) trace.SpanContext {
	if len(c) == 0 {
		return trace.SpanContext{}
	}
	return trace.SpanContextFromContext(propagator.Extract(context.Background(), propagation.MapCarrier(c)))
}
