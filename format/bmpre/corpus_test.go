package bmpre

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestCorpus splits and rebuilds every .bmp under $BMPRE_CORPUS (a
// directory tree), reporting per subdirectory (one per encoder and
// setting) how many split and rebuilt exactly, were refused, and why.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("BMPRE_CORPUS")
	if dir == "" {
		t.Skip("BMPRE_CORPUS not set")
	}
	type tally struct{ files, ok, unsup, norebuild, bad, meta, rec, bytes int }
	tallies := map[string]*tally{}
	var bytesIn int64
	var dSplit, dJoin time.Duration
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || !strings.HasSuffix(path, ".bmp") {
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
			h, m, _ := readMeta(p.Meta)
			tl.meta += len(p.Meta)
			tl.rec += len(p.Meta) - m.Off
			_ = h
			tl.bytes += len(b)
			bytesIn += int64(len(b))
			t1 := time.Now()
			out, err := Join(p.Meta, p.Pix)
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
		meta, rec := 0.0, 0.0
		if tl.ok > 0 {
			meta, rec = float64(tl.meta)/float64(tl.ok), float64(tl.rec)/float64(tl.ok)
		}
		t.Logf("%-26s %3d/%3d exact (unsupported %d, no rebuild %d, malformed %d); per file: side data %.0f B of which %.1f B beyond the headers; %d KB of BMP",
			k, tl.ok, tl.files, tl.unsup, tl.norebuild, tl.bad, meta, rec, tl.bytes>>10)
	}
	t.Logf("split (with its verifying join) %.1f MB/s, join %.1f MB/s over %d bytes",
		float64(bytesIn)/dSplit.Seconds()/1e6, float64(bytesIn)/dJoin.Seconds()/1e6, bytesIn)
}

// TestWriteVariants writes, when $BMPRE_WRITE_VARIANTS names the corpus
// directory, the test encoders' versions of its ImageMagick 16 and 256
// colour BMPs (im-bmp3-16, im-bmp3-256) into go-* subdirectories, for
// TestCorpus to measure.
func TestWriteVariants(t *testing.T) {
	dir := os.Getenv("BMPRE_WRITE_VARIANTS")
	if dir == "" {
		t.Skip("BMPRE_WRITE_VARIANTS not set")
	}
	variants := map[string]rleOpts{
		"runs":        {},
		"runs127":     {maxRun: 127},
		"abs3":        {absolute: true},
		"abs2-lit128": {absolute: true, minRun: 2, maxLit: 128},
		"abs4":        {absolute: true, minRun: 4},
		"abs-noeol":   {absolute: true, noLastEOL: true},
		"gimp":        {gimp: true},
		"deltas":      {absolute: true, deltas: true},
		"litpad":      {absolute: true, litPad: 0xff},
	}
	for _, src := range []struct {
		sub  string
		bpp  int
		comp int
	}{{"im-bmp3-16", 4, biRLE4}, {"im-bmp3-256", 8, biRLE8}} {
		files, _ := filepath.Glob(filepath.Join(dir, src.sub, "*.bmp"))
		for _, fn := range files {
			b, err := os.ReadFile(fn)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Split(b)
			if err != nil {
				t.Fatal(err)
			}
			for name, ro := range variants {
				out := filepath.Join(dir, fmt.Sprintf("go-rle%d-%s", src.bpp, name))
				os.MkdirAll(out, 0o755)
				bmp := writeBMP(p.W, p.H, p.Pix, bmpOpts{bpp: src.bpp, comp: src.comp, rle: ro})
				if err := os.WriteFile(filepath.Join(out, filepath.Base(fn)), bmp, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
