package domain

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/png"
	"math"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dcar-archiver/dcar/format/pixels"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/dcar-archiver/dcar/model/train"
)

// Fitting the image network: the shipped network's image modality,
// dequantised (train.Dequantize), fine-tuned on the training images'
// sub-pixels (train.Tuner, the trainer of the shipped network) and
// quantised like the shipped one (train.QuantizeLike).
const (
	// imageHeadRate is the head-matrix adaptation rate the shipped
	// network was exported with (dcartrain -adapt-head 0.001), which
	// QuantizeLike needs to rebuild its SA3 (train's
	// TestQuantizeLikeShipped holds it to the shipped file).
	imageHeadRate = 0.001
	imageBatch    = 32   // sequences per step
	imageSeq      = 96   // sub-pixels per sequence, as the shipped network was trained
	imageLR       = 3e-4 // peak learning rate: with early stopping, on astronomical images 3e-4 (best after 3,500 steps) beat 1e-3 (after 2,000): -2.50 % against -2.37 %
	imageWD       = 0.01
	imageWarmup   = 50
	// maxImageSamples bounds the sub-pixels kept for training (about
	// 0.7 KB of features each): rows are kept one in k so that the
	// training images fit.
	maxImageSamples = 1 << 20
	// calibSteps are timed to plan a run by its deadline.
	calibSteps = 20
	// Early stopping: one training image in checkEvery (from 8 images
	// on) is held out of training as the check set, at most
	// maxCheckSamples sub-pixels of it, whose float cross-entropy is
	// measured every checkSteps steps; the network that did best is the
	// result, and a run stops after checkPatience checks without a
	// better one. Many steps over the kept sub-pixels overfit them (on
	// screenshots 14,919 steps, ~45 passes, coded held-back images 3.7 %
	// larger than the shipped network, 2,000 steps 2.0 % smaller).
	checkEvery      = 12
	maxCheckSamples = 1 << 17
	checkSteps      = 500
	checkPatience   = 4
)

// An image is the 8-bit samples of an image file as the pixel codecs
// give them to the network: w×h pixels of ch interleaved channels.
type image8 struct {
	pix      []byte
	w, h, ch int
}

// IsImage reports whether a file is, by its header, an image whose
// samples a domain model's image network is trained on (PNG or
// PGM/PPM/PAM, 8-bit grey or colour, with or without alpha).
func IsImage(data []byte) bool {
	if bytes.HasPrefix(data, pngMagic) {
		return len(data) >= 29 && data[24] == 8 && (data[25] == 0 || data[25] == 2 || data[25] == 4 || data[25] == 6)
	}
	l, _, err := pixels.Parse(data)
	return err == nil && l.SampleBytes() == 1 && (l.C == 1 || l.C == 3)
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// pixelsOf returns the samples of an image file the network codes as
// colour or grey samples: 8-bit PNGs (grey, RGB; with an alpha channel,
// the colour channels, which the codecs code as a plane of their own)
// and 8-bit PGM/PPM/PAM; false for every other file (palette images,
// whose indices the network sees through the context-mixing stage,
// 16-bit samples, text).
func pixelsOf(data []byte) (image8, bool) {
	if !IsImage(data) {
		return image8{}, false
	}
	if bytes.HasPrefix(data, pngMagic) {
		return pngPixels(data)
	}
	l, _, err := pixels.Parse(data)
	if err != nil {
		return image8{}, false
	}
	pix, _, err := l.Split(data)
	if err != nil {
		return image8{}, false
	}
	return image8{pix, l.W, l.H, l.C}, true
}

// pngPixels decodes a PNG IsImage takes (of at most 64 Mi pixels).
func pngPixels(data []byte) (image8, bool) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width*cfg.Height > 64<<20 {
		return image8{}, false
	}
	pix, w, h, ch, err := pixels.DecodePNG(data)
	if err != nil {
		return image8{}, false
	}
	return image8{pix, w, h, ch}, true
}

// imagePart is the outcome of the image training.
type imagePart struct {
	weights []byte // the domain network's weight file
	steps   int    // steps done
	best    int    // the steps of the network kept (early stopping)
	// validation: sub-pixels, and their coded size in bits with the
	// shipped and with the domain network
	valSamples        int64
	valShipped, valIn []int64    // per validation image
	stage             *stagePart // the context-mixing stage's warm start (nil: not trained)
	// keepNet: the model keeps the network (netPays, or nothing else
	// pays); else its stage warm start runs over the shipped network.
	keepNet bool
}

// netWeights is the image network part the model keeps (nil: the
// shipped network).
func (p *imagePart) netWeights() []byte {
	if !p.keepNet {
		return nil
	}
	return p.weights
}

// stageWarm is the stage's warm start the model keeps: the one trained,
// if it coded the flat validation images smaller than the stage started
// cold (or there were none to validate on); nil otherwise.
func (p *imagePart) stageWarm() *bitcm.SymbolWarm {
	st := p.stage
	if st == nil || st.warm == nil || st.valSamples > 0 && st.valWarm >= st.valCold {
		return nil
	}
	return st.warm
}

// stagePrimer is the stage's primer the model keeps: the one made, if
// the model keeps the warm start and the primer pays for its bytes on
// the flat validation images (stagePart.primerPays); nil otherwise.
func (p *imagePart) stagePrimer() *model.StagePrimer {
	if p.stageWarm() == nil || !p.stage.primerPays() {
		return nil
	}
	return p.stage.primer
}

// parts are the image parts the model keeps.
func (p *imagePart) parts() Parts {
	return Parts{Image: p.netWeights(), Stage: p.stageWarm(), StagePrimer: p.stagePrimer()}
}

// trainImages fine-tunes the shipped network's image modality on the
// training images and measures both networks on the validation images.
func trainImages(base *model.Model, tr, val []Sample, opts TrainOptions, deadline time.Time) (*imagePart, error) {
	n, err := train.Dequantize(base.Net)
	if err != nil {
		return nil, err
	}
	tr, held := holdCheck(tr)
	set, err := imageSet(tr, maxImageSamples)
	if err != nil {
		return nil, err
	}
	if set.N == 0 {
		return nil, errors.New("domain: no training image decodes")
	}
	var check *train.Set
	if len(held) > 0 {
		if check, err = imageSet(held, maxCheckSamples); err != nil {
			return nil, err
		}
	}
	planned := opts.ImageSteps // 0: planned after calibSteps, by the deadline
	cfg := train.TuneConfig{Steps: planned, Batch: imageBatch, Seq: imageSeq, LR: imageLR, WD: imageWD, Warmup: imageWarmup, Seed: opts.Seed}
	if planned == 0 {
		cfg.Steps = 1 << 30 // the calibration steps' schedule: the start of any run's
	}
	t, err := train.NewTuner(n, set, cfg)
	if err != nil {
		return nil, err
	}
	es := newEarlyStop(t.Net, check)
	plan := planHash(tr, opts.Seed)
	ckpt := ""
	if opts.Checkpoint != "" {
		ckpt = opts.Checkpoint + ".net"
		if st, steps, ok := resumeImages(ckpt, plan); ok && (planned == 0 || steps == planned) {
			t.Cfg.Steps = steps
			if rest, ok := es.unmarshal(st); ok && t.UnmarshalBinary(rest) == nil {
				planned = steps
			} else {
				t.Cfg.Steps = cfg.Steps
				es = newEarlyStop(t.Net, check)
			}
		}
	}
	save := func() error {
		if ckpt == "" || planned == 0 || t.Done == 0 {
			return nil
		}
		st, err := t.MarshalBinary()
		if err != nil {
			return err
		}
		b := append([]byte(imageCkptMagic), plan...)
		b = binary.LittleEndian.AppendUint64(b, uint64(planned))
		return model.WriteFileAtomic(ckpt, append(es.marshal(b), st...))
	}
	saved, started := time.Now(), time.Now()
	for planned == 0 || t.Done < planned {
		if err := interrupted(opts.Stop, save); err != nil {
			return nil, err
		}
		if planned == 0 && t.Done == calibSteps {
			// plan the run by the time the first steps took
			per := time.Since(started) / calibSteps
			planned = calibSteps + int(time.Until(deadline)/max(per, time.Millisecond))
			t.Cfg.Steps = max(planned, calibSteps+1)
			planned = t.Cfg.Steps
		}
		if !deadline.IsZero() && time.Now().After(deadline) && opts.ImageSteps == 0 {
			break
		}
		t.Step()
		if opts.ImageProgress != nil {
			opts.ImageProgress(t.Done, planned)
		}
		if t.Done%checkSteps == 0 && es.check(t.Net, t.Done) {
			break // no better network for checkPatience checks
		}
		if time.Since(saved) >= opts.CheckpointInterval {
			if err := save(); err != nil {
				return nil, err
			}
			saved = time.Now()
		}
	}
	if t.Done%checkSteps != 0 {
		es.check(t.Net, t.Done)
	}
	q, err := train.QuantizeLike(es.result(t.Net), base.Net, imageHeadRate)
	if err != nil {
		return nil, err
	}
	wf, err := q.Encode()
	if err != nil {
		return nil, err
	}
	res := &imagePart{weights: wf, steps: t.Done, best: es.bestAt}
	if res.valShipped, res.valSamples, err = codedImageBits(val, base.Net, opts.Jobs); err != nil {
		return nil, err
	}
	if res.valIn, _, err = codedImageBits(val, q, opts.Jobs); err != nil {
		return nil, err
	}
	return res, nil
}

// imageSet extracts the training sub-pixels: every image's rows one in
// k (an offset that moves from image to image), k the smallest that
// keeps at most maxSamples. Images are decoded two at a time (an
// image that does not decode is skipped), so that only the set is held.
func imageSet(imgs []Sample, maxSamples int64) (*train.Set, error) {
	var total int64
	for _, s := range imgs {
		if w, h, ch, ok := imageSize(s.Data); ok {
			total += int64(w * h * ch)
		}
	}
	k := int((total + maxSamples - 1) / maxSamples)
	k = max(k, 1)
	sets := make([]*train.Set, len(imgs))
	errs := make([]error, len(imgs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, s := range imgs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			im, ok := pixelsOf(s.Data)
			if !ok {
				return
			}
			off := i % k
			sets[i], errs[i] = train.Extract(im.pix, im.w, im.h, im.ch, func(y int) bool { return y%k == off })
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return train.Concat(sets), nil
}

// codedImageBits is the size in bits of each image coded with network q
// as the default pixel codecs code them: a flat PNG (isFlatPNG) by the
// context-mixing stage started cold (model.CMNet), any other image by
// the network alone (model.SplitNet: a large image in two halves at
// once); jobs images at a time; and their sub-pixels (an image that does
// not decode is skipped).
func codedImageBits(imgs []Sample, q *model.QNet, jobs int) (bits []int64, samples int64, err error) {
	var n atomic.Int64
	bits, err = codedSizesOf(len(imgs), jobs, func(i int) ([]byte, error) {
		im, ok := pixelsOf(imgs[i].Data)
		if !ok {
			return nil, nil
		}
		n.Add(int64(len(im.pix)))
		if isFlatPNG(imgs[i].Data) {
			return model.CMNet{Net: q}.EncodeStripe(nil, im.pix, im.w, im.h, im.ch)
		}
		return model.SplitNet{Net: q}.EncodeStripe(nil, im.pix, im.w, im.h, im.ch)
	})
	return bits, n.Load(), err
}

// netPays reports whether the domain network of p saves more than its
// part of the model file costs (netBytes) in an archive of images like
// the samples: the bits it saved on the validation images (as coded,
// codedImageBits), per sub-pixel, times the sub-pixels of all the
// sample images (training and validation). Without validation images it
// is kept.
func (p *imagePart) netPays(all []Sample, netBytes int) bool {
	if p.valSamples == 0 {
		return true
	}
	var n int64
	for _, s := range all {
		if w, h, ch, ok := imageSize(s.Data); ok {
			n += int64(w * h * ch)
		}
	}
	saved := float64(sum(p.valShipped)-sum(p.valIn)) / 8 / float64(p.valSamples) * float64(n)
	return saved > float64(netBytes)
}

// imageSize is an image's width, height and channels as pixelsOf gives
// them, from its header.
func imageSize(data []byte) (w, h, ch int, ok bool) {
	if !IsImage(data) {
		return 0, 0, 0, false
	}
	if bytes.HasPrefix(data, pngMagic) {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return 0, 0, 0, false
		}
		ch = 3
		if data[25] == 0 || data[25] == 4 {
			ch = 1
		}
		return cfg.Width, cfg.Height, ch, true
	}
	l, _, err := pixels.Parse(data)
	if err != nil {
		return 0, 0, 0, false
	}
	return l.W, l.H, l.C, true
}

const imageCkptMagic = "DCARIMGC"

// resumeImages reads an image checkpoint of the run plan: the tuner's
// state and the run's planned steps; a missing, damaged or foreign one
// is not resumed from.
func resumeImages(path, plan string) ([]byte, int, bool) {
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte(imageCkptMagic+plan)) || len(b) < len(imageCkptMagic)+len(plan)+8 {
		return nil, 0, false
	}
	b = b[len(imageCkptMagic)+len(plan):]
	steps := binary.LittleEndian.Uint64(b)
	if steps == 0 || steps > 1<<30 {
		return nil, 0, false
	}
	return b[8:], int(steps), true
}

// holdCheck holds one training image in checkEvery out of training (none
// of fewer than 8 images): the early-stopping check set.
func holdCheck(imgs []Sample) (tr, check []Sample) {
	if len(imgs) < 8 {
		return imgs, nil
	}
	for i, s := range imgs {
		if i%checkEvery == checkEvery-1 {
			check = append(check, s)
		} else {
			tr = append(tr, s)
		}
	}
	return tr, check
}

// earlyStop keeps the parameters that did best on the check set.
type earlyStop struct {
	set    *train.Set // nil: no check set, the last network is the result
	best   []float32
	bestCE float64 // bits per sub-pixel of best on set
	bestAt int     // the steps best had
	bad    int     // checks since best
}

func newEarlyStop(n *train.Net, set *train.Set) *earlyStop {
	return &earlyStop{set: set, best: slices.Clone(n.P), bestCE: math.Inf(1)}
}

// check measures n on the check set, keeps it if it is the best so far,
// and reports whether the run should stop.
func (e *earlyStop) check(n *train.Net, steps int) bool {
	if e.set == nil {
		e.bestAt = steps
		return false
	}
	st, err := n.Evaluate(e.set, imageSeq, 8192, false)
	if err != nil {
		return false
	}
	ce := st.NetBits / float64(max(st.N, 1))
	if ce < e.bestCE {
		e.bestCE, e.bestAt, e.bad = ce, steps, 0
		copy(e.best, n.P)
		return false
	}
	e.bad++
	return e.bad >= checkPatience
}

// result is the network to quantise: the best checked one, or n.
func (e *earlyStop) result(n *train.Net) *train.Net {
	if e.set != nil && !math.IsInf(e.bestCE, 1) {
		copy(n.P, e.best)
	}
	return n
}

// marshal appends the early-stopping state to b.
func (e *earlyStop) marshal(b []byte) []byte {
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.bestCE))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.bad))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.bestAt))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(e.best)))
	for _, v := range e.best {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

// unmarshal reads marshal's state from the start of b and returns the
// rest.
func (e *earlyStop) unmarshal(b []byte) ([]byte, bool) {
	const h = 32
	le := binary.LittleEndian
	if len(b) < h || le.Uint64(b[24:]) != uint64(len(e.best)) || len(b) < h+4*len(e.best) || le.Uint64(b[8:]) > 1<<30 || le.Uint64(b[16:]) > 1<<30 {
		return nil, false
	}
	e.bestCE = math.Float64frombits(le.Uint64(b))
	e.bad, e.bestAt = int(le.Uint64(b[8:])), int(le.Uint64(b[16:]))
	for i := range e.best {
		e.best[i] = math.Float32frombits(le.Uint32(b[h+4*i:]))
	}
	return b[h+4*len(e.best):], true
}
