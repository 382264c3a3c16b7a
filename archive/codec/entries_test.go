package codec_test

// Whole-archive tests of the codecs: files of every kind go through
// archive.Create and Extract (an external test package, since package
// archive imports this one).

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	. "github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

func roundTrip(t *testing.T, files map[string][]byte, jobs int) ([]byte, []format.IndexEntry) {
	t.Helper()
	return roundTripIn(t, filepath.Join(t.TempDir(), "in"), files, jobs)
}

func roundTripIn(t *testing.T, dir string, files map[string][]byte, jobs int) ([]byte, []format.IndexEntry) {
	t.Helper()
	// Each file on its own (no solid groups): these tests check the codec
	// every file is routed to.
	return roundTripOpts(t, dir, files, archive.WriterOptions{Jobs: jobs, NoSolid: true})
}

// roundTripOpts writes files under dir (keeping those an earlier call
// wrote), archives dir with opts, checks that extraction gives every file
// back and returns the archive and its index.
func roundTripOpts(t *testing.T, dir string, files map[string][]byte, opts archive.WriterOptions) ([]byte, []format.IndexEntry) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			continue // written by an earlier call: keep its mtime
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := archive.Create(&buf, []string{dir}, archive.CreateOptions{WriterOptions: opts}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := archive.Extract(bytes.NewReader(buf.Bytes()), out, archive.ExtractOptions{Jobs: opts.Jobs}); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(out, archive.EntryName(dir), name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: content differs (%v)", name, err)
		}
	}
	idx, err := archive.ReadIndex(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), idx
}

func TestImagesAndText(t *testing.T) {
	files := map[string][]byte{}
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {64, 48}, {33, 17}} {
		w, h := sz[0], sz[1]
		px := SmoothImage(w, h, 3, uint64(w))
		files[fmt.Sprintf("p%dx%d.ppm", w, h)] = PPMFile(w, h, px)
		files[fmt.Sprintf("b%dx%d.bmp", w, h)] = BMPFile(w, h, px, false)
		files[fmt.Sprintf("t%dx%d.bmp", w, h)] = BMPFile(w, h, px, true)
		gray := SmoothImage(w, h, 1, uint64(h))
		files[fmt.Sprintf("g%dx%d.pgm", w, h)] = append([]byte(fmt.Sprintf("P5 %d %d 255\n", w, h)), gray...)
	}
	files["doc.txt"] = []byte(strings.Repeat("The archive keeps every byte. ", 400))
	files["one.txt"] = []byte("x")
	files["crlf.txt"] = []byte(strings.Repeat("line\r\n", 1000))
	files["long-line.txt"] = []byte(strings.Repeat("abcdefghij", 20000))
	files["latin1.txt"] = []byte("caf\xe9 cr\xe8me br\xfbl\xe9e\n") // not UTF-8: not text, other bytes
	files["trailer.ppm"] = append(PPMFile(20, 10, SmoothImage(20, 10, 3, 9)), "trailing junk"...)
	var first []byte
	dir := filepath.Join(t.TempDir(), "in")
	for _, jobs := range []int{1, 3} {
		arc, idx := roundTripIn(t, dir, files, jobs)
		if first == nil {
			first = arc
		} else if !bytes.Equal(first, arc) {
			t.Fatal("archive bytes depend on --jobs")
		}
		for _, e := range idx {
			name := filepath.Base(e.Header.Path)
			switch {
			case strings.HasSuffix(name, ".txt") && name != "latin1.txt" && e.Header.Codec != format.CodecModelText: // small text: through the network
				t.Errorf("%s coded with %s", name, archive.CodecName(e.Header.Codec))
			case (strings.HasSuffix(name, ".ppm") || strings.HasSuffix(name, ".bmp") || strings.HasSuffix(name, ".pgm")) && e.Header.Codec != format.CodecModelImage:
				t.Errorf("%s coded with %s", name, archive.CodecName(e.Header.Codec))
			case name == "latin1.txt" && e.Header.Codec != format.CodecCMBin:
				t.Errorf("latin1.txt coded with %s", archive.CodecName(e.Header.Codec))
			}
		}
	}
}

func TestRatioBeatsZstd(t *testing.T) {
	w, h := 128, 96
	ppm := PPMFile(w, h, SmoothImage(w, h, 3, 11))
	text := []byte(strings.Repeat("It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.\n", 60))
	_, idx := roundTrip(t, map[string][]byte{"a.ppm": ppm, "b.txt": text}, 2)
	z, _ := Lookup(format.CodecZstd)
	for _, e := range idx {
		var raw []byte
		switch filepath.Base(e.Header.Path) {
		case "a.ppm":
			raw = ppm
		case "b.txt":
			raw = text
		default:
			continue
		}
		zs, _ := z.Compress(nil, raw, Block{Level: 19})
		t.Logf("%s: %d bytes, stored %d, zstd-19 %d", e.Header.Path, len(raw), e.Stored, len(zs))
		if e.Stored > int64(len(zs))+200 {
			t.Errorf("%s: %d stored bytes, zstd -19 needs %d", e.Header.Path, e.Stored, len(zs))
		}
	}
}

func TestPNGArchive(t *testing.T) {
	files := map[string][]byte{}
	levels := map[string]png.CompressionLevel{"def": png.DefaultCompression, "none": png.NoCompression, "fast": png.BestSpeed, "best": png.BestCompression}
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {64, 48}, {101, 37}} {
		w, h := sz[0], sz[1]
		for _, c := range []int{1, 3, 4} {
			px := SmoothImage(w, h, c, uint64(w+c))
			for ln, lv := range levels {
				files[fmt.Sprintf("c%d-%dx%d-%s.png", c, w, h, ln)] = PNGOf(t, w, h, c, px, lv)
			}
		}
	}
	files["gray16.png"] = PNGOf(t, 40, 30, 2, SmoothImage(40, 30, 2, 1), png.DefaultCompression)
	tail := PNGOf(t, 64, 48, 3, SmoothImage(64, 48, 3, 2), png.DefaultCompression)
	files["trailing.png"] = append(tail[:len(tail):len(tail)], "junk after IEND"...)
	_, idx := roundTrip(t, files, 2)
	for _, e := range idx {
		name := filepath.Base(e.Header.Path)
		if !strings.HasSuffix(name, ".png") {
			continue
		}
		want := format.CodecModelPNG // 16-bit grey too (version 4)
		if (strings.Contains(name, "64x48") || strings.Contains(name, "101x37") || name == "gray16.png" || name == "trailing.png") && e.Header.Codec != want {
			t.Errorf("%s coded with %s", name, archive.CodecName(e.Header.Codec))
		}
	}
}

// TestPNGTools round-trips PNGs written by ImageMagick and optipng when
// they are installed.
func TestPNGTools(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.png")
	os.WriteFile(src, PNGOf(t, 120, 80, 3, SmoothImage(120, 80, 3, 11), png.NoCompression), 0o644)
	files := map[string][]byte{}
	if _, err := exec.LookPath("convert"); err == nil {
		for _, q := range []string{"00", "19", "75", "95", "99"} {
			out := filepath.Join(dir, "im"+q+".png")
			if err := exec.Command("convert", src, "-quality", q, out).Run(); err == nil {
				files["im"+q+".png"], _ = os.ReadFile(out)
			}
		}
	}
	if _, err := exec.LookPath("optipng"); err == nil {
		for _, o := range []string{"-o1", "-o3", "-o7"} {
			out := filepath.Join(dir, "opt"+o+".png")
			if err := exec.Command("optipng", "-quiet", o, "-out", out, src).Run(); err == nil {
				files["opt"+o+".png"], _ = os.ReadFile(out)
			}
		}
	}
	if len(files) == 0 {
		t.Skip("neither convert nor optipng on PATH")
	}
	_, idx := roundTrip(t, files, 1)
	for _, e := range idx {
		if strings.HasSuffix(e.Header.Path, ".png") {
			t.Logf("%s: %s", filepath.Base(e.Header.Path), archive.CodecName(e.Header.Codec))
		}
	}
}

// Every fixture comes back exactly; those with something to gain go
// through cm-bz2 (the text ones must), the rest stay zstd or stored; a
// .bz2 that bz2re cannot rebuild (here: a damaged one) stays zstd.
func TestBZ2Entries(t *testing.T) {
	files := BZ2Fixtures(t)
	bad := append([]byte(nil), files["text-9.bz2"]...)
	bad[len(bad)/2] ^= 0x40
	files["damaged.bz2"] = bad
	_, idx := roundTripIn(t, t.TempDir(), files, 2)
	codecs := map[string]uint64{}
	for _, e := range idx {
		codecs[filepath.Base(e.Header.Path)] = e.Header.Codec
	}
	for _, name := range []string{"text-1.bz2", "text-5.bz2", "text-9.bz2", "concat.bz2"} {
		if codecs[name] != format.CodecCMBZ2 {
			t.Errorf("%s: codec %s, want cm-bz2", name, archive.CodecName(codecs[name]))
		}
	}
	if codecs["damaged.bz2"] == format.CodecCMBZ2 {
		t.Error("a damaged bzip2 file was routed to cm-bz2")
	}
	// cm-bz2 pays: the text fixtures come out well below their .bz2 size.
	var in, out int
	for _, e := range idx {
		if e.Header.Codec == format.CodecCMBZ2 {
			in += int(e.Header.Size)
			out += int(e.Stored)
		}
	}
	if out == 0 || out > in*9/10 {
		t.Errorf("cm-bz2 entries: %d bytes stored for %d bytes of .bz2", out, in)
	}
}

// Every gzip fixture comes back exactly through cm-gzip and pays; a .gz
// that deflatere cannot rebuild (a damaged CRC-32: ErrDeclined at coding
// time) and a truncated one come back exactly too, coded with zstd.
func TestGzipEntries(t *testing.T) {
	files := GzFixtures(t)
	bad := bytes.Clone(files["changelog-9n.gz"])
	bad[len(bad)-6] ^= 0x40
	files["damaged.gz"] = bad
	files["truncated.gz"] = files["go-5.gz"][:700]
	_, idx := roundTripIn(t, t.TempDir(), files, 2)
	var in, out int
	for _, e := range idx {
		name := filepath.Base(e.Header.Path)
		if e.Header.Type != format.TypeRegular {
			continue
		}
		if e.Header.Codec != format.CodecCMGzip {
			t.Errorf("%s: codec %s, want cm-gzip", name, archive.CodecName(e.Header.Codec))
		}
		switch name {
		case "damaged.gz", "truncated.gz":
			if e.Stored < e.Header.Size*9/10 {
				t.Errorf("%s: %d bytes stored for %d: not zstd", name, e.Stored, e.Header.Size)
			}
		default:
			in += int(e.Header.Size)
			out += int(e.Stored)
		}
	}
	if out == 0 || out > in*8/10 {
		t.Errorf("cm-gzip entries: %d bytes stored for %d bytes of .gz", out, in)
	}
}

// Each preset routes text to its codec: --fast to cm-text with the lite
// model's version 3, the default to model-text version 2 (cm-text's
// model with the network as one more mixer input) up to its size limit
// and to cm-text above it, --best to model-text version 2, never much
// larger than cm-text; the lite model is never smaller than the
// default's but not far from it. Everything comes back exactly.
func TestPresetsRouteText(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "writer.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"code.txt": src,
		"rep.txt":  []byte(strings.Repeat("line one\r\nline two, a little longer\r\n", 80)),
		"abc.txt":  []byte(strings.Repeat("abcdefghij", 20000)),
	}
	lite := bitcm.Lite3Fingerprint
	// The default codes abc.txt (200,000 bytes) with cm-text, the others
	// through the network.
	const netMax = 100_000
	defer SetNetTextMax(netMax)()
	sizes := map[archive.Preset]map[string]int64{}
	for _, preset := range []archive.Preset{archive.PresetFast, archive.PresetDefault, archive.PresetBest} {
		_, idx := roundTripOpts(t, dir, files, archive.WriterOptions{Preset: preset, NoSolid: true})
		sizes[preset] = map[string]int64{}
		for _, e := range idx {
			name := filepath.Base(e.Header.Path)
			if _, ok := files[name]; !ok {
				continue
			}
			sizes[preset][name] = e.Stored
			want := format.CodecCMText
			if preset == archive.PresetBest || preset == archive.PresetDefault && int64(len(files[name])) <= netMax {
				want = format.CodecModelText
			}
			if e.Header.Codec != want {
				t.Errorf("%v %s: codec %s, want %s", preset, name, archive.CodecName(e.Header.Codec), archive.CodecName(want))
			}
			if isLite := bytes.Equal(e.Header.Params[1:], lite[:]); isLite != (preset == archive.PresetFast) {
				t.Errorf("%v %s: params %x (lite model %x)", preset, name, e.Header.Params, lite[:])
			}
		}
	}
	for name := range files {
		fast, cm, net := sizes[archive.PresetFast][name], sizes[archive.PresetDefault][name], sizes[archive.PresetBest][name]
		t.Logf("%s: lite %d bytes, cm-text %d bytes, model-text %d bytes", name, fast, cm, net)
		if net > cm+cm/20+16 {
			t.Errorf("%s: model-text %d bytes, cm-text %d", name, net, cm)
		}
		if fast < cm || fast > cm*2+64 {
			t.Errorf("%s: lite model %d bytes, cm-text %d", name, fast, cm)
		}
	}
}

// TestBestImages: with --best, images go through the pixel
// context-mixing stage (model-image and model-png with the CM
// fingerprint), an image of 256 Ki samples or more in two blocks cut at
// a row (both cores); everything round-trips.
func TestBestImages(t *testing.T) {
	const w, h = 512, 512
	px := SmoothImage(w, h, 1, 5)
	files := map[string][]byte{
		"big.pgm":   append(fmt.Appendf(nil, "P5\n%d %d\n255\n", w, h), px...),
		"small.ppm": PPMFile(40, 24, SmoothImage(40, 24, 3, 42)),
		"pic.png":   PNGOf(t, 64, 48, 3, SmoothImage(64, 48, 3, 9), png.BestCompression),
	}
	dir := filepath.Join(t.TempDir(), "in")
	for name, data := range files {
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := archive.Create(&buf, []string{dir}, archive.CreateOptions{WriterOptions: archive.WriterOptions{Preset: archive.PresetBest}}); err != nil {
		t.Fatal(err)
	}
	idx, err := archive.ReadIndex(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range idx {
		name := filepath.Base(e.Header.Path)
		if files[name] == nil {
			continue
		}
		if !bytes.Equal(e.Header.Params[1:9], m.CMFingerprint[:]) {
			t.Errorf("%s: params %x, want the CM fingerprint %x", name, e.Header.Params[:9], m.CMFingerprint)
		}
		blocks := (e.Header.Size + int64(e.Header.BlockSize) - 1) / int64(e.Header.BlockSize)
		if want := map[string]int64{"big.pgm": 1, "small.ppm": 1, "pic.png": 1}[name]; blocks != want {
			t.Errorf("%s: %d blocks, want %d", name, blocks, want)
		}
	}
	out := t.TempDir()
	if err := archive.Extract(&buf, out, archive.ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(out, archive.EntryName(dir), name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: round trip differs (%v)", name, err)
		}
	}
}
