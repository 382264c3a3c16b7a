package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/dcar-archiver/dcar/model/imgctx"
)

// imgctxPrior is the prior of a primer's images (a stagePrior): the
// stage reads a primer without the network, each sub-pixel's prior
// imgctx's own distribution (its bias logits), so that reading a primer
// costs the stage and imgctx only. The hashed tables a primer leaves do
// not depend on the prior (a node counts the bits it saw in its
// context); the mixers, which do, are the warm start's.
type imgctxPrior struct{ cx *imgctx.Context }

func (p imgctxPrior) next(lg []int32) *imgctx.Features {
	f := p.cx.Prepare()
	p.cx.Logits(lg)
	return f
}

func (p imgctxPrior) update(v byte, _ *coder.FreqTable) { p.cx.Update(v) }

// primerCoder codes the images of a primer, one after another, through
// one stage sm.
type primerCoder struct{ sm *bitcm.SymbolModel }

// encode appends the coding of one w×rows image of ch channels to dst.
func (pc *primerCoder) encode(dst, samples []byte, w, rows, ch int) ([]byte, error) {
	if len(samples) != w*rows*ch {
		return nil, imgctx.ErrSamples
	}
	cx, err := imgctx.NewContext(w, rows, ch, imgctx.DefaultConfig)
	if err != nil {
		return nil, err
	}
	return encodeStage(dst, samples, w, ch, imgctxPrior{cx}, pc.sm)
}

// decode decodes one image coded by encode.
func (pc *primerCoder) decode(data []byte, w, rows, ch int) ([]byte, error) {
	cx, err := imgctx.NewContext(w, rows, ch, imgctx.DefaultConfig)
	if err != nil {
		return nil, err
	}
	return decodeStage(data, w*rows*ch, w, ch, imgctxPrior{cx}, pc.sm)
}

// A StagePrimer is what a domain's context-mixing stage has seen before
// an image: sample images (a domain model's, dcar train), coded one
// after the other through one stage by primerCoder. Reading them gives
// the stage hashed tables that already hold the domain's exact-value
// patterns (a screenshot's widgets and glyphs), the image counterpart of
// a text primer (zstd's dictionary): on GIMP's help screenshots, flat
// images coded from a stage primed on 80 training screenshots came out
// 20 % smaller than from a cold stage, against 4.5 % from the warm start
// alone (docs/ABLATIONS.md). Every stripe of a CMNet with a primer
// runs a stage over the primed one (bitcm.NewSymbolModelOver, then the
// warm start's mixers): tables of the stripe's own size that take the
// primed stage's lines as the stripe first needs them, so that a small
// image does not copy the primer's tables. The primer is read once, at
// the first stripe that needs it (StagePrimer.state), and kept.
type StagePrimer struct {
	tbits  uint8         // log2 of the stage's lines per context
	images []primerImage // their codings point into raw
	raw    []byte        // the stored form
	sum    [32]byte      // its SHA-256

	once   sync.Once
	primed *bitcm.SymbolModel // read-only once set
	err    error
}

type primerImage struct {
	w, rows, ch int
	data        []byte // the coding of its pixels
}

// stagePrimerMagic begins a stored StagePrimer: the format's name and
// version.
const stagePrimerMagic = "dcarsprm\x00\x01"

// Bounds of a stored primer: its images' sub-pixels together (the time
// to read it: the stage reads ~0.35 M sub-pixels a second on one core),
// its table bits (the memory of every stripe: 13 × 64 bytes × 2^bits).
const (
	MaxPrimerSamples = 64 << 20
	minPrimerBits    = 10
	MaxPrimerBits    = 20
	maxPrimerImages  = 1 << 16
)

// ErrStagePrimer reports a stored stage primer this package cannot read.
var ErrStagePrimer = errors.New("model: bad stage primer")

// NewStagePrimer codes imgs (at most MaxPrimerSamples sub-pixels) as a
// primer whose stage has 2^tbits lines per context (minPrimerBits to
// MaxPrimerBits). The primed stage is kept: the primer need not be read
// again in this process.
func NewStagePrimer(imgs []StageImage, tbits int) (*StagePrimer, error) {
	if tbits < minPrimerBits || tbits > MaxPrimerBits {
		return nil, fmt.Errorf("%w: %d table bits (%d to %d)", ErrStagePrimer, tbits, minPrimerBits, MaxPrimerBits)
	}
	var n int64
	for _, im := range imgs {
		n += int64(len(im.Pix))
	}
	if n > MaxPrimerSamples || len(imgs) > maxPrimerImages {
		return nil, fmt.Errorf("%w: %d images, %d sub-pixels (at most %d)", ErrStagePrimer, len(imgs), n, MaxPrimerSamples)
	}
	p := &StagePrimer{tbits: uint8(tbits)}
	pc := &primerCoder{sm: p.fresh()}
	for _, im := range imgs {
		if im.Ch < 1 || im.Ch > imgctx.MaxC {
			return nil, fmt.Errorf("%w: %d channels", ErrStagePrimer, im.Ch)
		}
		data, err := pc.encode(nil, im.Pix, im.W, im.Rows, im.Ch)
		if err != nil {
			return nil, err
		}
		p.images = append(p.images, primerImage{im.W, im.Rows, im.Ch, data})
	}
	p.raw = p.marshal()
	p.sum = sha256.Sum256(p.raw)
	p.once.Do(func() { p.primed = pc.sm })
	return p, nil
}

// fresh returns the cold stage the primer is read into.
func (p *StagePrimer) fresh() *bitcm.SymbolModel {
	return bitcm.NewSymbolModel(1<<(p.tbits+2), numPixelContexts, symbolConfig)
}

// Samples is the number of sub-pixels of the primer's images.
func (p *StagePrimer) Samples() (n int64) {
	for _, im := range p.images {
		n += int64(im.w * im.rows * im.ch)
	}
	return n
}

// Images is the number of the primer's images.
func (p *StagePrimer) Images() int { return len(p.images) }

// Sum is the SHA-256 of p's stored form, which the fingerprint of the
// stage primed by p covers.
func (p *StagePrimer) Sum() [32]byte { return p.sum }

// MarshalBinary returns the stored form of p (not to be modified): the
// magic, the table bits (a byte), a uvarint count of images and for each
// uvarint width, rows, channels (1 to 4) and the length of its coding,
// then the coding.
func (p *StagePrimer) MarshalBinary() []byte { return p.raw }

// Size is the length of p's stored form.
func (p *StagePrimer) Size() int { return len(p.raw) }

// marshal builds the stored form (MarshalBinary) of p's images.
func (p *StagePrimer) marshal() []byte {
	b := append([]byte(stagePrimerMagic), p.tbits)
	b = binary.AppendUvarint(b, uint64(len(p.images)))
	for _, im := range p.images {
		for _, v := range []int{im.w, im.rows, im.ch, len(im.data)} {
			b = binary.AppendUvarint(b, uint64(v))
		}
		b = append(b, im.data...)
	}
	return b
}

// ParseStagePrimer reads a primer stored by MarshalBinary (its codings
// are read at the first stripe that needs them: StagePrimer.state).
// Errors wrap ErrStagePrimer and name the offset.
func ParseStagePrimer(data []byte) (*StagePrimer, error) {
	if !bytes.HasPrefix(data, []byte(stagePrimerMagic)) {
		return nil, fmt.Errorf("%w: not a version 1 stage primer", ErrStagePrimer)
	}
	r := data[len(stagePrimerMagic):]
	bad := func(what string) error {
		return fmt.Errorf("%w: %s at offset %d", ErrStagePrimer, what, len(data)-len(r))
	}
	if len(r) == 0 || r[0] < minPrimerBits || r[0] > MaxPrimerBits {
		return nil, bad("bad table bits")
	}
	p := &StagePrimer{tbits: r[0], raw: data}
	r = r[1:]
	uv := func(lo, hi uint64) (int, error) {
		v, k := binary.Uvarint(r)
		if k <= 0 || v < lo || v > hi {
			return 0, bad("bad count")
		}
		r = r[k:]
		return int(v), nil
	}
	n, err := uv(0, maxPrimerImages)
	if err != nil {
		return nil, err
	}
	var total int64
	for range n {
		var v [4]int // width, rows, channels, coding length
		lo := [4]uint64{1, 1, 1, 0}
		for i, hi := range [4]uint64{MaxPrimerSamples, MaxPrimerSamples, imgctx.MaxC, uint64(len(r))} {
			if v[i], err = uv(lo[i], hi); err != nil {
				return nil, err
			}
		}
		if total += int64(v[0]) * int64(v[1]) * int64(v[2]); total > MaxPrimerSamples {
			return nil, bad("more than MaxPrimerSamples sub-pixels")
		}
		if v[3] > len(r) {
			return nil, bad("coding longer than the data")
		}
		p.images = append(p.images, primerImage{v[0], v[1], v[2], r[:v[3]:v[3]]})
		r = r[v[3]:]
	}
	if len(r) != 0 {
		return nil, bad("trailing bytes")
	}
	p.sum = sha256.Sum256(data)
	return p, nil
}

// state returns the stage after reading the primer, read on the first
// call (the others wait for it). It is not written to: the stripes' own
// stages run over it.
func (p *StagePrimer) state() (*bitcm.SymbolModel, error) {
	p.once.Do(func() {
		pc := &primerCoder{sm: p.fresh()}
		for i, im := range p.images {
			if _, err := pc.decode(im.data, im.w, im.rows, im.ch); err != nil {
				p.err = fmt.Errorf("%w: image %d: %v", ErrStagePrimer, i, err)
				return
			}
		}
		p.primed = pc.sm
	})
	return p.primed, p.err
}
