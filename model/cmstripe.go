package model

import (
	"encoding/binary"
	"errors"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/dcar-archiver/dcar/model/imgctx"
)

// symbolConfig is the SymbolModel configuration of the CM stripes.
var symbolConfig = bitcm.DefaultSymbolConfig

// cmAblate, set by measurements only, leaves parts of the stage out:
// the network's distribution as the prior (a uniform one instead), and
// contexts by index (zeroed: a constant context), e.g. a group of
// pixelContextGroups.
var cmAblate struct {
	noPrior bool
	drop    []int
}

// pixelContextGroups names the families of pixelContexts' contexts, for
// ablations.
var pixelContextGroups = map[string][]int{
	"neighbours": {0, 1, 5, 7, 8},
	"channels":   {2, 3},
	"wide":       {9, 10, 11, 12},
}

// numPixelContexts is the number of hashed contexts pixelContexts makes.
const numPixelContexts = 13

// causal reads the coded samples of a stripe around the current one:
// the same channel at (x+dx, y+dy), 0 outside the image. Only samples
// before the current one may be read (dy < 0, or dy = 0 and dx < 0).
type causal struct {
	buf   []byte
	w, ch int
}

func (c *causal) at(f *imgctx.Features, dx, dy int) uint32 {
	x, y := f.X+dx, f.Y+dy
	if x < 0 || x >= c.w || y < 0 {
		return 0
	}
	return uint32(c.buf[(y*c.w+x)*c.ch+f.C])
}

// wide hashes a wide causal window: rows dys (at x-r..x+r each) and the
// left samples before the current one, four samples to a hashed word.
func (c *causal) wide(h uint32, f *imgctx.Features, dys []int, r, left int) uint32 {
	var v uint32
	n := 0
	put := func(s uint32) {
		v = v<<8 | s
		if n++; n&3 == 0 {
			h = bitcm.HashContext(h, v)
		}
	}
	for _, dy := range dys {
		for dx := -r; dx <= r; dx++ {
			put(c.at(f, dx, dy))
		}
	}
	for dx := 1; dx <= left; dx++ {
		put(c.at(f, -dx, 0))
	}
	if n&3 != 0 {
		h = bitcm.HashContext(h, v)
	}
	return h
}

// pixelContexts computes the hashed contexts of the next sub-pixel from
// its causal features (exact neighbour values, the pixel's coded
// channels, quantised predictions) and its mixer selector.
func pixelContexts(ctx []uint32, f *imgctx.Features, win *causal) (sel int) {
	c := uint32(f.C)
	w, n, nw, ne := uint32(f.Nbr[imgctx.NbrW]), uint32(f.Nbr[imgctx.NbrN]), uint32(f.Nbr[imgctx.NbrNW]), uint32(f.Nbr[imgctx.NbrNE])
	ww, nn := uint32(f.Nbr[imgctx.NbrWW]), uint32(f.Nbr[imgctx.NbrNN])
	var cur uint32
	for i := 0; i < f.C; i++ {
		cur = cur<<8 | uint32(f.Cur[i])
	}
	if f.C == 0 {
		cur = 1 << 24
	}
	q := func(p int32) uint32 { return uint32(p+8) >> 4 } // Q4 prediction to a sample value
	grad := uint32(min(max(int32(w)+int32(n)-int32(nw), 0), 255))
	// Exact neighbours, the pixel's coded channels, predictions.
	ctx[0] = bitcm.HashContext(1, c, w, n)
	ctx[1] = bitcm.HashContext(3, c, n, ne)
	ctx[2] = bitcm.HashContext(4, c, cur)
	ctx[3] = bitcm.HashContext(5, c, cur, w>>2, n>>2)
	ctx[4] = bitcm.HashContext(8, c, grad)
	ctx[5] = bitcm.HashContext(9, c, w, ww, n>>2, nn>>2)
	ctx[6] = bitcm.HashContext(10, c, q(f.Pred[imgctx.PredXGrad]), q(f.Pred[imgctx.PredLS]))
	ctx[7] = bitcm.HashContext(12, c, w, n, nw, ne)
	ctx[8] = bitcm.HashContext(13, c, w, ww, nw, n, ne, nn, uint32(f.Nbr[imgctx.NbrNEE]), uint32(f.Nbr[imgctx.NbrNNE]))
	// Wide windows of exact values (glyphs, icons, patterns).
	ctx[9] = win.wide(bitcm.HashContext(14, c), f, []int{-1, -2}, 3, 3)
	ctx[10] = win.wide(bitcm.HashContext(15, c, cur), f, []int{-1, -2, -3}, 1, 2)
	ctx[11] = win.wide(bitcm.HashContext(16, c), f, []int{-1, -2, -3, -4}, 1, 1)
	ctx[12] = win.wide(bitcm.HashContext(17, c), f, []int{-1}, 5, 5)
	for _, i := range cmAblate.drop {
		ctx[i] = 0
	}
	return f.C<<4 | min(f.Bucket, 15)
}

// CMNet is a network with the context-mixing stage: a pixel model whose
// stripes are coded by EncodeStripeCM (the --best pixel model; its
// fingerprint is Model.CMFingerprint). A stripe of CMSplitSamples or
// more is coded as two independent halves at once, so that one image
// uses two cores. Payload: byte 1 and the stream of the stripe, or byte
// 2, uvarint R (the rows of the first half, 1 ≤ R < rows), uvarint L
// (the length of its stream), that stream and the second half's.
//
// Warm, if set, is the stage's learned start (a domain model's, dcar
// train): every stripe's stage starts from it instead of cold. Primer,
// if set, is what the stage has read before every stripe (its hashed
// tables; the mixers are Warm's). Both are part of the format: the
// fingerprint of a network with the stage covers their bytes
// (Model.WithStage).
type CMNet struct {
	Net    *QNet
	Warm   *bitcm.SymbolWarm
	Primer *StagePrimer
}

// Palette returns the pixel model for palette indices: with a primer
// (pixcm/3), the network's stage cold (no warm start, no primer), as a
// network without them codes palette indices: a domain's warm start and
// primer hold flat colour images' statistics, which palette indices (a
// byte per pixel naming a colour) do not share; on GIMP's help its palette
// PNGs came out 1.6 % larger with them. Otherwise c (the stage with a
// warm start alone, pixcm/2, codes palette indices with it, as it always
// has).
func (c CMNet) Palette() CMNet {
	if c.Primer != nil {
		return CMNet{Net: c.Net}
	}
	return c
}

// FlatPNGExpansion is the pixel bytes per file byte from which the
// default codes a PNG's pixels with the context-mixing stage, as flat
// (the deflate stream found long repeats: a screenshot, a page of text):
// Kodak's photos have 1.5-2.5, deep-sky photos mostly 1.2-7, GIMP's help
// screenshots a median of 14.5. From 3 rather than 8, the stage took
// 2.1 % off deep-sky PNGs (24 % more CPU) and ~3 % off screenshots
// (docs/ABLATIONS.md, "PNG: stepping over runs"). Package archive/codec
// plans by it, and dcar train picks the images to train the stage's warm
// start on by it.
const FlatPNGExpansion = 3

// CMSplitSamples is the stripe size from which CMNet codes two halves
// at once. It is the encoder's choice (the payload says what it did);
// each half learns from scratch, which costs photos ~0.3 % and flat
// graphics ~15 % (docs/ABLATIONS.md), so it is large: a 1.4 MP photo.
var CMSplitSamples = 4 << 20

// EncodeStripe codes one stripe with Net's EncodeStripeCM, in two halves
// at once from CMSplitSamples.
func (c CMNet) EncodeStripe(dst, samples []byte, w, rows, ch int) ([]byte, error) {
	return encodeHalves(dst, samples, w, rows, ch, CMSplitSamples, func(dst, samples []byte, w, rows, ch int) ([]byte, error) {
		return c.encodeStripeOnce(dst, samples, w, rows, ch)
	})
}

// DecodeStripe decodes the output of EncodeStripe, both halves at once.
func (c CMNet) DecodeStripe(data []byte, w, rows, ch int) ([]byte, error) {
	return decodeHalves(data, w, rows, ch, func(data []byte, w, rows, ch int) ([]byte, error) {
		return c.decodeStripe(data, w, rows, ch)
	})
}

// SplitNet is a network whose large stripes are coded as two independent
// halves at once (QNet.EncodeStripe each), so that one image uses two
// cores: the pixel model of model-png for images of SplitSamples or more
// (its fingerprint is Model.SplitFingerprint). Payload as CMNet's: byte
// 1 and the stream of the stripe, or byte 2, uvarint R, uvarint L, the
// first R rows' stream (L bytes) and the other rows' stream.
type SplitNet struct{ Net *QNet }

// SplitSamples is the stripe size from which SplitNet codes two halves.
// It is the encoder's choice (the payload says what it did). Each half
// learns from scratch, yet on training photos of 0.9-1.3 MP two halves
// came out 0.2 % smaller than one stripe (docs/ABLATIONS.md).
var SplitSamples = 1 << 20

// EncodeStripe codes one stripe with Net's EncodeStripe, in two halves
// at once from SplitSamples.
func (c SplitNet) EncodeStripe(dst, samples []byte, w, rows, ch int) ([]byte, error) {
	return encodeHalves(dst, samples, w, rows, ch, SplitSamples, c.Net.EncodeStripe)
}

// DecodeStripe decodes the output of EncodeStripe, both halves at once.
func (c SplitNet) DecodeStripe(data []byte, w, rows, ch int) ([]byte, error) {
	return decodeHalves(data, w, rows, ch, c.Net.DecodeStripe)
}

type (
	stripeEncoder func(dst, samples []byte, w, rows, ch int) ([]byte, error)
	stripeDecoder func(data []byte, w, rows, ch int) ([]byte, error)
)

// encodeHalves codes a stripe with enc, as two halves at once if it has
// split samples or more and two rows (the framing of CMNet and SplitNet).
func encodeHalves(dst, samples []byte, w, rows, ch, split int, enc stripeEncoder) ([]byte, error) {
	if len(samples) != w*rows*ch {
		return nil, imgctx.ErrSamples
	}
	if len(samples) < split || rows < 2 {
		return enc(append(dst, 1), samples, w, rows, ch)
	}
	r0 := rows / 2
	cut := r0 * w * ch
	first, second, err := halves(
		func() ([]byte, error) { return enc(nil, samples[:cut], w, r0, ch) },
		func() ([]byte, error) { return enc(nil, samples[cut:], w, rows-r0, ch) })
	if err != nil {
		return nil, err
	}
	dst = append(dst, 2)
	dst = binary.AppendUvarint(dst, uint64(r0))
	dst = binary.AppendUvarint(dst, uint64(len(first)))
	return append(append(dst, first...), second...), nil
}

// decodeHalves decodes the output of encodeHalves with dec, both halves
// at once.
func decodeHalves(data []byte, w, rows, ch int, dec stripeDecoder) ([]byte, error) {
	if len(data) == 0 {
		return nil, errCMPayload
	}
	switch data[0] {
	case 1:
		return dec(data[1:], w, rows, ch)
	case 2:
	default:
		return nil, errCMPayload
	}
	data = data[1:]
	r0, k := binary.Uvarint(data)
	if k <= 0 || r0 == 0 || r0 >= uint64(rows) {
		return nil, errCMPayload
	}
	data = data[k:]
	n0, k := binary.Uvarint(data)
	if k <= 0 || n0 > uint64(len(data)-k) {
		return nil, errCMPayload
	}
	data = data[k:]
	first, second, err := halves(
		func() ([]byte, error) { return dec(data[:n0], w, int(r0), ch) },
		func() ([]byte, error) { return dec(data[n0:], w, rows-int(r0), ch) })
	if err != nil {
		return nil, err
	}
	return append(first, second...), nil
}

// halves runs the codings of a stripe's two halves at once.
func halves(first, second func() ([]byte, error)) (a, b []byte, err error) {
	var err2 error
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, err2 = second()
	}()
	a, err = first()
	<-done
	if err == nil {
		err = err2
	}
	return a, b, err
}

var errCMPayload = errors.New("model: stripe payload in halves: bad framing")

// uniform is the prior of the ablation without the network.
var uniform = func() (t coder.FreqTable) { t.SetUniform(256, totalBits); return }()

// EncodeStripeCM codes one stripe as EncodeStripe does, but each
// sub-pixel bit by bit through a bitcm.SymbolModel that mixes the pixel
// model's distribution with exact-value contexts.
func (q *QNet) EncodeStripeCM(dst, samples []byte, w, rows, ch int) ([]byte, error) {
	return CMNet{Net: q}.encodeStripeOnce(dst, samples, w, rows, ch)
}

// encodeStripeOnce is encodeStripe for a stage no one needs afterwards:
// its tables go back to the pool.
func (c CMNet) encodeStripeOnce(dst, samples []byte, w, rows, ch int) ([]byte, error) {
	out, sm, err := c.encodeStripe(dst, samples, w, rows, ch)
	if sm != nil {
		sm.Release()
	}
	return out, err
}

// encodeStripe is EncodeStripeCM with c's stage (started from c.Warm and
// c.Primer); it also returns the stage's model at the end.
func (c CMNet) encodeStripe(dst, samples []byte, w, rows, ch int) ([]byte, *bitcm.SymbolModel, error) {
	p, err := c.Net.newPredictor(w, rows, ch)
	if err != nil {
		return nil, nil, err
	}
	if len(samples) != w*rows*ch {
		return nil, nil, imgctx.ErrSamples
	}
	sm, err := c.newStage(len(samples))
	if err != nil {
		return nil, nil, err
	}
	out, err := encodeStage(dst, samples, w, ch, p, sm)
	return out, sm, err
}

// newStage returns the context-mixing stage for a stripe of n
// sub-pixels: cold, or over the primed stage (its tables of n's size,
// the primed one's lines taken as needed), with the warm start's mixers
// if c has one.
func (c CMNet) newStage(n int) (*bitcm.SymbolModel, error) {
	var sm *bitcm.SymbolModel
	if c.Primer != nil {
		primed, err := c.Primer.state()
		if err != nil {
			return nil, err
		}
		sm = bitcm.NewSymbolModelOver(n, primed)
	} else {
		sm = bitcm.NewSymbolModel(n, numPixelContexts, symbolConfig)
	}
	if c.Warm != nil {
		if err := sm.WarmUp(c.Warm); err != nil {
			return nil, err
		}
	}
	return sm, nil
}

// A stagePrior gives the stage each sub-pixel's features (for its
// contexts) and its prior: the network's predictor for a stripe, imgctx
// alone for a primer.
type stagePrior interface {
	// next writes the next sub-pixel's logits into lg[:256] and returns
	// its features.
	next(lg []int32) *imgctx.Features
	// update records its value, coded with ft (built from next's logits).
	update(v byte, ft *coder.FreqTable)
}

func (p *predictor) next(lg []int32) *imgctx.Features { p.Logits(lg); return p.f }

func (p *predictor) update(v byte, ft *coder.FreqTable) { p.Update(v, ft) }

// encodeStage codes a stripe through the stage sm (which it leaves in
// its state at the stripe's end) with the prior src, appending to dst.
func encodeStage(dst, samples []byte, w, ch int, src stagePrior, sm *bitcm.SymbolModel) ([]byte, error) {
	var enc coder.Encoder
	enc.Reset(dst)
	var ft coder.FreqTable
	var lg [256]int32
	var ctx [numPixelContexts]uint32
	win := &causal{samples, w, ch}
	for _, s := range samples {
		f := src.next(lg[:])
		if err := ft.SetLogits(lg[:], totalBits); err != nil {
			return nil, err
		}
		sel := pixelContexts(ctx[:], f, win)
		prior := &ft
		if cmAblate.noPrior {
			prior = &uniform
		}
		sm.EncodeSymbol(&enc, s, ctx[:], prior, sel)
		src.update(s, &ft)
	}
	return enc.Finish()
}

// decodeStage decodes the n sub-pixels of a stripe coded by encodeStage
// with the same prior and stage.
func decodeStage(data []byte, n, w, ch int, src stagePrior, sm *bitcm.SymbolModel) ([]byte, error) {
	var dec coder.Decoder
	if err := dec.Init(data); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	var ft coder.FreqTable
	var lg [256]int32
	var ctx [numPixelContexts]uint32
	win := &causal{out, w, ch}
	for k := range out {
		f := src.next(lg[:])
		if err := ft.SetLogits(lg[:], totalBits); err != nil {
			return nil, err
		}
		sel := pixelContexts(ctx[:], f, win)
		s := sm.DecodeSymbol(&dec, ctx[:], &ft, sel)
		if err := dec.Err(); err != nil {
			return nil, err
		}
		out[k] = s
		src.update(s, &ft)
	}
	if err := dec.Finish(); err != nil {
		return nil, err
	}
	return out, nil
}

// DecodeStripeCM decodes the output of EncodeStripeCM.
func (q *QNet) DecodeStripeCM(data []byte, w, rows, ch int) ([]byte, error) {
	return CMNet{Net: q}.decodeStripe(data, w, rows, ch)
}

// decodeStripe decodes the output of encodeStripe.
func (c CMNet) decodeStripe(data []byte, w, rows, ch int) ([]byte, error) {
	p, err := c.Net.newPredictor(w, rows, ch)
	if err != nil {
		return nil, err
	}
	sm, err := c.newStage(w * rows * ch)
	if err != nil {
		return nil, err
	}
	defer sm.Release()
	return decodeStage(data, w*rows*ch, w, ch, p, sm)
}

// CheckStageWarm reports whether w fits the context-mixing stage's model
// shape (what coding with it would otherwise find at its first stripe).
func CheckStageWarm(w *bitcm.SymbolWarm) error {
	return bitcm.NewSymbolModel(1, numPixelContexts, symbolConfig).WarmUp(w)
}

// A StageImage is an image the stage's warm start is trained on: w×rows
// pixels of ch interleaved 8-bit channels.
type StageImage struct {
	Pix         []byte
	W, Rows, Ch int
}

// StageWarmAge caps the age of a trained warm start: a stage started
// from one takes the learning rates of a stage that has coded this many
// sub-pixels (smaller steps than a cold one's), which on held-back
// screenshots beat starting the schedule over (-4.5 % against -1.7 %,
// docs/ABLATIONS.md).
const StageWarmAge = 1 << 20

// StageWarmShift is the precision a trained warm start's mixer weights
// are rounded to (multiples of 2^-5 in their 16.16 form): it costs
// nothing measurable and makes the stored form a third smaller.
const StageWarmShift = 11

// TrainStageWarm returns the warm start of q's context-mixing stage
// learned from imgs: each is coded in turn by a stage started from the
// state the previous ones left (the first from from, nil: cold). progress,
// if set, is called after each image with the sub-pixels done. stop, when
// closed, ends training after the image running (the result is then the
// state so far; nil if no image was done).
func (q *QNet) TrainStageWarm(imgs []StageImage, from *bitcm.SymbolWarm, progress func(done int64), stop <-chan struct{}) (*bitcm.SymbolWarm, error) {
	w := from
	var done int64
	for _, im := range imgs {
		select {
		case <-stop:
			return w, nil
		default:
		}
		_, sm, err := CMNet{Net: q, Warm: w}.encodeStripe(nil, im.Pix, im.W, im.Rows, im.Ch)
		if err != nil {
			return nil, err
		}
		w = sm.Snapshot(StageWarmAge)
		w.Quantize(StageWarmShift)
		sm.Release()
		if done += int64(len(im.Pix)); progress != nil {
			progress(done)
		}
	}
	return w, nil
}
