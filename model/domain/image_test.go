package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/train"
)

// testImage is a w×h image of ch channels with gradients and noise.
func testImage(w, h, ch int) []byte {
	b := make([]byte, w*h*ch)
	s := uint32(7)
	for i := range b {
		s = s*1103515245 + 12345
		p := i / ch
		b[i] = byte(p%w*3 + p/w*5 + int(s>>28) + 40*(i%ch))
	}
	return b
}

// smallImageNet is the weight file of a small untrained image network
// (hidden size 16, with the time-mix), quantised on testImage's rows.
func smallImageNet(t testing.TB) []byte {
	t.Helper()
	n := train.NewNet(train.Config{H: 16, Rec: true}, 3)
	s, err := train.Extract(testImage(32, 16, 3), 32, 16, 3, func(int) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	var b train.Batch
	for _, c := range train.Chunks(s, 32) {
		b.Gather(s, c[0], c[1])
	}
	q, err := train.Quantize(n, &b, 32, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return wf
}

// A model of an image network alone: it parses back to that network
// (same fingerprint as the weight file read directly), replaces no text
// model, and codes pixels both ways.
func TestImageNet(t *testing.T) {
	wf := smallImageNet(t)
	b, err := Encode(tinyBase, "image", Parts{Image: wf})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := model.Decode("x", wf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Image() == nil || m.Image().Fingerprint != direct.Fingerprint || m.Image().SplitFingerprint != direct.SplitFingerprint {
		t.Fatal("the image network did not come back")
	}
	if _, ok := m.TextConfig(); ok || m.TextFingerprint() != ([8]byte{}) {
		t.Error("an image-only model replaces the text model")
	}
	img := testImage(24, 10, 3)
	enc, err := m.Image().Net.EncodeStripe(nil, img, 24, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := m.Image().Net.DecodeStripe(enc, 24, 10, 3); err != nil || !bytes.Equal(dec, img) {
		t.Fatalf("round trip: %v", err)
	}
}

// An image network part is refused where it does not belong: a unified
// weight file, a version 5 file, a weight file that does not load.
func TestRejectImageNet(t *testing.T) {
	dual, err := os.ReadFile("../weights/" + model.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Encode(tinyBase, "", Parts{Image: dual}); err == nil || !strings.Contains(err.Error(), "unified") {
		t.Errorf("a unified weight file as the image network: %v", err)
	}
	wf := smallImageNet(t)
	if _, err := Encode(tinyBase, "", Parts{Image: wf[:len(wf)-1]}); err == nil {
		t.Error("a truncated weight file was encoded")
	}
	b, err := Encode(tinyBase, "", Parts{Image: wf})
	if err != nil {
		t.Fatal(err)
	}
	v5 := bytes.Clone(b[:len(b)-32])
	binary.LittleEndian.PutUint32(v5[8:], 5)
	sum := sha256.Sum256(v5)
	if _, err := Parse(append(v5, sum[:]...)); !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), "unknown kind 3") {
		t.Errorf("an image network in a version 5 file: %v", err)
	}
}

// pngSample is a w×h RGB (ch 3) or grey (ch 1) PNG of testImage's
// pixels, shifted by k.
func pngSample(t testing.TB, name string, w, h, ch, k int) Sample {
	t.Helper()
	pix := testImage(w, h, ch)
	var img image.Image
	if ch == 1 {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = pix[i] + byte(k)
		}
		img = g
	} else {
		c := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range w * h {
			c.Pix[4*i], c.Pix[4*i+1], c.Pix[4*i+2], c.Pix[4*i+3] = pix[3*i]+byte(k), pix[3*i+1], pix[3*i+2]+byte(2*k), 255
		}
		img = c
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return Sample{Name: name, Data: b.Bytes()}
}

// Images alone: the same images, seed and steps give the same model
// bytes; an interrupted run resumed from its checkpoint (with the early
// stopping's state) gives them too;
// the model holds an image network and no text model, and reports its
// validation.
func TestTrainImagesResumable(t *testing.T) {
	var tr []Sample
	for i := range 11 {
		tr = append(tr, pngSample(t, fmt.Sprintf("i%d.png", i), 64, 24, 3, i))
	}
	tr = append(tr, pngSample(t, "g.png", 96, 16, 1, 3)) // 12 images: one is the check set
	va := []Sample{pngSample(t, "v.png", 64, 24, 3, 9)}
	opts := TrainOptions{Seed: 3, ImageSteps: 4, Jobs: 2}
	a, err := Train(tr, va, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(tr, va, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Model.Bytes(), b.Model.Bytes()) || a.ImageSteps != 4 || a.Images != 12 || a.ImageBestSteps != 4 {
		t.Fatalf("two runs of 4 steps differ (%d steps, %d images)", a.ImageSteps, a.Images)
	}
	if a.Model.Image() == nil || a.Model.TextFingerprint() != ([8]byte{}) || a.ImageVal != 64*24*3 || a.ImageValBits <= 0 || a.ImageValBitsShipped <= 0 {
		t.Fatalf("model: image %v, validation %d sub-pixels, %d / %d bits", a.Model.Image() != nil, a.ImageVal, a.ImageValBits, a.ImageValBitsShipped)
	}
	ck := filepath.Join(t.TempDir(), "m.dcm.ckpt")
	stop := make(chan struct{})
	o := opts
	o.Checkpoint, o.Stop = ck, stop
	o.ImageProgress = func(done, planned int) {
		if done == 2 {
			close(stop)
		}
	}
	if _, err := Train(tr, va, o); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v", err)
	}
	n := 0
	o.Stop, o.ImageProgress = nil, func(done, planned int) { n++ }
	c, err := Train(tr, va, o)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || !bytes.Equal(c.Model.Bytes(), a.Model.Bytes()) {
		t.Fatalf("resumed run: %d steps run, same bytes %v", n, bytes.Equal(c.Model.Bytes(), a.Model.Bytes()))
	}
}

// pixelsOf takes the images the network codes as grey or colour
// samples and nothing else.
func TestPixelsOf(t *testing.T) {
	rgb := pngSample(t, "c.png", 5, 3, 3, 0).Data
	if im, ok := pixelsOf(rgb); !ok || im.w != 5 || im.h != 3 || im.ch != 3 || !bytes.Equal(im.pix, testImage(5, 3, 3)) {
		t.Errorf("RGB PNG: %v %+v", ok, im)
	}
	if im, ok := pixelsOf(pngSample(t, "g.png", 4, 2, 1, 0).Data); !ok || im.ch != 1 || len(im.pix) != 8 {
		t.Errorf("grey PNG: %v %+v", ok, im)
	}
	ppm := append([]byte("P6\n2 1\n255\n"), 1, 2, 3, 4, 5, 6)
	if im, ok := pixelsOf(ppm); !ok || im.ch != 3 || !bytes.Equal(im.pix, []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("PPM: %v %+v", ok, im)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White})
	var b bytes.Buffer
	png.Encode(&b, pal)
	for name, d := range map[string][]byte{"palette PNG": b.Bytes(), "text": []byte("package p\n"), "truncated PNG": rgb[:40]} {
		if _, ok := pixelsOf(d); ok {
			t.Errorf("%s taken as an image", name)
		}
	}
}

// tinyImageModel is testdata/tiny7-image.dcm: smallImageNet and a
// primer of a few lines of Go, the domain model of the golden archive
// testdata/golden-v2-domain.dcar (package archive), which must decode
// forever. Encode and the untrained network are deterministic.
// testdata/tiny6-image.dcm, the same in a version 6 file (its primer
// for the version 7 text model), is golden-v1-domain.dcar's.
func tinyImageModel(t testing.TB) []byte {
	t.Helper()
	b, err := Encode(tinyBase, "tiny image model", Parts{Image: smallImageNet(t), Primer: []byte(strings.Repeat("func (m *Model) Image() *model.Model { return m.image }\n", 3))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTinyImageFixture(t *testing.T) {
	b := tinyImageModel(t)
	want := checkFixture(t, b, "tiny7-image.dcm")
	v6, err := os.ReadFile("testdata/tiny6-image.dcm")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{want, v6} {
		m, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if m.Image() == nil || m.Primer() == nil || m.Info != "tiny image model" {
			t.Fatalf("parsed %+v", m)
		}
	}
}

// Early stopping keeps the best network seen, stops after checkPatience
// checks without a better one, and its state survives a checkpoint.
func TestEarlyStop(t *testing.T) {
	s, err := train.Extract(testImage(64, 24, 3), 64, 24, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := train.NewNet(train.Config{H: 16, Rec: true}, 1)
	e := newEarlyStop(n, s)
	if e.check(n, 10) || e.bestAt != 10 {
		t.Fatal("the first check is the best so far")
	}
	good := slices.Clone(n.P)
	for i := range n.P {
		n.P[i] *= 3 // a worse network
	}
	for k := range checkPatience {
		if stop := e.check(n, 20+k); stop != (k == checkPatience-1) {
			t.Fatalf("check %d: stop %v", k, stop)
		}
	}
	state := e.marshal(nil)
	e2 := newEarlyStop(n, s)
	rest, ok := e2.unmarshal(append(state, 7))
	if !ok || len(rest) != 1 || e2.bestAt != 10 || e2.bad != checkPatience || e2.bestCE != e.bestCE {
		t.Fatalf("state did not come back: %v %+v", ok, e2)
	}
	if !slices.Equal(e2.result(n).P, good) {
		t.Error("the result is not the best network")
	}
	if _, ok := e2.unmarshal(state[:len(state)-1]); ok {
		t.Error("a truncated state was read")
	}
}
