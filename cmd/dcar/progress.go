package main

import (
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a byte progress bar on stderr when stderr is a terminal
// and quiet is false; otherwise it does nothing.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(total int64, what string, quiet bool) *progress {
	p := &progress{}
	if !showProgress(quiet) {
		return p
	}
	// Bytes done of the total, rate and time left, as pv and zstd show
	// them; the caller reports bytes as they are coded (create) or
	// written (extract, verify), so rate and time left follow the work.
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
	)
	return p
}

// set reports the bytes done so far; nil-safe and cheap.
func (p *progress) set(done int64) {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Set64(done)
}

// println writes a line on stderr above the bar (which redraws below it).
func (p *progress) println(s string) {
	if p != nil && p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintln(os.Stderr, s)
}

func (p *progress) fn() func(int64) {
	if p == nil || p.bar == nil {
		return nil
	}
	return p.set
}

func (p *progress) finish() {
	if p != nil && p.bar != nil {
		p.bar.Finish()
	}
}

// showProgress reports whether a progress bar is wanted: stderr is a
// terminal and -q was not given.
func showProgress(quiet bool) bool {
	return !quiet && term.IsTerminal(int(os.Stderr.Fd()))
}
