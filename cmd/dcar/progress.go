package main

import (
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a byte progress bar on stderr when stderr is a terminal
// and quiet is false; otherwise it does nothing.
type progress struct {
	bar  *progressbar.ProgressBar
	last atomic.Int64
}

func newProgress(total int64, what string, quiet bool) *progress {
	p := &progress{}
	if !showProgress(quiet) {
		return p
	}
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
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
	if done-p.last.Load() < 1<<20 {
		return
	}
	p.last.Store(done)
	p.bar.Set64(done)
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
