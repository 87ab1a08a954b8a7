// Package decks turns an uploaded PDF slide deck into page images, once, with poppler's
// command-line tools (Debian's poppler-utils): pdfinfo reads the page count and whether the
// file is encrypted, pdftoppm draws every page as a JPEG whose longer side is bounded. The
// images are what rooms show; the PDF itself is not kept.
package decks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits bound what an upload may cost: the file's size, its pages, the images' resolution
// and the time poppler may spend on it.
type Limits struct {
	MaxBytes int64
	MaxPages int
	LongSide int // pixels of a page image's longer side
	Timeout  time.Duration
	// Concurrent renders at most; more wait their turn (rendering is CPU-bound).
	Concurrent int
}

// DefaultLimits are the documented limits of POST /v1/sessions/:id/decks: 20 MiB, 200 pages,
// pages 1280 px on their longer side, two minutes to read and render.
var DefaultLimits = Limits{MaxBytes: 20 << 20, MaxPages: 200, LongSide: 1280, Timeout: 2 * time.Minute, Concurrent: 2}

// ContentType is the media type of every page image.
const ContentType = "image/jpeg"

// Refusals of an upload: the caller's file, not our fault (the API answers 422). Errors
// wrapping them say what was wrong in a sentence a person can act on.
var (
	ErrNotPDF       = errors.New("the file is not a readable PDF")
	ErrEncrypted    = errors.New("the PDF is encrypted or password-protected")
	ErrTooLarge     = errors.New("the file is too large")
	ErrTooManyPages = errors.New("the PDF has too many pages")
	ErrTooSlow      = errors.New("the PDF took too long to render")
)

// ErrUnavailable means poppler is not installed where this runs (an operator's problem).
var ErrUnavailable = errors.New("decks: pdfinfo or pdftoppm is not installed (Debian: apt-get install poppler-utils)")

// Renderer renders decks within its limits, a few at a time.
type Renderer struct {
	limits Limits
	turns  chan struct{}
}

// NewRenderer is a renderer with limits l.
func NewRenderer(l Limits) *Renderer {
	if l.Concurrent < 1 {
		l.Concurrent = 1
	}
	return &Renderer{limits: l, turns: make(chan struct{}, l.Concurrent)}
}

// Limits are the renderer's limits, for the messages that cite them.
func (r *Renderer) Limits() Limits { return r.limits }

// Render checks pdf and draws its pages, first to last, as JPEG images.
func (r *Renderer) Render(ctx context.Context, pdf []byte) ([][]byte, error) {
	l := r.limits
	if int64(len(pdf)) > l.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d MiB", ErrTooLarge, len(pdf), l.MaxBytes>>20)
	}
	// The PDF header may follow some junk, within the first kilobyte (ISO 32000 §7.5.2 note).
	if !bytes.Contains(pdf[:min(len(pdf), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: it does not start with a PDF header", ErrNotPDF)
	}
	select {
	case r.turns <- struct{}{}:
		defer func() { <-r.turns }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "onair-deck-")
	if err != nil {
		return nil, fmt.Errorf("decks: temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "deck.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		return nil, fmt.Errorf("decks: write the upload: %w", err)
	}
	pages, err := inspect(ctx, file)
	if err != nil {
		return nil, err
	}
	if pages > l.MaxPages {
		return nil, fmt.Errorf("%w: %d pages, at most %d", ErrTooManyPages, pages, l.MaxPages)
	}
	return render(ctx, dir, file, pages, l.LongSide)
}

var (
	pagesLine     = regexp.MustCompile(`(?m)^Pages:\s+(\d+)\s*$`)
	encryptedLine = regexp.MustCompile(`(?m)^Encrypted:\s+yes`)
)

// inspect runs pdfinfo: the page count, or why the file cannot be a deck.
func inspect(ctx context.Context, file string) (int, error) {
	out, stderr, err := run(ctx, "pdfinfo", file)
	if err != nil {
		// Poppler asks for the password it cannot guess and gives up.
		if strings.Contains(stderr, "Incorrect password") {
			return 0, fmt.Errorf("%w: it needs a password to open", ErrEncrypted)
		}
		if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrTooSlow) || ctx.Err() != nil {
			return 0, err
		}
		return 0, fmt.Errorf("%w: %s", ErrNotPDF, firstLine(stderr, file))
	}
	if encryptedLine.MatchString(out) {
		return 0, fmt.Errorf("%w: remove its protection and upload it again", ErrEncrypted)
	}
	m := pagesLine.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("%w: it has no pages", ErrNotPDF)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%w: it has no pages", ErrNotPDF)
	}
	return n, nil
}

// render runs pdftoppm over every page and reads the images back in page order.
func render(ctx context.Context, dir, file string, pages, longSide int) ([][]byte, error) {
	prefix := filepath.Join(dir, "page")
	_, stderr, err := run(ctx, "pdftoppm", "-jpeg", "-jpegopt", "quality=85", "-scale-to", strconv.Itoa(longSide), file, prefix)
	if err != nil {
		if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrTooSlow) || ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s", ErrNotPDF, firstLine(stderr, file))
	}
	names, err := filepath.Glob(prefix + "-*.jpg")
	if err != nil {
		return nil, fmt.Errorf("decks: list the rendered pages: %w", err)
	}
	// pdftoppm pads page numbers to the width of the last one, so names sort in page order.
	slices.Sort(names)
	if len(names) != pages {
		return nil, fmt.Errorf("%w: %d of its %d pages could be drawn", ErrNotPDF, len(names), pages)
	}
	images := make([][]byte, len(names))
	for i, name := range names {
		if images[i], err = os.ReadFile(name); err != nil {
			return nil, fmt.Errorf("decks: read page %d: %w", i+1, err)
		}
	}
	return images, nil
}

// run runs a poppler tool, killed when ctx ends.
func run(ctx context.Context, name string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		err = ErrUnavailable
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = ErrTooSlow
	}
	return out.String(), errOut.String(), err
}

// firstLine is poppler's first complaint, without our temporary file's path.
func firstLine(s, file string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(strings.ReplaceAll(s, file, "the file")), "\n")
	if s == "" {
		return "poppler could not read it"
	}
	return s
}
