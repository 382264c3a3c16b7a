package jpegcm

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format/jpegre"
	"github.com/klauspost/compress/zstd"
)

// roundTrip codes img's coefficients, decodes them into a fresh layout
// and checks they are the same; it returns the coded size.
func roundTrip(t testing.TB, name string, img *jpegre.Image, side []byte) int {
	t.Helper()
	data, err := Encode(nil, img)
	if err != nil {
		t.Fatalf("%s: encode: %v", name, err)
	}
	lay, err := jpegre.Layout(side, img.Blocks())
	if err != nil {
		t.Fatal(err)
	}
	if err := Decode(data, lay); err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	for i := range img.Comps {
		if !slices.Equal(img.Comps[i].Coef, lay.Comps[i].Coef) {
			t.Fatalf("%s: component %d decodes differently", name, i)
		}
	}
	return len(data)
}

func TestRoundTripFixtures(t *testing.T) {
	names, _ := filepath.Glob("../../format/jpegre/testdata/*.jpg")
	n := 0
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, side, err := jpegre.Split(b, 1<<20)
		if err != nil {
			continue
		}
		size := roundTrip(t, name, img, side)
		t.Logf("%s: %d -> %d coefficient bytes + %d side", filepath.Base(name), len(b), size, len(side))
		n++
	}
	if n < 5 {
		t.Fatalf("only %d fixtures split", n)
	}
}

// TestMeasure codes every JPEG under $JPEGCM_DIR and reports the total
// against the files (side data zstd -19).
func TestMeasure(t *testing.T) {
	dir := os.Getenv("JPEGCM_DIR")
	if dir == "" {
		t.Skip("JPEGCM_DIR not set")
	}
	zw, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	measuring = true
	defer func() { measuring = false }()
	costs := map[string]float64{}
	var in, coef, side, skipped int
	var dur time.Duration
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || !(filepath.Ext(path) == ".jpg" || filepath.Ext(path) == ".jpeg") {
			return nil
		}
		b, _ := os.ReadFile(path)
		img, sd, err := jpegre.Split(b, 1<<24)
		if err != nil {
			skipped++
			return nil
		}
		t0 := time.Now()
		c := roundTrip(t, path, img, sd)
		for k, v := range lastCosts {
			costs[k] += v
		}
		dur += time.Since(t0)
		s := len(zw.EncodeAll(sd, nil))
		if testing.Verbose() && os.Getenv("JPEGCM_EACH") != "" {
			t.Logf("%s: %d -> %d + %d (%.2f %%)", path, len(b), c, s, 100*(1-float64(c+s)/float64(len(b))))
		}
		in += len(b)
		coef += c
		side += s
		return nil
	})
	for k, v := range costs {
		t.Logf("%-8s %10.0f bytes", k, v/8)
	}
	t.Logf("%d bytes -> %d coefficients + %d side = %.2f %% smaller; %.2f MB/s encode+decode; %d skipped", in, coef, side, 100*(1-float64(coef+side)/float64(in)), float64(in)/dur.Seconds()/1e6, skipped)
}

func bitCostTest(p int32, y int) float64 {
	if y == 0 {
		p = 65536 - p
	}
	return -math.Log2(float64(p) / 65536)
}

// lastCosts holds the cost per decision family of the last Encode.
var lastCosts map[string]float64

// BenchmarkEncode / BenchmarkDecode: the coefficient model on a 768×512
// photo-like JPEG made by Go's encoder (q90, 4:2:0); MB/s of JPEG bytes.
func benchImage(b *testing.B) (*jpegre.Image, []byte, int) {
	names, _ := filepath.Glob("../../testdata/golden-jpeg/go-q90.jpg")
	if len(names) == 0 {
		b.Skip("no fixture")
	}
	data, err := os.ReadFile(names[0])
	if err != nil {
		b.Fatal(err)
	}
	img, side, err := jpegre.Split(data, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	return img, side, len(data)
}

func BenchmarkEncode(b *testing.B) {
	img, _, n := benchImage(b)
	b.SetBytes(int64(n))
	for b.Loop() {
		if _, err := Encode(nil, img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	img, side, n := benchImage(b)
	data, err := Encode(nil, img)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		lay, _ := jpegre.Layout(side, 1<<20)
		if err := Decode(data, lay); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParts: an image coded in two parts at once decodes to the same
// coefficients (also under -race: the parts never touch each other's
// rows), and costs little more than one part.
func TestParts(t *testing.T) {
	defer func(n int) { SplitBlocks = n }(SplitBlocks)
	for _, name := range []string{"../../testdata/golden-jpeg/go-q90.jpg", "../../format/jpegre/testdata/q80-422-rst.jpg", "../../format/jpegre/testdata/prog-444.jpg", "../../format/jpegre/testdata/grey.jpg"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, side, err := jpegre.Split(b, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		var sizes [2]int
		for i, split := range []int{1 << 30, 1} {
			SplitBlocks = split
			data, err := EncodeParts(nil, img)
			if err != nil {
				t.Fatal(err)
			}
			if data[0] != byte(i+1) {
				t.Fatalf("%s: %d parts", name, data[0])
			}
			lay, _ := jpegre.Layout(side, 1<<20)
			if err := DecodeParts(data, lay); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for c := range img.Comps {
				if !slices.Equal(img.Comps[c].Coef, lay.Comps[c].Coef) {
					t.Fatalf("%s, %d parts: component %d differs", name, i+1, c)
				}
			}
			sizes[i] = len(data)
		}
		t.Logf("%s: one part %d bytes, two %d", filepath.Base(name), sizes[0], sizes[1])
	}
}
