package tiffre

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSideVersions: every fixture splits and rebuilds (Split runs Join)
// in side data versions 1 and 2, and the Deflate ones (ImageMagick's and
// tiffcp's, written by zlib) come out smaller in version 2.
func TestSideVersions(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.tif")
	if len(files) < 10 {
		t.Fatalf("%d fixtures", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p1, err := SplitVersion(b, 1)
		if err != nil {
			t.Fatalf("%s: version 1: %v", f, err)
		}
		p2, err := SplitVersion(b, 2)
		if err != nil {
			t.Fatalf("%s: version 2: %v", f, err)
		}
		if p1.Meta[0] != 1 || p2.Meta[0] != 2 {
			t.Fatalf("%s: versions %d %d", f, p1.Meta[0], p2.Meta[0])
		}
		if _, err := Join(p1.Meta, p1.Pixels); err != nil {
			t.Fatalf("%s: version 1 join: %v", f, err)
		}
		t.Logf("%s: side data version 1 %d bytes, version 2 %d", filepath.Base(f), len(p1.Meta), len(p2.Meta))
		if zip := filepath.Base(f)[3:6] == "zip"; zip && len(p2.Meta) >= len(p1.Meta) || !zip && len(p2.Meta) != len(p1.Meta) {
			t.Errorf("%s: side data version 1 %d bytes, version 2 %d", f, len(p1.Meta), len(p2.Meta))
		}
	}
}
