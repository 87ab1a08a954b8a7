package tracing

import (
	"fmt"

	"go.opentelemetry.io/otel/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/workflow"
)

// spanKey is where the Temporal interceptor keeps the current span in a workflow.Context;
// onair names it so that WithRemoteParent can put another parent there.
type spanKey struct{}

// NewTemporalInterceptor is the Temporal SDK's OpenTelemetry tracing interceptor, given to
// the client's options: it traces starts, signals, queries and updates from the client and,
// because it is also a worker interceptor, every workflow and activity the client's workers
// run, passing the trace in Temporal headers. On top of the SDK's, it honours
// WithRemoteParent.
func NewTemporalInterceptor(tp trace.TracerProvider) (interceptor.Interceptor, error) {
	t, err := temporalotel.NewTracer(temporalotel.TracerOptions{
		Tracer: tp.Tracer("github.com/onairhq/onair/temporal"), SpanContextKey: spanKey{},
	})
	if err != nil {
		return nil, fmt.Errorf("temporal tracer: %w", err)
	}
	return interceptor.NewTracingInterceptor(remoteParentTracer{t}), nil
}

// WithRemoteParent makes the activities, child workflows and signals started with the
// returned context children of the trace in c instead of the workflow's own span; an empty
// c starts them in a trace of their own. A long-lived workflow woken by signals (the delivery
// relay) uses it so that the work a signal caused joins the signaller's trace, not that of
// whoever started the workflow days before. c comes from a signal's payload, so replays see
// the same value; without the interceptor the value is never read.
func WithRemoteParent(ctx workflow.Context, c Carrier) workflow.Context {
	return workflow.WithValue(ctx, spanKey{}, remoteParent{c})
}

// remoteParent stands for a span started elsewhere; the interceptor only finishes spans it
// started itself, so Finish has nothing to do.
type remoteParent struct{ carrier Carrier }

func (remoteParent) Finish(*interceptor.TracerFinishSpanOptions) {}

// remoteParentTracer is the SDK's tracer, taught that a remoteParent means the trace in its
// carrier (or none).
type remoteParentTracer struct{ interceptor.Tracer }

func (t remoteParentTracer) StartSpan(opts *interceptor.TracerStartSpanOptions) (interceptor.TracerSpan, error) {
	if p, ok := opts.Parent.(remoteParent); ok {
		ref, err := t.UnmarshalSpan(p.carrier)
		if err != nil {
			ref = nil // a damaged carrier costs the link, not the activity
		}
		o := *opts
		o.Parent = ref
		opts = &o
	}
	return t.Tracer.StartSpan(opts)
}

// MarshalSpan writes a remoteParent as its carrier: continue-as-new from a context given
// WithRemoteParent carries that trace on.
func (t remoteParentTracer) MarshalSpan(span interceptor.TracerSpan) (map[string]string, error) {
	if p, ok := span.(remoteParent); ok {
		return p.carrier, nil
	}
	return t.Tracer.MarshalSpan(span)
}
