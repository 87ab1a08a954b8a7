package composite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Still is a slide deck's page on the replay's timeline: the image at Image (a path) is on
// stage from StartMS to EndMS (ms after the recording's start). The composite lays the deck
// out where a shared screen goes: large on the left, the cameras in the strip.
type Still struct {
	Image          string
	StartMS, EndMS int64
}

// deckScript is the concat demuxer's list of the deck's pages, in the work folder.
const deckScript = "deck.ffconcat"

// deckStills orders stills, clamps them to [0, spanMS], cuts each where the next starts (one
// page at a time) and drops the empty ones.
func deckStills(stills []Still, spanMS int64) []Still {
	out := make([]Still, 0, len(stills))
	for _, s := range stills {
		s.StartMS, s.EndMS = max(s.StartMS, 0), min(s.EndMS, spanMS)
		if s.EndMS > s.StartMS {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Still) int { return int(a.StartMS - b.StartMS) })
	for i := 0; i+1 < len(out); i++ {
		out[i].EndMS = min(out[i].EndMS, out[i+1].StartMS)
	}
	return slices.DeleteFunc(out, func(s Still) bool { return s.EndMS <= s.StartMS })
}

// deckShown says whether a page of the deck is up all through [start, end).
func deckShown(deck []Still, start, end int64) bool {
	for _, s := range deck {
		if s.StartMS <= start && start < s.EndMS {
			if s.EndMS >= end {
				return true
			}
			start = s.EndMS // the next page may carry on from there
		}
	}
	return false
}

// deckCuts are the times the deck comes on or goes off the stage; a page turn is not one,
// since the deck is one stream whose picture changes (the layout stays).
func deckCuts(deck []Still) []int64 {
	var cuts []int64
	for i, s := range deck {
		if i == 0 || deck[i-1].EndMS != s.StartMS {
			cuts = append(cuts, s.StartMS)
		}
		if i+1 == len(deck) || deck[i+1].StartMS != s.EndMS {
			cuts = append(cuts, s.EndMS)
		}
	}
	return cuts
}

// writeDeck makes the deck one video input, however long it is: each distinct page is
// scaled and padded once to the screen's place (an image of its own in work, so every frame
// of the deck has one size and ffmpeg never rebuilds the graph mid-way), and a concat list
// (deckScript) shows them one after the other from time 0, each until the next page; where
// no page is up the previous one stays in the stream, unseen (the layout does not place it).
// It returns the files written, relative to work.
func writeDeck(ctx context.Context, work string, deck []Still) ([]string, error) {
	if len(deck) == 0 {
		return nil, nil
	}
	pages := map[string]string{} // source image → its scaled copy
	var files []string
	for _, s := range deck {
		if _, ok := pages[s.Image]; ok {
			continue
		}
		name := "page" + strconv.Itoa(len(pages)) + ".png"
		args := []string{"-hide_banner", "-nostdin", "-y", "-v", "error", "-threads", Threads, "-i", s.Image, "-frames:v", "1",
			"-vf", fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=decrease,pad=%d:%d:(ow-iw)/2:(oh-ih)/2,setsar=1,format=rgb24",
				screenWidth, Height, screenWidth, Height), name}
		if err := ffmpeg(ctx, work, args, 0, nil); err != nil {
			return files, fmt.Errorf("composite: a deck page (%s): %w", filepath.Base(s.Image), err)
		}
		pages[s.Image] = name
		files = append(files, name)
	}
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	for i, s := range deck {
		from := s.StartMS
		if i == 0 {
			from = 0 // the stream starts with the replay: the first page stands in until it is up
		}
		until := s.EndMS
		if i+1 < len(deck) {
			until = deck[i+1].StartMS // through a gap with the deck closed: unseen
		}
		fmt.Fprintf(&b, "file '%s'\nduration %s\n", pages[s.Image], seconds(until-from))
	}
	// The list's last entry's duration only counts when a file follows it.
	fmt.Fprintf(&b, "file '%s'\n", pages[deck[len(deck)-1].Image])
	if err := os.WriteFile(filepath.Join(work, deckScript), []byte(b.String()), 0o640); err != nil {
		return files, fmt.Errorf("composite: write the deck's list: %w", err)
	}
	return append(files, deckScript), nil
}
