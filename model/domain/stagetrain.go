package domain

import (
	"encoding/binary"
	"time"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

// Fitting the context-mixing stage's warm start: the default codes flat
// PNGs (model.FlatPNGExpansion pixel bytes per file byte or more:
// screenshots, pages, diagrams) with the stage, which otherwise starts
// cold in every file. Its warm start is learned by coding the flat
// training images one after the other through the stage over the
// domain's network (model.QNet.TrainStageWarm).
const (
	// maxStageSamples bounds the sub-pixels the warm start is trained
	// on, maxStageVal those it is validated on: the stage codes ~0.1
	// MB/s a core, and training is one image after another. On GIMP's
	// help screenshots, 17 M sub-pixels (80 images) gave -4.5 % on
	// held-back ones against -1.7 % for 20 images (docs/ABLATIONS.md).
	maxStageSamples = 16 << 20
	maxStageVal     = 4 << 20
	// stageCost is the stage's time per sub-pixel on one core (with some
	// margin), to leave the warm start its time before a deadline;
	// primerCost the primer's (the stage without the network), per
	// sub-pixel of the primer.
	stageCost  = 12 * time.Microsecond
	primerCost = 4 * time.Microsecond
	// primerBits is the table bits of a stage primer: 2^20 lines per
	// context (872 MB of tables, read once per process; each stripe's
	// stage runs over them). On 20 held-back GIMP screenshots a primer
	// of 80 others (with the warm start) coded them 9.2 % smaller than
	// the stage started cold at 16 bits, 14.1 % at 17, 20.6 % at 18,
	// 32.0 % at 20; the warm start alone 4.5 % (docs/ABLATIONS.md).
	primerBits = 20
	// maxPrimerSamples bounds the sub-pixels of the primer (chosen by
	// coverage, coverImages, from the flat training images, of which
	// at most maxCoverPool sub-pixels are considered): reading it takes
	// ~25 s a process. On GIMP's screenshots a primer of 8.75 M
	// sub-pixels chosen by coverage (154 KB) coded 40 held-back flat
	// images 23.5 % smaller than the warm start alone, the same
	// sub-pixels of the warm start's images (214 KB) 11.0 %.
	maxPrimerSamples = 8 << 20
	maxCoverPool     = 256 << 20
)

// stagePart is the outcome of the stage's training.
type stagePart struct {
	warm    *bitcm.SymbolWarm // nil: none trained
	images  int               // training images coded
	samples int64             // their sub-pixels
	// validation: the flat validation images' sub-pixels and their size
	// in bits coded by the stage started cold, from warm, and from warm
	// after the primer
	valSamples                  int64
	valCold, valWarm, valPrimed int64
	// primer: flat training images chosen by coverage (coverImages), as
	// a primer of the stage (nil: none made); flatSamples the
	// sub-pixels of every flat sample image (training and validation),
	// by which its saving on validation is scaled (primerPays)
	primer      *model.StagePrimer
	flatSamples int64
}

// primerPays reports whether the primer saves more than its bytes in an
// archive of images like the samples: the bits it saved on the flat
// validation images against the warm start alone, per sub-pixel, times
// the sub-pixels of all the flat sample images.
func (st *stagePart) primerPays() bool {
	if st.primer == nil || st.valSamples == 0 {
		return false
	}
	saved := float64(st.valWarm-st.valPrimed) / 8 / float64(st.valSamples) * float64(st.flatSamples)
	return saved > float64(st.primer.Size())
}

// isFlatPNG reports whether data is an 8-bit colour or grey PNG the
// default codes with the stage (FlatPNG).
func isFlatPNG(data []byte) bool {
	_, ok := FlatPNG(data, int64(len(data)))
	return ok
}

// FlatPNG reports whether a file of size bytes that starts with head
// (its first 29 bytes or more) is an 8-bit colour or grey PNG, not
// interlaced, that the default codes with the stage: its filtered pixels
// (from the IHDR) are model.FlatPNGExpansion times the file or more; and
// its sub-pixels.
func FlatPNG(head []byte, size int64) (subpixels int64, ok bool) {
	if !IsImage(head) || len(head) < 29 || string(head[:8]) != string(pngMagic) || head[28] != 0 {
		return 0, false
	}
	w, h := int64(binary.BigEndian.Uint32(head[16:])), int64(binary.BigEndian.Uint32(head[20:]))
	bpp := int64([7]byte{1, 0, 3, 0, 2, 0, 4}[head[25]])
	if w <= 0 || h <= 0 || w > 1<<24 || h > 1<<24 || h*(1+w*bpp) < model.FlatPNGExpansion*size {
		return 0, false
	}
	return w * h * bpp, true
}

// stageImages decodes the flat images of imgs, in order, up to most
// sub-pixels (the first is taken whatever its size), and gives their
// indices in imgs.
func stageImages(imgs []Sample, most int64) (out []model.StageImage, idx []int) {
	var n int64
	for i, s := range imgs {
		if !isFlatPNG(s.Data) {
			continue
		}
		w, h, ch, ok := imageSize(s.Data)
		if !ok || len(out) > 0 && n+int64(w*h*ch) > most {
			continue
		}
		im, ok := pixelsOf(s.Data)
		if !ok {
			continue
		}
		out = append(out, model.StageImage{Pix: im.pix, W: im.w, Rows: im.h, Ch: im.ch})
		idx = append(idx, i)
		n += int64(len(im.pix))
	}
	return out, idx
}

// flatSubpixels is the number of sub-pixels of the flat images of imgs,
// from their headers.
func flatSubpixels(imgs []Sample) (n int64) {
	for _, s := range imgs {
		if w, h, ch, ok := imageSize(s.Data); ok && isFlatPNG(s.Data) {
			n += int64(w * h * ch)
		}
	}
	return n
}

// stageTime is what trainStage will take on the flat images of tr and
// val (one pass over each: validation codes them from the warm start
// only), by stageCost, with jobs cores for validation.
func stageTime(tr, val []Sample, jobs int) time.Duration {
	n, v := min(flatSubpixels(tr), maxStageSamples), min(flatSubpixels(val), maxStageVal)
	return time.Duration(n+2*v/int64(max(jobs, 1)))*stageCost + time.Duration(maxPrimerSamples)*primerCost
}

// trainStage trains the warm start of net's context-mixing stage on the
// flat images of tr and measures it on those of val, against valCold:
// the size in bits of each image of val coded by net as the default
// codes it (codedImageBits: a flat one by the stage started cold, as
// here). It stops early at
// the deadline (not zero, and no opts.ImageSteps: a step budget gives
// the same model bytes every time) or when opts.Stop is closed.
func trainStage(net *model.QNet, tr, val []Sample, valCold []int64, opts TrainOptions, deadline time.Time) (*stagePart, error) {
	imgs, _ := stageImages(tr, maxStageSamples)
	res := &stagePart{}
	if len(imgs) == 0 {
		return res, nil
	}
	var total int64
	for _, im := range imgs {
		total += int64(len(im.Pix))
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	defer close(done)
	go func() {
		var timer <-chan time.Time
		if !deadline.IsZero() && opts.ImageSteps == 0 {
			timer = time.After(time.Until(deadline))
		}
		select {
		case <-opts.Stop:
		case <-timer:
		case <-done:
			return
		}
		close(stop)
	}()
	if opts.StageProgress != nil {
		opts.StageProgress(0, total)
	}
	var err error
	res.warm, err = net.TrainStageWarm(imgs, nil, func(n int64) {
		res.images++
		res.samples = n
		if opts.StageProgress != nil {
			opts.StageProgress(n, total)
		}
	}, stop)
	if err != nil {
		return nil, err
	}
	if err := interrupted(opts.Stop, func() error { return nil }); err != nil {
		return nil, err
	}
	if res.warm == nil {
		return res, nil
	}
	vimgs, idx := stageImages(val, maxStageVal)
	for k, im := range vimgs {
		res.valSamples += int64(len(im.Pix))
		res.valCold += valCold[idx[k]]
	}
	res.valWarm, err = codedBitsOf(len(vimgs), opts.Jobs, func(i int) ([]byte, error) {
		im := vimgs[i]
		return model.CMNet{Net: net, Warm: res.warm}.EncodeStripe(nil, im.Pix, im.W, im.Rows, im.Ch)
	})
	if err != nil {
		return nil, err
	}
	// The primer: flat training images chosen by coverage, read by the
	// stage before every stripe (with the warm start's mixers).
	if len(vimgs) == 0 || res.images == 0 {
		return res, nil
	}
	pool, _ := stageImages(tr, maxCoverPool)
	if res.primer, err = model.NewStagePrimer(coverImages(pool, maxPrimerSamples), primerBits); err != nil {
		return nil, err
	}
	res.flatSamples = flatSubpixels(tr) + flatSubpixels(val)
	res.valPrimed, err = codedBitsOf(len(vimgs), opts.Jobs, func(i int) ([]byte, error) {
		im := vimgs[i]
		return model.CMNet{Net: net, Warm: res.warm, Primer: res.primer}.EncodeStripe(nil, im.Pix, im.W, im.Rows, im.Ch)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
