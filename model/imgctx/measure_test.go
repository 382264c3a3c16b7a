package imgctx

import (
	"flag"
	"fmt"
	"github.com/dcar-archiver/dcar/format/pixels"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	measure    = flag.Bool("measure", false, "run TestMeasure (bits per sub-pixel on real images)")
	measureSet = flag.String("mset", "train", "train or kodak")
	measureCfg = flag.String("mcfg", "main", "comma-separated experiment groups: main, single, stripes, ablate")
	measureN   = flag.Int("mn", 8, "number of images")
	measureCW  = flag.Int("mcw", 512, "crop width (0 = whole image)")
	measureCH  = flag.Int("mch", 384, "crop height (0 = whole image)")
	measureJ   = flag.Int("mj", 1, "parallel workers")
)

func loadRGB(path string, cw, chh int) ([]byte, int, int, error) {
	return pixels.LoadPNGRGB(path, cw, chh)
}

type testImage struct {
	name string
	pix  []byte
	w, h int
}

func measureImages(t *testing.T) []testImage {
	var files []string
	if *measureSet == "kodak" {
		files, _ = filepath.Glob("/work/shared/data/kodak/*.png")
	} else {
		all, _ := filepath.Glob("/work/shared/data/train-images/wikipedia-photos/*.png")
		sort.Strings(all)
		// Hold-out: every 4th image, starting at the third.
		for i := 2; i < len(all); i += 4 {
			files = append(files, all[i])
		}
	}
	sort.Strings(files)
	if len(files) > *measureN {
		files = files[:*measureN]
	}
	var imgs []testImage
	for _, f := range files {
		p, w, h, err := loadRGB(f, *measureCW, *measureCH)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, testImage{filepath.Base(f), p, w, h})
	}
	return imgs
}

type experiment struct {
	name   string
	cfg    Config
	stripe int // rows per stripe; 0 = whole image; <0: -n stripes
}

// codeImage codes img in stripes and checks the round trip of the first
// stripe; it returns the coded bytes.
func codeImage(t *testing.T, img testImage, ex experiment, verify bool) int {
	rows := img.h
	switch {
	case ex.stripe > 0:
		rows = ex.stripe
	case ex.stripe < 0:
		rows = (img.h + (-ex.stripe) - 1) / (-ex.stripe)
	}
	total := 0
	for y0 := 0; y0 < img.h; y0 += rows {
		r := min(rows, img.h-y0)
		src := img.pix[y0*img.w*3 : (y0+r)*img.w*3]
		enc, err := EncodeStripeConfig(nil, src, img.w, r, 3, ex.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if verify && y0 == 0 {
			dec, err := DecodeStripeConfig(enc, img.w, r, 3, ex.cfg)
			if err != nil || string(dec) != string(src) {
				t.Fatalf("%s %s: round trip failed: %v", img.name, ex.name, err)
			}
		}
		total += len(enc)
	}
	return total
}

func TestMeasure(t *testing.T) {
	if !*measure {
		t.Skip("use -measure")
	}
	imgs := measureImages(t)
	var samples int
	for _, im := range imgs {
		samples += len(im.pix)
	}
	t.Logf("%s: %d images, %d samples", *measureSet, len(imgs), samples)
	d := DefaultConfig
	var exps []experiment
	for _, g := range strings.Split(*measureCfg, ",") {
		switch g {
		case "main":
			exps = append(exps, experiment{"mixture (default), whole image", d, 0})
			exps = append(exps, experiment{"mixture (default), 4 stripes", d, -4})
		case "single":
			for k := 0; k < NumPred; k++ {
				c := d
				c.Single = k + 1
				exps = append(exps, experiment{"single " + PredNames[k], c, 0})
			}
		case "ablate":
			c := d
			c.NoLS = true
			exps = append(exps, experiment{"mixture, no LS", c, 0})
			c = d
			c.NoShape = true
			exps = append(exps, experiment{"mixture, fixed Laplace shape", c, 0})
			c = d
			c.NoBias = true
			exps = append(exps, experiment{"mixture, no bias correction", c, 0})
			c = d
			c.LSEvery = 1
			exps = append(exps, experiment{"mixture, LS solved every pixel", c, 0})
		case "exp":
			exps = append(exps, experiment{"LS x8", d, 1003})
			exps = append(exps, experiment{"LS x16", d, 1004})
		case "tune":
			for _, dec := range []uint{8, 10} {
				c := d
				c.LSDecay = dec
				exps = append(exps, experiment{fmt.Sprintf("LSDecay %d", dec), c, 0})
			}
			for _, reg := range []int64{1 << 8, 1 << 16} {
				c := d
				c.LSReg = reg
				exps = append(exps, experiment{fmt.Sprintf("LSReg %d", reg), c, 0})
			}
			for _, lim := range []uint32{1 << 22, 1 << 24} {
				c := d
				c.ShapeLim = lim
				exps = append(exps, experiment{fmt.Sprintf("ShapeLim %d", lim), c, 0})
			}
		case "stripes":
			exps = append(exps, experiment{"mixture, 16-row stripes", d, 16})
		default:
			t.Fatalf("unknown group %q", g)
		}
	}
	for _, ex := range exps {
		lsBoost = 3
		if ex.stripe >= 1000 {
			lsBoost = uint(ex.stripe - 1000)
			ex.stripe = 0
		}
		start := time.Now()
		var mu sync.Mutex
		total := 0
		per := make([]string, len(imgs))
		jobs := make(chan int)
		var wg sync.WaitGroup
		for j := 0; j < *measureJ; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					n := codeImage(t, imgs[i], ex, i == 0)
					mu.Lock()
					total += n
					per[i] = fmt.Sprintf("%.3f", float64(n*8)/float64(len(imgs[i].pix)))
					mu.Unlock()
				}
			}()
		}
		for i := range imgs {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		el := time.Since(start).Seconds() * float64(*measureJ)
		t.Logf("%-34s %.4f bpsp  %.2f MB/s/core  [%s]", ex.name, float64(total*8)/float64(samples),
			float64(samples)/el/1e6, strings.Join(per, " "))
	}
}

func BenchmarkEncode(b *testing.B) {
	src := synth("smooth", 256, 64, 3, 1)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{{"default", DefaultConfig}, {"noLS", Config{NoLS: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				EncodeStripeConfig(nil, src, 256, 64, 3, tc.cfg)
			}
		})
	}
}
