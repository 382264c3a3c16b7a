package gifre

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestCorpus splits and rebuilds every .gif under $GIFRE_CORPUS (a
// directory tree), reporting per subdirectory (one per encoder and
// setting) how many split and rebuilt exactly, fell back, and why.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("GIFRE_CORPUS")
	if dir == "" {
		t.Skip("GIFRE_CORPUS not set")
	}
	type tally struct{ files, ok, unsup, norebuild, bad, meta, skel, bytes int }
	tallies := map[string]*tally{}
	var bytesIn int64
	var dSplit, dJoin time.Duration
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || !strings.HasSuffix(path, ".gif") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(path))
		tl := tallies[rel]
		if tl == nil {
			tl = &tally{}
			tallies[rel] = tl
		}
		tl.files++
		t0 := time.Now()
		p, err := Split(b)
		dSplit += time.Since(t0)
		switch {
		case err == nil:
			tl.ok++
			l, m, _ := readMeta(p.Meta)
			tl.meta += len(p.Meta) - m.Off
			tl.skel += len(l.skel)
			tl.bytes += len(b)
			bytesIn += int64(len(b))
			pix := make([][]byte, len(p.Frames))
			for i, f := range p.Frames {
				pix[i] = f.Pix
			}
			t1 := time.Now()
			out, err := Join(p.Meta, pix)
			dJoin += time.Since(t1)
			if err != nil || !bytes.Equal(out, b) {
				t.Errorf("%s: rebuild differs: %v", path, err)
			}
		case errors.Is(err, ErrUnsupported):
			tl.unsup++
			t.Logf("%s: %v", path, err)
		case errors.Is(err, ErrNoRebuild):
			tl.norebuild++
			t.Logf("%s: %v", path, err)
		default:
			tl.bad++
			t.Logf("%s: %v", path, err)
		}
		return nil
	})
	var keys []string
	for k := range tallies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tl := tallies[k]
		meta, skel := 0.0, 0.0
		if tl.ok > 0 {
			meta, skel = float64(tl.meta)/float64(tl.ok), float64(tl.skel)/float64(tl.ok)
		}
		t.Logf("%-28s %3d/%3d exact (unsupported %d, no rebuild %d, malformed %d); per file: departures %.1f B, skeleton %.0f B; %d KB of GIF",
			k, tl.ok, tl.files, tl.unsup, tl.norebuild, tl.bad, meta, skel, tl.bytes>>10)
	}
	t.Logf("split (with its verifying join) %.1f MB/s, join %.1f MB/s over %d bytes",
		float64(bytesIn)/dSplit.Seconds()/1e6, float64(bytesIn)/dJoin.Seconds()/1e6, bytesIn)
}
