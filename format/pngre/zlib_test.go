package pngre

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// TestZlibTokens: side data version 3 codes the tokens of PNGs that zlib
// deflated (ImageMagick's, pnmtopng's, optipng's, pngcrush's fixtures and
// ../../testdata/golden-png/zlib*.png) against zlib's emulated parse in a
// few bytes, far less than version 2's corrections to the reference parse.
func TestZlibTokens(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.png")
	more, _ := filepath.Glob("../../testdata/golden-png/zlib*.png")
	files = append(files, more...)
	if len(files) < 12 {
		t.Fatalf("%d fixtures", len(files))
	}
	sum2, sum3, tiny := 0, 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := SplitVersion(b, deflatere.HeadersCoded, 0)
		if err != nil {
			t.Fatal(err)
		}
		p3 := roundTrip(t, f, b)
		t.Logf("%s: %d bytes; tokens: version 2 %d bytes, version 3 %d", filepath.Base(f), len(b), len(p2.Tokens), len(p3.Tokens))
		// a stream zlib did not write (or not in a way emulated: the
		// 2-bit one) costs one bit more than in version 2
		if len(p3.Tokens) > len(p2.Tokens)+1 {
			t.Errorf("%s: version 3 tokens %d bytes, version 2 %d", f, len(p3.Tokens), len(p2.Tokens))
		}
		sum2 += len(p2.Tokens)
		sum3 += len(p3.Tokens)
		if len(p3.Tokens) <= 9 {
			tiny++
		}
	}
	if tiny < len(files)-1 || 3*sum3 > sum2 {
		t.Errorf("version 3: %d of %d streams in at most 9 bytes, %d bytes in all (version 2 %d)", tiny, len(files), sum3, sum2)
	}
}
