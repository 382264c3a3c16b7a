package archive

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

func tinyDomain(t *testing.T) *domain.Model {
	t.Helper()
	m, err := domain.Load("../model/domain/testdata/tiny.dcm")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// domainArchive writes two text files (one in a solid group, one large
// enough to be coded alone) and an image-less binary with opts.
func domainArchive(t *testing.T, opts WriterOptions) ([]byte, map[string]string) {
	t.Helper()
	files := map[string]string{
		"a.go":  strings.Repeat("func (m *Model) Bytes() []byte { return m.raw }\n", 40),
		"b.go":  strings.Repeat("package main\n\nfunc main() { println(\"hello, domain\") }\n", 30),
		"c.txt": strings.Repeat("a larger text file coded on its own, not in a group. ", 3000),
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, opts)
	for _, name := range []string{"a.go", "b.go", "c.txt"} {
		h := &Header{Path: name, Type: TypeRegular, Mode: 0o644, Size: int64(len(files[name]))}
		if err := w.WriteEntry(h, strings.NewReader(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), files
}

func readAll(t *testing.T, a []byte, opts ReaderOptions) (map[string]string, *Reader, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(a), opts)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	got := map[string]string{}
	for {
		h, err := r.Next()
		if err == io.EOF {
			return got, r, nil
		}
		if err != nil {
			return nil, r, err
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, r, err
		}
		got[h.Path] = string(b)
	}
}

// An archive coded with a domain model carries it (a model record, from
// format version 4), codes its text with it and decodes with nothing else;
// with DomainRef it carries only the fingerprint and decodes only when
// the Reader is given the model.
func TestDomainModel(t *testing.T) {
	d := tinyDomain(t)
	plain, files := domainArchive(t, WriterOptions{Jobs: 2})
	carried, _ := domainArchive(t, WriterOptions{Jobs: 2, Domain: d})
	ref, _ := domainArchive(t, WriterOptions{Jobs: 2, Domain: d, DomainRef: true})
	if plain[8] != format.VersionDelta || carried[8] != format.VersionDelta || ref[8] != format.VersionDelta {
		t.Fatalf("versions %d, %d, %d", plain[8], carried[8], ref[8])
	}
	if len(carried) < len(ref)+len(d.Bytes())-8 { // the file instead of its fingerprint
		t.Errorf("the carried archive (%d bytes) is smaller than the referring one (%d) plus the model (%d)", len(carried), len(ref), len(d.Bytes()))
	}
	for _, a := range []struct {
		name string
		b    []byte
		opts ReaderOptions
	}{{"carried", carried, ReaderOptions{}}, {"referenced", ref, ReaderOptions{Models: []*domain.Model{d}}}} {
		got, r, err := readAll(t, a.b, a.opts)
		if err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
		for k, v := range files {
			if got[k] != v {
				t.Errorf("%s: %s differs", a.name, k)
			}
		}
		if r.Domain() == nil || r.Domain().Fingerprint != d.Fingerprint {
			t.Errorf("%s: Domain() = %v", a.name, r.Domain())
		}
		fp, isCarried, ok, err := ModelRecord(bytes.NewReader(a.b))
		if err != nil || !ok || fp != d.Fingerprint || isCarried != (a.name == "carried") {
			t.Errorf("%s: ModelRecord %x %v %v %v", a.name, fp, isCarried, ok, err)
		}
		idx, err := ReadIndex(bytes.NewReader(a.b), int64(len(a.b)))
		if err != nil {
			t.Fatal(err)
		}
		coded := 0
		for _, e := range idx {
			if codec.DomainCoded(e.Header.Codec, e.Header.Params) {
				coded++
			}
		}
		if coded != 2 { // the group and c.txt
			t.Errorf("%s: %d entries coded with the domain model, want 2", a.name, coded)
		}
	}
	if _, _, ok, err := ModelRecord(bytes.NewReader(plain)); ok || err != nil {
		t.Errorf("plain archive: model record %v %v", ok, err)
	}
	// The referring archive without its model, or with another: a clear
	// error naming the fingerprint.
	other := *d
	other.Fingerprint[0] ^= 1
	for _, models := range [][]*domain.Model{nil, {&other}} {
		_, _, err := readAll(t, ref, ReaderOptions{Models: models})
		if !errors.Is(err, ErrModelMissing) || !strings.Contains(err.Error(), strings.TrimSpace(string(hexOf(d.Fingerprint[:])))) {
			t.Errorf("models %v: %v", models, err)
		}
		if _, err := VerifyModels(bytes.NewReader(ref), 1, nil, models); !errors.Is(err, ErrModelMissing) {
			t.Errorf("verify, models %v: %v", models, err)
		}
	}
	if rep, err := VerifyModels(bytes.NewReader(ref), 1, nil, []*domain.Model{d}); err != nil || len(rep.Damaged) != 0 {
		t.Errorf("verify with the model: %v %v", rep, err)
	}
	// A damaged carried model is damage, named at the record.
	bad := bytes.Clone(carried)
	bad[format.FileHeaderSize+200] ^= 1
	if _, _, err := readAll(t, bad, ReaderOptions{}); err == nil {
		t.Error("damaged model record read")
	}
}

func hexOf(b []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return out
}

// goldenDomainFiles are the files of testdata/golden-v1-domain.dcar: a
// noisy PPM and PNG (the domain's image network codes them) and a Go
// file (the domain's text model, its primer).
func goldenDomainFiles(t testing.TB) map[string][]byte {
	t.Helper()
	const w, h = 48, 32
	pix := make([]byte, w*h*3)
	x := uint32(5)
	for i := range pix {
		x = x*1664525 + 1013904223
		p := i / 3
		pix[i] = byte(p%w*4 + p/w*3 + i%3*50 + int(x>>28))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for p := range w * h {
		copy(img.Pix[4*p:], pix[3*p:3*p+3])
		img.Pix[4*p+3] = 255
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"sky.ppm": append([]byte(fmt.Sprintf("P6\n%d %d\n255\n", w, h)), pix...),
		"sky.png": b.Bytes(),
		"m.go":    []byte(strings.Repeat("func (m *Model) Image() *model.Model { return m.image }\n", 20)),
	}
}

// TestGoldenDomain decodes testdata/golden-v1-domain.dcar and
// golden-v2-domain.dcar, written with the domain models
// model/domain/testdata/tiny6-image.dcm (a version 6 file: its primer for
// the version 7 text model) and tiny7-image.dcm (version 7: the version 8
// text model), each an image network and a text primer, carried: they
// must decode forever, with nothing but the archive, on every machine.
//
// golden-v3-domain.dcar, written with tiny8-stage.dcm (version 8: an
// image network and the warm start of its context-mixing stage), also
// has a flat PNG, which the stage codes from the warm start;
// golden-v4-domain.dcar, written with tiny9-primer.dcm (version 9: the
// stage's primer too), has it coded from the primed stage, and a palette
// PNG, whose indices the stage codes cold (model.CMNet.Palette).
func TestGoldenDomain(t *testing.T) {
	for _, g := range []struct {
		golden, model string
		flat, palette bool
	}{
		{"golden-v1-domain.dcar", "tiny6-image.dcm", false, false},
		{"golden-v2-domain.dcar", "tiny7-image.dcm", false, false},
		{"golden-v3-domain.dcar", "tiny8-stage.dcm", true, false},
		{"golden-v4-domain.dcar", "tiny9-primer.dcm", true, true},
	} {
		t.Run(g.golden, func(t *testing.T) { testGoldenDomain(t, g.golden, g.model, g.flat, g.palette) })
	}
}

// flatGoldenPNG is a small screenshot-like PNG: flat panels, frames and
// rows of marks.
func flatGoldenPNG(t testing.TB) []byte {
	t.Helper()
	const w, h = 72, 48
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := [4]byte{236, 236, 232, 255}
			switch {
			case x%36 == 0 || y%16 == 0:
				c = [4]byte{120, 120, 130, 255}
			case y%16 > 4 && y%16 < 10 && (x*7+y*3)%11 < 4:
				c = [4]byte{20, 20, 50, 255}
			}
			copy(img.Pix[(y*w+x)*4:], c[:])
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// paletteGoldenPNG is a small palette PNG: panels, frames and marks in
// four colours, marks at random.
func paletteGoldenPNG(t testing.TB) []byte {
	t.Helper()
	const w, h = 96, 64
	pal := color.Palette{color.RGBA{236, 236, 232, 255}, color.RGBA{120, 120, 130, 255}, color.RGBA{20, 20, 50, 255}, color.RGBA{200, 30, 30, 255}}
	img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	r := uint32(7)
	for y := range h {
		for x := range w {
			r = r*1664525 + 1013904223
			switch {
			case x%32 == 0 || y%16 == 0:
				img.Pix[y*w+x] = 1
			case y%16 > 3 && y%16 < 11 && r>>29 < 3:
				img.Pix[y*w+x] = 2 + byte(x/32%2)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testGoldenDomain(t *testing.T, golden, modelFile string, flat, palette bool) {
	path := filepath.Join("..", "testdata", golden)
	files := goldenDomainFiles(t)
	names := []string{"m.go", "sky.png", "sky.ppm"}
	if flat {
		files["flat.png"] = flatGoldenPNG(t)
		names = append(names, "flat.png")
	}
	if palette {
		files["palette.png"] = paletteGoldenPNG(t)
		names = append(names, "palette.png")
	}
	if *update {
		if _, err := os.Stat(path); err == nil {
			t.Logf("%s exists: not rewritten (goldens are forever)", path)
		} else {
			d, err := domain.Load("../model/domain/testdata/" + modelFile)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			w := NewWriter(&buf, WriterOptions{Jobs: 1, Domain: d})
			for _, name := range names {
				hd := &Header{Path: name, Type: TypeRegular, Mode: 0o644, ModTime: time.Unix(1_765_000_000, 0), Size: int64(len(files[name]))}
				if err := w.WriteEntry(hd, bytes.NewReader(files[name])); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	arc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, r, err := readAll(t, arc, ReaderOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		if got[name] != string(want) {
			t.Errorf("%s differs", name)
		}
	}
	if r.Domain() == nil || r.Domain().Image() == nil {
		t.Fatal("the archive's domain model has no image network")
	}
	idx, err := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	coded := map[string]bool{}
	for _, e := range idx {
		if codec.DomainCoded(e.Header.Codec, e.Header.Params) {
			coded[format.CodecName(e.Header.Codec)] = true
		}
	}
	if !coded["model-image"] || !coded["model-png"] || !coded["cm-text"] {
		t.Errorf("codecs coded with the domain model: %v", coded)
	}
	if !flat {
		return
	}
	stage := false
	for _, e := range idx {
		if e.Header.Path == "flat.png" && len(e.Header.Params) >= 9 {
			stage = [8]byte(e.Header.Params[1:9]) == r.Domain().Image().CMFingerprint
		}
	}
	if r.Domain().Image().StageWarm == nil || !stage {
		t.Error("flat.png is not coded by the domain's stage with its warm start")
	}
	if strings.Contains(modelFile, "primer") && r.Domain().Image().StagePrimer == nil {
		t.Error("the domain's stage has no primer")
	}
}

// dcar train's validation cuts text as the Writer does: its limits are
// the Writer's.
func TestDomainSegmentsAsWriter(t *testing.T) {
	if domain.ValSolidMax != solidMaxFile || domain.ValSegment != solidGroupSize || domain.ValSegment != codec.DefaultBlockSize {
		t.Errorf("domain.Segments cuts at %d and %d, the Writer at %d and %d (blocks %d)",
			domain.ValSolidMax, domain.ValSegment, solidMaxFile, solidGroupSize, codec.DefaultBlockSize)
	}
}
