package codec_test

import (
	"image/png"
	"path/filepath"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	. "github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

// An image of SplitSamples or more is planned as two blocks cut where a
// row starts (PPM top-down, BMP bottom-up with row padding), coded by
// the default and the fast preset, and comes back exactly; below, one
// block.
func TestImageSplitsInTwoBlocks(t *testing.T) {
	defer SetSplitSamples(SetSplitSamples(40 * 33 * 3))
	const w, h = 40, 33 // odd height; the BMP is 41 wide (row padding) and bottom-up
	files := map[string][]byte{
		"a.ppm":     PPMFile(w, h, SmoothImage(w, h, 3, 7)),
		"b.bmp":     BMPFile(41, h, SmoothImage(41, h, 3, 8), false),
		"small.ppm": PPMFile(w, h-1, SmoothImage(w, h-1, 3, 9)),
	}
	dir := filepath.Join(t.TempDir(), "in")
	for _, preset := range []archive.Preset{archive.PresetDefault, archive.PresetFast} {
		_, idx := roundTripOpts(t, dir, files, archive.WriterOptions{Preset: preset})
		for _, e := range idx {
			name := filepath.Base(e.Header.Path)
			if files[name] == nil {
				continue
			}
			want := format.CodecModelImage
			if preset == archive.PresetFast {
				want = format.CodecCtxImage
			}
			if e.Header.Codec != want {
				t.Errorf("%v %s: codec %s", preset, name, archive.CodecName(e.Header.Codec))
			}
			blocks := (e.Header.Size + int64(e.Header.BlockSize) - 1) / int64(e.Header.BlockSize)
			wantBlocks := map[string]int64{"a.ppm": 2, "b.bmp": 2, "small.ppm": 1}[name]
			if blocks != wantBlocks {
				t.Errorf("%v %s: %d blocks of %d bytes, want %d", preset, name, blocks, e.Header.BlockSize, wantBlocks)
			}
			// A cut at a row: the whole image is coded by the pixel
			// model, so the archive is far smaller than the file.
			if e.Stored*2 > e.Header.Size {
				t.Errorf("%v %s: %d bytes stored of %d", preset, name, e.Stored, e.Header.Size)
			}
		}
	}
}

// With --fast, a text above 1 MiB is planned as two blocks or more of
// about 2 MiB (two cores on one file); smaller ones as one block.
func TestFastTextBlocks(t *testing.T) {
	k := Kind{Modality: format.ModalityText}
	for _, tc := range []struct {
		size   int64
		blocks int64
	}{{100, 1}, {1 << 20, 1}, {1<<20 + 1, 2}, {3 << 20, 2}, {4 << 20, 2}, {5<<20 + 7, 3}, {64 << 20, 32}} {
		pl, ok := PlanCMTextLite(k, nil, tc.size)
		if !ok {
			t.Fatalf("%d bytes: not planned", tc.size)
		}
		blocks := int64(1)
		if pl.BlockSize > 0 {
			blocks = (tc.size + int64(pl.BlockSize) - 1) / int64(pl.BlockSize)
		}
		if blocks != tc.blocks || pl.BlockSize > format.MaxBlockSize {
			t.Errorf("%d bytes: %d blocks of %d, want %d", tc.size, blocks, pl.BlockSize, tc.blocks)
		}
	}
}

// PNGs: a supported one goes to model-png, a 16-bit one too (version 4);
// one whose IDAT is damaged passes the header check
// but is declined when coded (its side data would not rebuild it), so
// its block is zstd or stored. All come back byte for byte (roundTrip).
func TestPNGRouting(t *testing.T) {
	good := PNGOf(t, 128, 96, 3, SmoothImage(128, 96, 3, 3), png.BestCompression)
	bad := append([]byte(nil), good...)
	bad[len(bad)/2] ^= 0x5a // inside the IDAT data: the chunk CRC fails
	files := map[string][]byte{
		"good.png": good,
		"g16.png":  PNGOf(t, 40, 24, 2, SmoothImage(40, 24, 2, 4), png.DefaultCompression),
		"bad.png":  bad,
	}
	_, idx := roundTrip(t, files, 0)
	for _, e := range idx {
		name := filepath.Base(e.Header.Path)
		want := map[string]uint64{"good.png": format.CodecModelPNG, "g16.png": format.CodecModelPNG, "bad.png": format.CodecModelPNG}[name]
		if files[name] != nil && e.Header.Codec != want {
			t.Errorf("%s: entry codec %s, want %s", name, archive.CodecName(e.Header.Codec), archive.CodecName(want))
		}
		if files[name] != nil && name != "bad.png" && e.Stored >= int64(len(files[name])) {
			t.Errorf("%s: %d bytes stored for %d", name, e.Stored, len(files[name]))
		}
	}
}
