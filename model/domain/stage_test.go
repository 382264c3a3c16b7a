package domain

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

// flatPNG is a w×h screenshot-like PNG: panels of flat colour with
// frames and rows of small glyph-like marks, seeded by k.
func flatPNG(t testing.TB, w, h, k int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{236, 236, 232, 255}
			switch {
			case x%40 == 0 || y%24 == 0:
				c = color.NRGBA{120, 120, 130, 255}
			case (y%24 > 6 && y%24 < 14) && (x*7+y*3+k)%11 < 4:
				c = color.NRGBA{20, 20, byte(20 + 30*k), 255}
			case y > h/2 && x > w/2:
				c = color.NRGBA{60, 110, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tinyStageWarm is the stage warm start of smallImageNet trained on two
// flat images.
func tinyStageWarm(t testing.TB) *bitcm.SymbolWarm {
	t.Helper()
	m, err := model.Decode("small", smallImageNet(t))
	if err != nil {
		t.Fatal(err)
	}
	imgs, _ := stageImages([]Sample{{"a.png", flatPNG(t, 96, 64, 1)}, {"b.png", flatPNG(t, 80, 72, 2)}}, maxStageSamples)
	if len(imgs) != 2 {
		t.Fatalf("%d flat images, want 2", len(imgs))
	}
	w, err := m.Net.TrainStageWarm(imgs, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// tinyStageModel is a version 8 model: an image network, its stage warm
// start and a text primer.
func tinyStageModel(t testing.TB) []byte {
	t.Helper()
	b, err := Encode(tinyBase, "tiny stage model", Parts{Image: smallImageNet(t), Stage: tinyStageWarm(t),
		Primer: []byte(strings.Repeat("func (m *Model) Image() *model.Model { return m.image }\n", 3))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTinyStageFixture checks that training and Encode give the bytes of
// testdata/tiny8-stage.dcm (the warm start's training is deterministic),
// and that the parsed model's stage starts from the warm start under a
// fingerprint of its own.
func TestTinyStageFixture(t *testing.T) {
	b := tinyStageModel(t)
	want := checkFixture(t, b, "tiny8-stage.dcm")
	m, err := Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := model.Decode("small", smallImageNet(t))
	if err != nil {
		t.Fatal(err)
	}
	img := m.Image()
	if m.version != stageVersion || img == nil || img.StageWarm == nil {
		t.Fatalf("version %d, image %v", m.version, img)
	}
	if img.Fingerprint != plain.Fingerprint || img.SplitFingerprint != plain.SplitFingerprint || img.CMFingerprint == plain.CMFingerprint {
		t.Errorf("fingerprints: the network's and the halves' must be the network's, the stage's its own")
	}
	if img.CM().Warm != img.StageWarm {
		t.Error("CM() does not start from the warm start")
	}
}

// tinyStagePrimer is a primer of the stage made of tinyStageWarm's two
// flat images, with small tables.
func tinyStagePrimer(t testing.TB) *model.StagePrimer {
	t.Helper()
	imgs, _ := stageImages([]Sample{{"a.png", flatPNG(t, 96, 64, 1)}, {"b.png", flatPNG(t, 80, 72, 2)}}, maxStageSamples)
	p, err := model.NewStagePrimer(imgs, 12)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTinyPrimerFixture checks that Encode gives the bytes of
// testdata/tiny9-primer.dcm (version 9: an image network, its stage's
// warm start and primer, a text primer), and that the parsed model's
// stage reads the primer under a fingerprint of its own.
func TestTinyPrimerFixture(t *testing.T) {
	b, err := Encode(tinyBase, "tiny stage primer model", Parts{Image: smallImageNet(t), Stage: tinyStageWarm(t), StagePrimer: tinyStagePrimer(t),
		Primer: []byte(strings.Repeat("func (m *Model) Image() *model.Model { return m.image }\n", 3))})
	if err != nil {
		t.Fatal(err)
	}
	want := checkFixture(t, b, "tiny9-primer.dcm")
	m, err := Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Parse(tinyStageModel(t))
	if err != nil {
		t.Fatal(err)
	}
	img := m.Image()
	if m.version != primerVersion || img == nil || img.StageWarm == nil || img.StagePrimer == nil || img.StagePrimer.Images() != 2 {
		t.Fatalf("version %d, image %+v", m.version, img)
	}
	if img.Fingerprint != st.Image().Fingerprint || img.CMFingerprint == st.Image().CMFingerprint {
		t.Error("fingerprints: the network's must be the network's, the primed stage's its own")
	}
	if c := img.CM(); c.Warm != img.StageWarm || c.Primer != img.StagePrimer {
		t.Error("CM() does not start from the warm start and the primer")
	}
	// A primer part in a version 8 file is refused.
	old := bytes.Clone(want)
	old[8] = stageVersion
	if _, err := Parse(old); !errors.Is(err, ErrBadModel) {
		t.Errorf("a primer in a version 8 file: %v", err)
	}
}

// A model of a stage warm start alone runs it over the shipped network
// it is based on; a base this dcar does not ship is refused.
func TestStageOnly(t *testing.T) {
	w := tinyStageWarm(t)
	def, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(def.Fingerprint, "", Parts{Stage: w})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if img := m.Image(); img == nil || img.Net != def.Net || img.StageWarm == nil || img.CMFingerprint == def.CMFingerprint {
		t.Fatalf("stage-only model: image %+v", img)
	}
	if _, ok := m.TextConfig(); ok {
		t.Error("a stage-only model replaces the text model")
	}
	b, err = Encode(tinyBase, "", Parts{Stage: w})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(b); !errors.Is(err, ErrBadModel) {
		t.Fatalf("stage warm start over an unknown base: %v, want ErrBadModel", err)
	}
}

// isFlatPNG takes the PNGs the default codes with the stage.
func TestIsFlatPNG(t *testing.T) {
	if !isFlatPNG(flatPNG(t, 96, 64, 1)) {
		t.Error("a flat PNG is not flat")
	}
	noisy := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	copy(noisy.Pix, testImage(64, 64, 4))
	var b bytes.Buffer
	if err := png.Encode(&b, noisy); err != nil {
		t.Fatal(err)
	}
	if isFlatPNG(b.Bytes()) || isFlatPNG([]byte("P6\n1 1\n255\nabc")) {
		t.Error("a noisy PNG or a PPM is flat")
	}
}

// Train on flat and other images: the stage's warm start is trained on
// the flat ones and kept when it pays on the flat validation image; the
// network, which cannot repay its bytes on so few images, is then not
// kept, and the model runs the warm start over the shipped network. Two
// runs give the same bytes.
func TestTrainStage(t *testing.T) {
	var tr []Sample
	for i := range 4 {
		tr = append(tr, pngSample(t, fmt.Sprintf("i%d.png", i), 64, 24, 3, i))
		tr = append(tr, Sample{fmt.Sprintf("f%d.png", i), flatPNG(t, 96, 64, i)})
	}
	va := []Sample{pngSample(t, "v.png", 64, 24, 3, 9), {"fv.png", flatPNG(t, 88, 60, 5)}}
	opts := TrainOptions{Seed: 3, ImageSteps: 2, Jobs: 2}
	var calls int
	opts.StageProgress = func(done, total int64) { calls++ }
	a, err := Train(tr, va, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(tr, va, TrainOptions{Seed: 3, ImageSteps: 2, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Model.Bytes(), b.Model.Bytes()) {
		t.Fatal("two runs differ")
	}
	t.Logf("stage: %d images, %d sub-pixels; validation %d sub-pixels: cold %d bits, warm %d; network kept %v",
		a.StageImages, a.StageSamples, a.StageVal, a.StageValBitsCold, a.StageValBits, a.ImageNetKept)
	if a.StageImages != 4 || a.StageVal != 88*60*3 || calls != 5 {
		t.Fatalf("stage trained on %d images (want 4), validated on %d sub-pixels, progress called %d times", a.StageImages, a.StageVal, calls)
	}
	if !a.StageKept || a.StageValBits >= a.StageValBitsCold {
		t.Fatalf("the warm start does not pay: %d bits against %d cold", a.StageValBits, a.StageValBitsCold)
	}
	def, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	// The cold size is the validation's flat image coded by the stage
	// over the network kept (the shipped one), as the default codes it.
	fv, ok := pixelsOf(va[1].Data)
	if !ok {
		t.Fatal("fv.png does not decode")
	}
	cold, err := model.CMNet{Net: def.Net}.EncodeStripe(nil, fv.pix, fv.w, fv.h, fv.ch)
	if err != nil {
		t.Fatal(err)
	}
	if a.StageValBitsCold != 8*int64(len(cold)) {
		t.Fatalf("cold validation %d bits, the stage codes fv.png in %d", a.StageValBitsCold, 8*len(cold))
	}
	img := a.Model.Image()
	if a.ImageNetKept || img == nil || img.Net != def.Net || img.StageWarm == nil || img.CMFingerprint == def.CMFingerprint {
		t.Fatalf("network kept %v; model image %+v", a.ImageNetKept, img)
	}
	// The primer of the same four images codes the validation image
	// (like them) smaller still; it is kept when that saving, scaled to
	// the flat samples, exceeds its bytes.
	t.Logf("primer: %d bytes, validation %d bits (kept %v)", a.StagePrimerBytes, a.StageValBitsPrimed, a.StagePrimerKept)
	if a.StagePrimerBytes == 0 || a.StageValBitsPrimed >= a.StageValBits {
		t.Fatalf("primer of %d bytes: validation %d bits against %d from the warm start", a.StagePrimerBytes, a.StageValBitsPrimed, a.StageValBits)
	}
	saved := float64(a.StageValBits-a.StageValBitsPrimed) / 8 / float64(a.StageVal) * float64(4*96*64*3+88*60*3)
	if a.StagePrimerKept != (saved > float64(a.StagePrimerBytes)) || a.StagePrimerKept != (img.StagePrimer != nil) {
		t.Fatalf("primer kept %v (model has one: %v), saving %.0f bytes for %d", a.StagePrimerKept, img.StagePrimer != nil, saved, a.StagePrimerBytes)
	}
}
