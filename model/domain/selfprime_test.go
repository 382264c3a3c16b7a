package domain

import (
	"testing"
)

// TestSelfPrimer: a self primer is made of the flat PNGs among the files
// (the other files ignored) once they have least sub-pixels, carries the
// stage primer over the default network, is the same for the same files,
// and codes a flat image of the files in fewer bytes than the stage
// alone.
func TestSelfPrimer(t *testing.T) {
	var files []Sample
	for k := range 6 {
		files = append(files, Sample{"shot.png", flatPNG(t, 120+8*k, 90, k)})
	}
	files = append(files, Sample{"notes.txt", []byte("not an image")})
	total := flatSubpixels(files)
	if m, err := SelfPrimer(files, total+1); m != nil || err != nil {
		t.Fatalf("below least: %v, %v", m, err)
	}
	m, err := SelfPrimer(files, total)
	if err != nil || m == nil {
		t.Fatalf("SelfPrimer: %v, %v", m, err)
	}
	img := m.Image()
	if img == nil || img.StagePrimer == nil || img.StageWarm != nil || m.Info != SelfPrimerInfo {
		t.Fatalf("self primer: image %v, info %q", img, m.Info)
	}
	if n := img.StagePrimer.Samples(); n > total/selfPrimerShare+int64(3*200*90) {
		t.Errorf("primer of %d sub-pixels, %d flat", n, total)
	}
	again, err := SelfPrimer(files, total)
	if err != nil || again.Fingerprint != m.Fingerprint {
		t.Fatalf("a second self primer of the same files: %v, fingerprint %x, want %x", err, again.Fingerprint, m.Fingerprint)
	}
	ims, _ := stageImages(files[5:6], MaxSelfPool)
	im := ims[0]
	primed, err := img.CM().EncodeStripe(nil, im.Pix, im.W, im.Rows, im.Ch)
	if err != nil {
		t.Fatal(err)
	}
	cold := img.CM()
	cold.Primer = nil
	alone, err := cold.EncodeStripe(nil, im.Pix, im.W, im.Rows, im.Ch)
	if err != nil {
		t.Fatal(err)
	}
	if len(primed) >= len(alone) {
		t.Errorf("over the self primer %d bytes, cold %d", len(primed), len(alone))
	}
	t.Logf("primer %d images %d bytes; an image %d bytes over it, %d cold", img.StagePrimer.Images(), img.StagePrimer.Size(), len(primed), len(alone))
}
