package domain

import (
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/dcar-archiver/dcar/model"
)

var (
	coverTrain = flag.String("cover-train", "", "TestMeasurePrimerCover: training PNGs (glob)")
	coverTest  = flag.String("cover-test", "", "TestMeasurePrimerCover: test PNGs (glob)")
	coverWarmN = flag.Int("cover-warm", 80, "TestMeasurePrimerCover: flat training images (shuffled) the warm start and the seeded primer are made of")
	coverNTest = flag.Int("cover-ntest", 40, "TestMeasurePrimerCover: flat test images (shuffled)")
)

// flatSamples reads the flat PNGs of glob in an order shuffled by seed,
// at most n (0: all).
func flatSamples(t *testing.T, glob string, n int, seed uint64) []model.StageImage {
	names, _ := filepath.Glob(glob)
	sort.Strings(names)
	rand.New(rand.NewPCG(seed, 0)).Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	var flat []Sample
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if isFlatPNG(b) {
			flat = append(flat, Sample{name, b})
		}
		if len(flat) == n {
			break
		}
	}
	out, _ := stageImages(flat, math.MaxInt64)
	return out
}

// TestMeasurePrimerCover compares the stage's primer made of the warm
// start's images (dcar train's first) with one chosen by coverage from
// all flat training images, of as many sub-pixels, on held-back images.
func TestMeasurePrimerCover(t *testing.T) {
	if *coverTrain == "" || *coverTest == "" {
		t.Skip("-cover-train GLOB -cover-test GLOB")
	}
	def, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	pool := flatSamples(t, *coverTrain, 0, 7)
	warmImgs := pool[:min(*coverWarmN, len(pool))]
	test := flatSamples(t, *coverTest, *coverNTest, 7)
	var budget int64
	for _, im := range warmImgs {
		budget += int64(len(im.Pix))
	}
	warm, err := def.Net.TrainStageWarm(warmImgs, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	seeded, err := model.NewStagePrimer(warmImgs, primerBits)
	if err != nil {
		t.Fatal(err)
	}
	chosen := coverImages(pool, budget)
	covered, err := model.NewStagePrimer(chosen, primerBits)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pool %d flat images; primers of %d sub-pixels: seeded %d images %d bytes, cover %d images (%d sub-pixels) %d bytes",
		len(pool), budget, seeded.Images(), seeded.Size(), covered.Images(), covered.Samples(), covered.Size())
	nets := []model.CMNet{{Net: def.Net}, {Net: def.Net, Warm: warm}, {Net: def.Net, Warm: warm, Primer: seeded}, {Net: def.Net, Warm: warm, Primer: covered}}
	sizes := make([][]int, len(nets))
	for k := range sizes {
		sizes[k] = make([]int, len(test))
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, im := range test {
		for k, c := range nets {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				out, err := c.EncodeStripe(nil, im.Pix, im.W, im.Rows, im.Ch)
				if err != nil {
					t.Error(err)
				}
				sizes[k][i] = len(out)
			})
		}
	}
	wg.Wait()
	tot := make([]int, len(nets))
	for k := range nets {
		for _, s := range sizes[k] {
			tot[k] += s
		}
	}
	t.Logf("%d test images: cold %d, warm %d, seeded primer %d (%+.2f %% against warm), cover primer %d (%+.2f %%)", len(test), tot[0], tot[1],
		tot[2], 100*float64(tot[2]-tot[1])/float64(tot[1]), tot[3], 100*float64(tot[3]-tot[1])/float64(tot[1]))
}
