package codec_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

// jpegFixtures reads format/jpegre's test JPEGs.
func jpegFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	names, _ := filepath.Glob("../../format/jpegre/testdata/*.jpg")
	files := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(n)] = b
	}
	if len(files) < 5 {
		t.Fatalf("%d JPEG fixtures", len(files))
	}
	return files
}

// jpegOf encodes a w×h test image with Go's image/jpeg (baseline, 4:2:0).
func jpegOf(t testing.TB, w, h int, seed uint64, quality int) []byte {
	px := codec.SmoothImage(w, h, 3, seed)
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		copy(m.Pix[4*i:], px[3*i:3*i+3])
		m.Pix[4*i+3] = 255
	}
	// Some texture, so that the file is more than its headers.
	for i := range m.Pix {
		if i%4 != 3 {
			m.Pix[i] += byte((i * 7919 >> 5) % 23)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJPEGRouting: JPEGs that jpegre splits go through cm-jpeg and come
// out smaller than the file; arithmetic-coded, truncated and damaged
// ones are kept (a zstd or stored block), with no error; everything
// comes back byte for byte (roundTrip compares).
func TestJPEGRouting(t *testing.T) {
	files := jpegFixtures(t)
	files["go-q90.jpg"] = jpegOf(t, 200, 150, 3, 90)
	files["go-q60.jpg"] = jpegOf(t, 96, 200, 5, 60)
	good := files["q85-rst1.jpg"]
	files["truncated.jpg"] = good[:len(good)*2/3]
	bad := append([]byte(nil), good...)
	i := bytes.Index(bad, []byte{0xFF, 0xDA}) // inside the first scan's data
	bad[i+40] ^= 0xFF
	files["damaged.jpg"] = bad
	files["trailer.jpg"] = append(append([]byte(nil), good...), "camera maker notes after EOI"...)
	arc, idx := roundTrip(t, files, 2)
	for _, e := range idx {
		name := filepath.Base(e.Header.Path)
		if files[name] == nil {
			continue
		}
		// What jpegre cannot decode is planned as zstd (no parameters
		// to carry), and so is a near-blank image of more blocks than
		// jpegMaxBlocks allows for its size; the rest as cm-jpeg.
		kept := name == "arith.jpg" || name == "truncated.jpg" || name == "damaged.jpg" || name == "prog-flat-longrun.jpg"
		if want := map[bool]uint64{false: format.CodecCMJPEG, true: format.CodecZstd}[kept]; e.Header.Codec != want {
			t.Errorf("%s: entry codec %s", name, archive.CodecName(e.Header.Codec))
			continue
		}
		by, err := archive.BlockCodecs(bytes.NewReader(arc), e)
		if err != nil {
			t.Fatal(err)
		}
		// The fixtures are too small for their headers to pay; the
		// kinds jpegre refuses are kept whatever their size.
		switch name {
		case "go-q90.jpg", "go-q60.jpg":
			if by[format.CodecCMJPEG] == 0 || e.Stored >= int64(len(files[name]))*9/10 {
				t.Errorf("%s: %d bytes stored for %d, blocks %v", name, e.Stored, len(files[name]), by)
			}
		case "arith.jpg", "truncated.jpg", "damaged.jpg", "prog-flat-longrun.jpg":
			if by[format.CodecCMJPEG] != 0 {
				t.Errorf("%s: blocks %v", name, by)
			}
		}
		t.Logf("%s: %d -> %d, blocks %v", name, len(files[name]), e.Stored, by)
	}
}
