package bz2re

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSilTmp(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/data/text/silesia/*.bz2")
	for _, f := range files {
		src, _ := os.ReadFile(f)
		t0 := time.Now()
		raw, p, err := Split(src, 1<<30)
		d := time.Since(t0)
		if err != nil {
			t.Logf("%s: %v (%v)", f, err, d)
			continue
		}
		t1 := time.Now()
		out, err := Encode(raw, p)
		t.Logf("%+v", p.Streams); t.Logf("%s: ok split %v encode %v (%.1f MB/s) eq=%v %v rot=%d", filepath.Base(f), d, time.Since(t1), float64(len(raw))/time.Since(t1).Seconds()/1e6, bytes.Equal(out, src), err, len(p.Rotations))
	}
}
