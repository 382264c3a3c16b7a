package tiffre

import (
	"bytes"

	"errors"
	"github.com/klauspost/compress/zstd"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestCorpus splits and joins every .tif under $TIFFRE_CORPUS and reports
// the rebuild coverage per tool and setting (the file name's part before
// the source name, as /tmp/tiffre-corpus/make.sh names them).
func TestCorpus(t *testing.T) {
	dir := os.Getenv("TIFFRE_CORPUS")
	if dir == "" {
		t.Skip("TIFFRE_CORPUS not set")
	}
	pattern := os.Getenv("TIFFRE_GLOB") // default *.tif
	if pattern == "" {
		pattern = "*.tif"
	}
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	sort.Strings(files)
	type stat struct{ n, ok, meta, zmeta, size int }
	stats := map[string]*stat{}
	var total, bytesIn int
	var dur time.Duration
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(fn)
		key := name[:strings.LastIndex(name, "_")]
		st := stats[key]
		if st == nil {
			st = &stat{}
			stats[key] = st
		}
		st.n++
		t0 := time.Now()
		p, err := Split(b)
		if err != nil {
			kind := "other"
			switch {
			case errors.Is(err, ErrUnsupported):
				kind = "unsupported"
			case errors.Is(err, ErrNoRebuild):
				kind = "norebuild"
			case errors.Is(err, ErrFormat):
				kind = "format"
			}
			t.Logf("%s: %s: %v", name, kind, err)
			continue
		}
		got, err := Join(p.Meta, p.Pixels)
		dur += time.Since(t0)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s: Join: %v", name, err)
			continue
		}
		st.ok++
		st.meta += len(p.Meta)
		st.zmeta += zstdSize(p.Meta)
		st.size += len(b)
		total++
		bytesIn += len(b)
	}
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		st := stats[k]
		avg, zavg := 0, 0
		if st.ok > 0 {
			avg, zavg = st.meta/st.ok, st.zmeta/st.ok
		}
		t.Logf("%-28s %d/%d rebuilt, meta %d bytes/file (zstd %d)", k, st.ok, st.n, avg, zavg)
	}
	if dur > 0 {
		t.Logf("%d/%d files, split+join %.1f MB/s", total, len(files), float64(bytesIn)/1e6/dur.Seconds())
	}
}

// zstdSize is the size of b as one zstd frame at the best level.
func zstdSize(b []byte) int {
	e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	defer e.Close()
	return len(e.EncodeAll(b, nil))
}
