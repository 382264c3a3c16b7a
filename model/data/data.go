// Package data loads the allowed training sources and samples training and
// validation sequences for the unified model:
//
//   - images: PNG files → 8-bit RGB; random 16×16 patches, sub-pixels in
//     raster order R,G,B per pixel (768 symbols), modality Image;
//   - text: plain-text files (prose) and the Go toolchain's own .go sources
//     (code); random windows of SeqLen bytes, modality Text.
//
// Each source is split by file into train and validation parts (every
// ValEvery-th file of the sorted list is validation), so validation numbers
// come from held-out training-set files, never from the evaluation sets.
// Paths under shared/data/kodak or shared/data/text are refused.
package data

import (
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dcar-archiver/dcar/model"
)

// Patch is the image patch side (pixels).
const Patch = 16

// Source tags of a sample (for per-source validation numbers).
const (
	SrcImage = iota
	SrcProse
	SrcCode
	NumSources
)

var SourceNames = [NumSources]string{"image", "prose", "code"}

// Sample is a sequence with its source tag.
type Sample struct {
	model.Sequence
	Src int
}

// RGB is a decoded 8-bit RGB image.
type RGB struct {
	Name string
	W, H int
	Pix  []byte // W*H*3, row-major, R,G,B per pixel
}

// Config says where the data comes from.
type Config struct {
	ImageDir     string // PNG files
	TextDir      string // text files (prose)
	GoRoot       string // Go toolchain root; its src/**/*.go is code text ("" = none)
	MaxCodeBytes int    // cap on loaded Go source bytes (both splits)
	ValEvery     int    // every ValEvery-th file is validation (default 8)
}

// Split is one side (train or validation) of the data.
type Split struct {
	Images []*RGB
	Prose  []byte // concatenated files
	Code   []byte
	pixCum []int // cumulative patch-position counts for weighting
}

// Dataset is the loaded data.
type Dataset struct {
	Train, Val Split
	SeqLen     int // text window length (symbols per text sequence)
}

// forbidden reports whether path lies in an evaluation set.
func forbidden(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return true
	}
	abs = filepath.ToSlash(abs) + "/"
	for _, bad := range []string{"/shared/data/kodak/", "/shared/data/text/"} {
		if strings.Contains(abs, bad) {
			return true
		}
	}
	return false
}

func listFiles(dir string, keep func(string) bool) ([]string, error) {
	if forbidden(dir) {
		return nil, fmt.Errorf("data: %s is an evaluation set and must not be used for training", dir)
	}
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		if keep(p) && !forbidden(p) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// Load reads all sources. seqLen is the text window length.
func Load(cfg Config, seqLen int) (*Dataset, error) {
	if cfg.ValEvery <= 1 {
		cfg.ValEvery = 8
	}
	d := &Dataset{SeqLen: seqLen}
	if cfg.ImageDir != "" {
		files, err := listFiles(cfg.ImageDir, func(p string) bool { return strings.EqualFold(filepath.Ext(p), ".png") })
		if err != nil {
			return nil, err
		}
		for i, f := range files {
			img, err := LoadPNG(f)
			if err != nil {
				return nil, err
			}
			if img.W < Patch || img.H < Patch {
				continue
			}
			if i%cfg.ValEvery == cfg.ValEvery-1 {
				d.Val.Images = append(d.Val.Images, img)
			} else {
				d.Train.Images = append(d.Train.Images, img)
			}
		}
	}
	if cfg.TextDir != "" {
		files, err := listFiles(cfg.TextDir, func(p string) bool {
			b := filepath.Base(p)
			return !strings.HasPrefix(b, ".") && !strings.EqualFold(b, "SOURCES.md") && !strings.EqualFold(b, "README.md")
		})
		if err != nil {
			return nil, err
		}
		for i, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			if i%cfg.ValEvery == cfg.ValEvery-1 {
				d.Val.Prose = append(d.Val.Prose, b...)
			} else {
				d.Train.Prose = append(d.Train.Prose, b...)
			}
		}
	}
	if cfg.GoRoot != "" {
		files, err := listFiles(filepath.Join(cfg.GoRoot, "src"), func(p string) bool { return strings.HasSuffix(p, ".go") })
		if err != nil {
			return nil, err
		}
		// deterministic pseudo-random order, so a byte cap takes a spread of packages
		sort.Slice(files, func(i, j int) bool { return hash(files[i]) < hash(files[j]) })
		total := 0
		for _, f := range files {
			if cfg.MaxCodeBytes > 0 && total >= cfg.MaxCodeBytes {
				break
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			total += len(b)
			if hash(f+"#val")%uint32(cfg.ValEvery) == 0 {
				d.Val.Code = append(d.Val.Code, b...)
			} else {
				d.Train.Code = append(d.Train.Code, b...)
			}
		}
	}
	d.Train.index()
	d.Val.index()
	return d, nil
}

func (s *Split) index() {
	s.pixCum = s.pixCum[:0]
	n := 0
	for _, im := range s.Images {
		n += (im.W - Patch + 1) * (im.H - Patch + 1)
		s.pixCum = append(s.pixCum, n)
	}
}

// FromMemory builds a dataset directly (tests, tools).
func FromMemory(train, val Split, seqLen int) *Dataset {
	d := &Dataset{Train: train, Val: val, SeqLen: seqLen}
	d.Train.index()
	d.Val.index()
	return d
}

// LoadPNG decodes a PNG into 8-bit RGB (alpha is dropped, 16-bit samples
// keep their high byte).
func LoadPNG(path string) (*RGB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	return ToRGB(filepath.Base(path), img), nil
}

// ToRGB converts any image to 8-bit RGB.
func ToRGB(name string, img image.Image) *RGB {
	b := img.Bounds()
	r := &RGB{Name: name, W: b.Dx(), H: b.Dy(), Pix: make([]byte, 3*b.Dx()*b.Dy())}
	switch src := img.(type) {
	case *image.NRGBA:
		for y := 0; y < r.H; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+4*r.W]
			for x := 0; x < r.W; x++ {
				copy(r.Pix[3*(y*r.W+x):], row[4*x:4*x+3])
			}
		}
	case *image.RGBA:
		for y := 0; y < r.H; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+4*r.W]
			for x := 0; x < r.W; x++ {
				copy(r.Pix[3*(y*r.W+x):], row[4*x:4*x+3])
			}
		}
	default:
		// NRGBA conversion keeps straight (non-premultiplied) colour values
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := nrgbaAt(img, x, y)
				r.Pix[i], r.Pix[i+1], r.Pix[i+2] = c[0], c[1], c[2]
				i += 3
			}
		}
	}
	return r
}

func nrgbaAt(img image.Image, x, y int) [3]byte {
	c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
	return [3]byte{c.R, c.G, c.B}
}
