package model

import (
	"bytes"
	"flag"
	"image"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/klauspost/compress/zstd"
)

var (
	warmTrain     = flag.String("warm-train", "", "TestMeasureStageWarm: training PNGs (glob)")
	warmTest      = flag.String("warm-test", "", "TestMeasureStageWarm: test PNGs (glob)")
	warmN         = flag.Int("warm-n", 40, "TestMeasureStageWarm: at most this many of each")
	warmNTest     = flag.Int("warm-ntest", 20, "TestMeasureStageWarm: at most this many test images")
	warmFlat      = flag.Float64("warm-flat", 3, "TestMeasureStageWarm: test PNGs of at least this many pixel bytes per file byte")
	warmTrainFlat = flag.Float64("warm-train-flat", 3, "TestMeasureStageWarm: training PNGs of at least this many pixel bytes per file byte")
	warmShuffle   = flag.Int("warm-shuffle", 0, "TestMeasureStageWarm: take the images in an order shuffled by this seed (0: name order)")
	warmPrimeN    = flag.Int("warm-prime-n", 0, "TestMeasureStageWarm: prime on the first this many training images only (0: all)")
	warmPrime     = flag.Int("warm-prime", 0, "TestMeasureStageWarm: also code the test images from a stage primer of this many table bits made of the training images (with the warm start)")
)

type pngSample struct {
	pix       []byte
	w, h, ch  int
	name      string
	fileBytes int
}

// flatPNGs reads the PNGs of glob whose pixels (RGB, RGBA, grey) are at
// least flat times their file, at most n of them.
func flatPNGs(t *testing.T, glob string, n int, flat float64) []pngSample {
	names, _ := filepath.Glob(glob)
	sort.Strings(names)
	if *warmShuffle != 0 {
		r := rand.New(rand.NewPCG(uint64(*warmShuffle), 0))
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	}
	var out []pngSample
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			continue
		}
		r := img.Bounds()
		rgba := image.NewNRGBA(r)
		draw.Draw(rgba, r, img, r.Min, draw.Src)
		opaque, grey := true, true
		for i := 0; i < len(rgba.Pix); i += 4 {
			p := rgba.Pix[i : i+4]
			opaque = opaque && p[3] == 255
			grey = grey && p[0] == p[1] && p[1] == p[2]
		}
		ch := 4
		switch {
		case opaque && grey:
			ch = 1
		case opaque:
			ch = 3
		}
		pix := make([]byte, 0, r.Dx()*r.Dy()*ch)
		for i := 0; i < len(rgba.Pix); i += 4 {
			pix = append(pix, rgba.Pix[i:i+ch]...)
		}
		if float64(len(pix)) < flat*float64(len(b)) || len(pix) < 4096 {
			continue
		}
		out = append(out, pngSample{pix, r.Dx(), r.Dy(), ch, filepath.Base(name), len(b)})
		if len(out) == n {
			break
		}
	}
	return out
}

// TestMeasureStageWarm measures the context-mixing stage started cold
// and from a warm start learned on training PNGs.
func TestMeasureStageWarm(t *testing.T) {
	if *warmTrain == "" || *warmTest == "" {
		t.Skip("-warm-train GLOB -warm-test GLOB")
	}
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tr := flatPNGs(t, *warmTrain, *warmN, *warmTrainFlat)
	te := flatPNGs(t, *warmTest, *warmNTest, *warmFlat)
	var imgs []StageImage
	trained := 0
	for _, im := range tr {
		imgs = append(imgs, StageImage{im.pix, im.w, im.h, im.ch})
		trained += len(im.pix)
	}
	warm, err := m.Net.TrainStageWarm(imgs, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained on %d images, %d samples", len(tr), trained)
	wb, err := warm.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if w2, err := bitcm.ParseSymbolWarm(wb); err != nil {
		t.Fatal(err)
	} else if b2, _ := w2.MarshalBinary(); !bytes.Equal(b2, wb) {
		t.Fatal("warm start: parse(marshal) differs")
	}
	zw, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	t.Logf("warm start: %d bytes stored, %d with zstd", len(wb), len(zw.EncodeAll(wb, nil)))
	var primer *StagePrimer
	if *warmPrime > 0 {
		pimgs := imgs
		if *warmPrimeN > 0 && *warmPrimeN < len(pimgs) {
			pimgs = pimgs[:*warmPrimeN]
		}
		start := time.Now()
		if primer, err = NewStagePrimer(pimgs, *warmPrime); err != nil {
			t.Fatal(err)
		}
		t.Logf("primer: %d images, %d samples, %d bytes stored, %v", primer.Images(), primer.Samples(), primer.Size(), time.Since(start))
	}
	cold, hot, prim := make([]int, len(te)), make([]int, len(te)), make([]int, len(te))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, im := range te {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a, err := CMNet{Net: m.Net}.EncodeStripe(nil, im.pix, im.w, im.h, im.ch)
			if err != nil {
				t.Error(err)
				return
			}
			b, err := CMNet{Net: m.Net, Warm: warm}.EncodeStripe(nil, im.pix, im.w, im.h, im.ch)
			if err != nil {
				t.Error(err)
				return
			}
			cold[i], hot[i] = len(a), len(b)
			if primer != nil {
				c, err := CMNet{Net: m.Net, Warm: warm, Primer: primer}.EncodeStripe(nil, im.pix, im.w, im.h, im.ch)
				if err != nil {
					t.Error(err)
					return
				}
				prim[i] = len(c)
			}
		}()
	}
	wg.Wait()
	var sc, sh, sp, sf int
	for i, im := range te {
		sc, sh, sp, sf = sc+cold[i], sh+hot[i], sp+prim[i], sf+im.fileBytes
		t.Logf("%-40s %8d px bytes %7d file %7d cold %7d warm %+6.2f %% %7d primed %+6.2f %%", im.name, len(im.pix), im.fileBytes, cold[i], hot[i], 100*float64(hot[i]-cold[i])/float64(cold[i]), prim[i], 100*float64(prim[i]-cold[i])/float64(cold[i]))
	}
	t.Logf("%d test images, %d file bytes: cold %d, warm %d (%+.2f %%), primed %d (%+.2f %%)", len(te), sf, sc, sh, 100*float64(sh-sc)/float64(sc), sp, 100*float64(sp-sc)/float64(sc))
}
