package turn

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLogs routes pion/turn's logs to the node's logger one level down: on a public port 443
// every scanner's failed TLS handshake is an "error" to pion, and routine to an operator.
type pionLogs struct{ log *slog.Logger }

func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{log: f.log.With("pion", scope)}
}

type pionLogger struct{ log *slog.Logger }

func (l pionLogger) at(level slog.Level, msg string) { l.log.Log(context.Background(), level, msg) }

func (l pionLogger) Trace(string)                  {}
func (l pionLogger) Tracef(string, ...any)         {}
func (l pionLogger) Debug(string)                  {}
func (l pionLogger) Debugf(string, ...any)         {}
func (l pionLogger) Info(msg string)               { l.at(slog.LevelDebug, msg) }
func (l pionLogger) Infof(format string, a ...any) { l.at(slog.LevelDebug, fmt.Sprintf(format, a...)) }
func (l pionLogger) Warn(msg string)               { l.at(slog.LevelDebug, msg) }
func (l pionLogger) Warnf(format string, a ...any) { l.at(slog.LevelDebug, fmt.Sprintf(format, a...)) }
func (l pionLogger) Error(msg string)              { l.at(slog.LevelInfo, msg) }
func (l pionLogger) Errorf(format string, a ...any) {
	l.at(slog.LevelInfo, fmt.Sprintf(format, a...))
}
