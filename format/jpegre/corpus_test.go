package jpegre

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCorpus splits and rebuilds every .jpg under $JPEGRE_CORPUS (a
// directory tree), reporting how many split, fell back, and why.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("JPEGRE_CORPUS")
	if dir == "" {
		t.Skip("JPEGRE_CORPUS not set")
	}
	var ok, unsup, norebuild, bad int
	var bytesIn int64
	var dur time.Duration
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || (filepath.Ext(path) != ".jpg" && filepath.Ext(path) != ".jpeg") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		t0 := time.Now()
		img, side, err := Split(b, 1<<24)
		dur += time.Since(t0)
		switch {
		case err == nil:
			ok++
			bytesIn += int64(len(b))
			lay, err := Layout(side, 1<<24)
			if err != nil {
				t.Errorf("%s: layout: %v", path, err)
				return nil
			}
			for i := range lay.Comps {
				copy(lay.Comps[i].Coef, img.Comps[i].Coef)
			}
			if out, err := Rebuild(nil, lay, side); err != nil || !bytes.Equal(out, b) {
				t.Errorf("%s: rebuild differs", path)
			}
		case errors.Is(err, ErrUnsupported):
			unsup++
			t.Logf("%s: %v", path, err)
		case errors.Is(err, ErrNoRebuild):
			norebuild++
			t.Logf("%s: %v", path, err)
		default:
			bad++
			t.Logf("%s: %v", path, err)
		}
		return nil
	})
	t.Logf("split %d (%d bytes, %.1f MB/s split+verify), unsupported %d, no rebuild %d, malformed %d", ok, bytesIn, float64(bytesIn)/dur.Seconds()/1e6, unsup, norebuild, bad)
}
