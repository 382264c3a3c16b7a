// Package lowbyte codes the low bytes of 16-bit image samples once
// their high bytes are known.
//
// dcar codes a 16-bit image in two steps: the high bytes (each sample
// >> 8) form an ordinary 8-bit image, which the pixel model codes like
// any other; then this package codes each sample's low byte given the
// whole high-byte image. It predicts the full 16-bit value, not the low
// byte as a plane of its own: from the causal neighbours' full values
// (W, N, NW, NE), from the high bytes of every neighbour (the decoder
// already has the east and south ones too), and from the previous
// channel's prediction error, then codes the 8 bits of the low byte with
// a context-mixing model (package cm) whose contexts are where those
// predictions put the low byte inside the sample's high-byte interval,
// the neighbours' exact low bytes and the high byte itself (which
// catches images widened from 8 bits, whose low byte repeats the high
// byte or is zero), and the local activity.
//
// Everything is integer arithmetic: encoder and decoder on any machine
// compute the same probabilities.
package lowbyte

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/internal/cacheline"
	"github.com/dcar-archiver/dcar/model/cm"
)

// ErrSize is returned when the planes do not hold w*h*ch samples.
var ErrSize = errors.New("lowbyte: plane size does not match the image")

// Fingerprint identifies the model: the archive records it beside every
// entry coded with it, and a change to any prediction or context is a
// new model with a new fingerprint (TestGolden pins the bits).
const Fingerprint = "dcar lowbyte model 1"

const nAct = 16 // activity buckets

// model holds the context tables and mixers of one image.
type model struct {
	b   cm.Coder
	t   [7]cm.Table
	mx  *cm.Mixer
	mx2 *cm.Mixer
	apm *cm.APM
}

func newModel() *model {
	// Written at every decision: no cache line shared with another
	// job's model (cacheline).
	m := cacheline.New[model]()
	m.t[0] = m.b.Alloc(256 * 256)           // node × expected low byte (gradient)
	m.t[1] = m.b.Alloc(256 * 256)           // node × expected low byte (all neighbours' high bytes)
	m.t[2] = m.b.Alloc(256 * 256)           // node × W's low byte
	m.t[3] = m.b.Alloc(256 * 256)           // node × N's low byte
	m.t[4] = m.b.Alloc(256 * 256)           // node × the sample's high byte
	m.t[5] = m.b.Alloc(256 * 32 * nAct * 4) // node × expected>>3 × activity × channel
	m.t[6] = m.b.Alloc(2 * 256 * 256)       // node × expected low byte after the previous channel's error
	m.b.AllocDone()
	m.mx = cm.NewMixer(7, 8*nAct, 12)
	m.mx2 = cm.NewMixer(7, 8*2*4, 12)
	m.apm = cm.NewAPM(32 * 256)
	return m
}

// Encode appends the coded low parts lo of an image of w×h pixels of ch
// interleaved samples of 8+nb bits (nb = 1..8) whose high parts are hi:
// sample = hi<<nb | lo, lo < 1<<nb.
func Encode(dst, hi, lo []byte, w, h, ch, nb int) ([]byte, error) {
	if err := checkSize(hi, w, h, ch, nb); err != nil {
		return dst, err
	}
	if len(lo) != len(hi) {
		return dst, ErrSize
	}
	e := cacheline.New[coder.Encoder]()
	e.Reset(dst)
	m := newModel()
	m.b.Enc = e
	m.code(hi, lo, w, h, ch, nb)
	return e.Finish()
}

// Decode returns the low parts Encode coded in src, given the same hi
// and nb.
func Decode(src, hi []byte, w, h, ch, nb int) ([]byte, error) {
	if err := checkSize(hi, w, h, ch, nb); err != nil {
		return nil, err
	}
	d := cacheline.New[coder.Decoder]()
	if err := d.Init(src); err != nil {
		return nil, err
	}
	m := newModel()
	m.b.Dec = d
	lo := make([]byte, len(hi))
	m.code(hi, lo, w, h, ch, nb)
	if err := d.Err(); err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return lo, nil
}

func checkSize(hi []byte, w, h, ch, nb int) error {
	if nb < 1 || nb > 8 {
		return fmt.Errorf("%w: %d low bits", ErrSize, nb)
	}
	if w <= 0 || h <= 0 || ch <= 0 || ch > 4 || int64(w)*int64(h)*int64(ch) != int64(len(hi)) {
		return fmt.Errorf("%w: %d bytes for %dx%dx%d", ErrSize, len(hi), w, h, ch)
	}
	return nil
}

// code runs the model over every sample in raster order, channels
// interleaved; when decoding it fills lo as it goes.
func (m *model) code(hi, lo []byte, w, h, ch, nb int) {
	b := &m.b
	stride := w * ch
	half := int32(1) << (nb - 1)
	full := func(i int) int32 { return int32(hi[i])<<nb | int32(lo[i]) }
	coarse := func(i int) int32 { return int32(hi[i])<<nb | half } // a sample's value as far as its high part tells
	var prevErr int32                                              // the previous channel's value minus its prediction
	for y := range h {
		for x := range w {
			for c := range ch {
				i := y*stride + x*ch + c
				H := int32(hi[i])
				base := H << nb
				var W, N, NW, NE, E, S int32
				switch {
				case x > 0 && y > 0:
					W, N, NW = full(i-ch), full(i-stride), full(i-stride-ch)
				case x > 0:
					W = full(i - ch)
					N, NW = W, W
				case y > 0:
					N = full(i - stride)
					W, NW = N, N
				default:
					W, N, NW = base|half, base|half, base|half
				}
				NE = N
				if y > 0 && x+1 < w {
					NE = full(i - stride + ch)
				}
				E, S = W, N
				if x+1 < w {
					E = coarse(i + ch)
				}
				if y+1 < h {
					S = coarse(i + stride)
				}
				p1 := med(W, N, NW)
				p2 := (W + N + E + S + 2) >> 2
				p3 := p1
				if c > 0 {
					p3 = p1 + prevErr
				}
				// Where each prediction puts the low part, scaled to 8 bits.
				e1, e2, e3 := expect(p1, base, nb), expect(p2, base, nb), expect(p3, base, nb)
				act := abs(W-NW) + abs(N-NW) + abs(N-NE)
				ab := min(bits.Len32(uint32(act)), nAct-1)
				var loW, loN int
				if x > 0 {
					loW = int(lo[i-ch])
				}
				if y > 0 {
					loN = int(lo[i-stride])
				}
				c3 := 0
				if c > 0 {
					c3 = 1
				}
				v := int(lo[i]) << (8 - nb) // ignored when decoding
				node := 1
				for k := 7; k >= 8-nb; k-- {
					b.Ctx(m.t[0], node<<8|e1)
					b.Ctx(m.t[1], node<<8|e2)
					b.Ctx(m.t[2], node<<8|loW)
					b.Ctx(m.t[3], node<<8|loN)
					b.Ctx(m.t[4], node<<8|int(H))
					b.Ctx(m.t[5], ((node*32+e1>>3)*nAct+ab)*4+c)
					b.Ctx(m.t[6], (c3<<8|node)<<8|e3)
					// Does the low byte so far agree with the gradient's guess?
					agree := 0
					if node == 1<<(7-k)|e1>>(k+1) {
						agree = 1
					}
					b.Also(m.mx2, ((7-k)*2+agree)*4+c)
					b.SSE(m.apm, (e1>>3)*256+node)
					bit := b.Code(v>>k&1, m.mx, (7-k)*nAct+ab)
					node = node<<1 | bit
				}
				lo[i] = byte(node &^ (1 << nb)) // node without its leading 1
				prevErr = full(i) - p1
			}
		}
	}
}

// expect is where prediction p puts the nb-bit low part of a sample
// whose interval starts at base: p - base, clamped to the interval,
// scaled to 8 bits.
func expect(p, base int32, nb int) int {
	return int(min(max(p-base, 0), 1<<nb-1)) << (8 - nb)
}

// med is LOCO-I's median edge detector.
func med(w, n, nw int32) int32 {
	switch {
	case nw >= max(w, n):
		return min(w, n)
	case nw <= min(w, n):
		return max(w, n)
	}
	return w + n - nw
}

func abs(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// Split turns the 16-bit samples hi<<8|lo in place into a high part of
// 8 significant bits and a low part of the nb bits below, and returns
// nb: an image whose largest sample has k > 8 bits keeps its top 8 in
// hi (nb = k-8), so that the pixel model sees the image's signal, not a
// dark image of a few levels; samples of 8 bits or fewer get nb = 1.
func Split(hi, lo []byte) (nb int) {
	var top byte
	for _, h := range hi {
		top |= h
	}
	nb = max(bits.Len8(top), 1)
	if nb == 8 {
		return 8
	}
	for i := range hi {
		v := uint16(hi[i])<<8 | uint16(lo[i])
		hi[i], lo[i] = byte(v>>nb), byte(v)&(1<<nb-1)
	}
	return nb
}
