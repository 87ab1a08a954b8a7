package mail

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Traced wraps s so that every send is a client span of the caller's trace (the relay's
// activity, an API request), with the e-mail's kind and id but never its addresses, which
// are personal data. A nil tp returns s as it is.
func Traced(s Sender, tp trace.TracerProvider) Sender {
	if tp == nil {
		return s
	}
	return tracedSender{next: s, tracer: tp.Tracer("github.com/onairhq/onair/mail")}
}

type tracedSender struct {
	next   Sender
	tracer trace.Tracer
}

func (t tracedSender) Send(ctx context.Context, m Message) error {
	_, err := t.SendWithReply(ctx, m)
	return err
}

// SendWithReply implements ReplySender: the answer of the sender it wraps, if any.
func (t tracedSender) SendWithReply(ctx context.Context, m Message) (string, error) {
	ctx, span := t.tracer.Start(ctx, "smtp send", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("onair.mail.kind", m.Headers["X-Onair-Kind"]),
			attribute.String("onair.mail.id", m.ID),
			attribute.Int("onair.mail.recipients", len(m.To)),
		))
	defer span.End()
	reply, err := Deliver(ctx, t.next, m)
	// The error's text is left out: an SMTP server's reply may quote the address.
	switch {
	case errors.Is(err, ErrRejected):
		span.SetStatus(codes.Error, "rejected by the server")
	case err != nil:
		span.SetStatus(codes.Error, "not sent")
	}
	return reply, err
}
