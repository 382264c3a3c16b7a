package domain

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

// A Sample is one training or validation file.
type Sample struct {
	Name string
	Data []byte
}

// Split orders samples by a hash of seed and their names and holds the
// first of that order back for validation, up to valBytes (at least one
// sample when there are two or more): the split and the training order
// depend only on the seed and the names, not on the order samples are
// given in.
func Split(samples []Sample, seed uint64, valBytes int64) (train, val []Sample) {
	key := func(s Sample) [32]byte {
		h := sha256.New()
		h.Write(binary.LittleEndian.AppendUint64(nil, seed))
		h.Write([]byte(s.Name))
		return [32]byte(h.Sum(nil))
	}
	s := slices.Clone(samples)
	slices.SortStableFunc(s, func(a, b Sample) int {
		ka, kb := key(a), key(b)
		return slices.Compare(ka[:], kb[:])
	})
	var n int64
	i := 0
	for i < len(s)-1 && (i == 0 || n+int64(len(s[i].Data)) <= valBytes) {
		n += int64(len(s[i].Data))
		i++
	}
	return s[i:], s[:i]
}

// TrainOptions control Train.
type TrainOptions struct {
	Seed uint64
	// Steps bounds the training samples read (0: all). A step is one
	// sample; the result depends only on the samples, the seed and the
	// steps done, so a step budget gives the same model bytes every time.
	Steps int
	// Deadline, if not zero, ends training after the step running when
	// it passes (the model then records the steps done).
	Deadline time.Time
	// Checkpoint, if set, is a file where Train saves its state at
	// most every CheckpointInterval (0: after every step) and when Stop
	// fires (a domain model whose description records the steps done),
	// and from which it resumes a run of the same samples and seed.
	Checkpoint         string
	CheckpointInterval time.Duration
	// Stop, when closed, makes Train save its checkpoint and return
	// ErrInterrupted.
	Stop <-chan struct{}
	// Progress, if set, is called after every step with the training
	// bytes read so far and in all.
	Progress func(done, total int64)
	// Jobs is the number of segments measured at once in validation.
	Jobs int
	// Warm makes Train fit the text model's warm start (the training
	// pass, which Steps, Deadline and the checkpoint are about); without
	// it the shipped warm start stays and the model is its primer.
	Warm bool
	// PrimerBytes is the size of the primer taken from the training
	// samples (0: no primer).
	PrimerBytes int
	// ImageSteps is the number of training steps of the image network
	// (0: as many as the Deadline allows; a step budget gives the same
	// model bytes every time). Images are trained when the training
	// samples hold some (pixelsOf).
	ImageSteps int
	// ImageProgress, if set, is called after every image training step
	// with the steps done and planned (0 while the first steps are
	// timed to plan a run by its Deadline).
	ImageProgress func(done, planned int)
	// StageProgress, if set, is called when the context-mixing stage's
	// warm start begins training (done 0) and after every image it is
	// trained on, with the sub-pixels done and planned.
	StageProgress func(done, total int64)
}

// ErrInterrupted is returned by Train when TrainOptions.Stop fires.
var ErrInterrupted = errors.New("domain: training interrupted (checkpoint saved)")

// A Result is a trained domain model and its validation.
type Result struct {
	Model *Model
	Steps int // text training samples read
	// ValBytes is the validation samples' size; ValBitsShipped and
	// ValBits their coded size in bits with the shipped text model and
	// with the domain model (its primer the one chosen), the samples
	// coded in the segments dcar create would code them in (Segments),
	// of which there are ValSegments.
	ValBytes                int64
	ValBitsShipped, ValBits int64
	ValSegments             int
	// SampleSegments is the number of segments dcar create would code
	// all the samples in (training and validation), Primers the primer
	// sizes tried (one unless PrimerAuto), Primer the one chosen and
	// PrimerPays whether it pays for itself carried in an archive of the
	// samples.
	SampleSegments int
	Primers        []PrimerTrial
	Primer         PrimerTrial // the one chosen (Model's)
	PrimerPays     bool
	// Images: training images and steps of the image network, the
	// validation images' sub-pixels and their coded size in bits with
	// the shipped and with the domain network, coded as the default
	// codes them (flat PNGs by the context-mixing stage started cold,
	// others by the network alone; ImageVal 0: no image network
	// trained), and whether the model keeps the network (it does when
	// it saves more than its bytes in an archive of images like the
	// samples, or when nothing else pays).
	Images, ImageSteps, ImageBestSteps int
	ImageVal                           int64
	ImageValBitsShipped, ImageValBits  int64
	ImageNetKept                       bool
	// Stage: the flat training images (model.FlatPNGExpansion) the
	// context-mixing stage's warm start was trained on and their
	// sub-pixels (StageImages 0: none), the flat validation images'
	// sub-pixels and their size in bits coded by the stage (over the
	// network the model keeps) started cold and from the warm start, and
	// whether the model keeps it (it does when it codes them smaller).
	StageImages                    int
	StageSamples, StageVal         int64
	StageValBitsCold, StageValBits int64
	StageKept                      bool
	// StagePrimerBytes is the stored size of the stage's primer (flat
	// training images chosen by coverage; 0: none made), StagePrimerImages
	// and StagePrimerSamples its images and their sub-pixels,
	// StageValBitsPrimed the flat
	// validation images' bits coded from the warm start after it, and
	// StagePrimerKept whether the model has it (it pays for its bytes).
	StagePrimerBytes   int
	StagePrimerImages  int
	StagePrimerSamples int64
	StageValBitsPrimed int64
	StagePrimerKept    bool
}

// splitImages separates the samples the image network codes (IsImage)
// from the others.
func splitImages(samples []Sample) (imgs, other []Sample) {
	for _, s := range samples {
		if IsImage(s.Data) {
			imgs = append(imgs, s)
		} else {
			other = append(other, s)
		}
	}
	return imgs, other
}

// Train fits a domain model to the training samples: the image
// network, the shipped one's image modality fine-tuned on the training
// images (trainImages), when there are images, kept if it repays its
// bytes (imagePart.netPays), and the warm start of the pixel codecs'
// context-mixing stage over the network kept, trained on the flat
// images (trainStage) and kept if it pays; the warm start of
// cm-text's text model (version 8), learned from the shipped one by
// bitcm.TrainWarm (the trainer of the shipped warm start) over the
// text samples in order, each as a segment of its own (with Warm); and a
// primer of PrimerBytes chosen from the text samples by coverage
// (Primers; with PrimerAuto, of the size validation favours). It
// measures the validation samples with the shipped and the domain
// model. The images and the text warm start share the Deadline by their
// sizes.
func Train(train, val []Sample, opts TrainOptions) (*Result, error) {
	base, err := model.Default()
	if err != nil {
		return nil, err
	}
	trImg, train := splitImages(train)
	valImg, val := splitImages(val)
	var img *imagePart
	if len(trImg) > 0 {
		deadline := opts.Deadline
		if !deadline.IsZero() && opts.Warm && len(train) > 0 {
			var ib, tb int64
			for _, s := range trImg {
				ib += int64(len(s.Data))
			}
			for _, s := range train {
				tb += int64(len(s.Data))
			}
			deadline = time.Now().Add(time.Duration(float64(time.Until(deadline)) * float64(ib) / float64(ib+tb)))
		}
		stageDeadline := deadline
		if !deadline.IsZero() {
			// the network's share ends where the warm start's begins
			deadline = deadline.Add(-stageTime(trImg, valImg, opts.Jobs))
		}
		if img, err = trainImages(base, trImg, valImg, opts, deadline); err != nil {
			return nil, err
		}
		// The network stays if it pays for its bytes on images coded as
		// the default codes them; the stage's warm start is trained over
		// the network the model will have.
		nb, err := Encode(base.Fingerprint, "", Parts{Image: img.weights})
		if err != nil {
			return nil, err
		}
		img.keepNet = img.netPays(slices.Concat(trImg, valImg), len(nb))
		net := base
		if img.keepNet {
			if net, err = model.Decode("domain", img.weights); err != nil {
				return nil, err
			}
		}
		cold := img.valShipped // the flat validation images, coded by the stage started cold over net
		if img.keepNet {
			cold = img.valIn
		}
		if img.stage, err = trainStage(net.Net, trImg, valImg, cold, opts, stageDeadline); err != nil {
			return nil, err
		}
		if !img.keepNet && img.stageWarm() == nil {
			img.keepNet = true // nothing pays: the network, which the user asked for, and the report says so
		}
	}
	if len(train) == 0 {
		if img == nil {
			return nil, errors.New("domain: no training sample")
		}
		return imageResult(base, img, len(trImg), opts.Seed)
	}
	cfg, err := textModels[version].shipped()
	if err != nil {
		return nil, err
	}
	steps := len(train)
	if !opts.Warm {
		steps = 0
	}
	if opts.Steps > 0 {
		steps = min(steps, opts.Steps)
	}
	var total int64
	for _, s := range train[:steps] {
		total += int64(len(s.Data))
	}
	plan := planHash(train[:steps], opts.Seed)
	w, done := cfg.Warm, 0
	if opts.Checkpoint != "" {
		if cw, cd, ok := resume(opts.Checkpoint, plan); ok && cd <= steps {
			w, done = cw, cd
		}
	}
	save := func() error {
		if opts.Checkpoint == "" || done == 0 {
			return nil
		}
		b, err := Encode(base.Fingerprint, checkpointInfo(plan, done), Parts{Text: w})
		if err != nil {
			return err
		}
		return model.WriteFileAtomic(opts.Checkpoint, b)
	}
	var read int64
	for _, s := range train[:done] {
		read += int64(len(s.Data))
	}
	saved := time.Now()
	for done < steps {
		if err := interrupted(opts.Stop, save); err != nil {
			return nil, err
		}
		if !opts.Deadline.IsZero() && time.Now().After(opts.Deadline) {
			break
		}
		c := cfg
		c.Warm = w
		if w, err = bitcm.TrainWarm(c, [][]byte{train[done].Data}, nil); err != nil {
			return nil, err
		}
		read += int64(len(train[done].Data))
		done++
		if opts.Progress != nil {
			opts.Progress(read, total)
		}
		if done < steps && time.Since(saved) >= opts.CheckpointInterval {
			if err := save(); err != nil {
				return nil, err
			}
			saved = time.Now()
		}
	}
	if w == cfg.Warm {
		w = nil // the shipped warm start
		if opts.Warm {
			return nil, errors.New("domain: no training sample was read")
		}
	}
	warm := "the shipped warm start"
	if w != nil {
		warm = fmt.Sprintf("a warm start from %d training samples (%d bytes)", done, read)
	}
	var parts Parts
	if img != nil {
		parts = img.parts()
	}
	parts.Text = w
	encode := func(primer []byte) ([]byte, error) {
		info := fmt.Sprintf("dcar train: %s, a primer of %d bytes, seed %d", warm, len(primer), opts.Seed)
		if img != nil {
			info += fmt.Sprintf("; %s", imageInfo(img, len(trImg)))
		}
		p := parts
		p.Primer = primer
		return Encode(base.Fingerprint, info, p)
	}
	// What the model costs an archive beside its text parts (the
	// primer, the warm start): its image network's bytes, which the
	// images repay; nothing when it is text only.
	baseBytes := 0
	if img != nil {
		b, err := Encode(base.Fingerprint, "", img.parts())
		if err != nil {
			return nil, err
		}
		baseBytes = len(b)
	}
	sizes := []int{opts.PrimerBytes}
	if opts.PrimerBytes == PrimerAuto {
		sizes = PrimerSizes
	}
	primers := Primers(train, sizes...)
	res := &Result{Steps: done, SampleSegments: len(cut(slices.Concat(train, val)))}
	if img != nil {
		res.setImage(img, len(trImg))
	}
	for _, s := range val {
		res.ValBytes += int64(len(s.Data))
	}
	segs := Segments(val)
	res.ValSegments = len(segs)
	if res.ValBitsShipped, err = codedBits(segs, cfg, opts.Jobs); err != nil {
		return nil, err
	}
	var models []*Model
	for i, primer := range primers {
		if i > 0 && len(primer) == len(primers[i-1]) {
			break // the samples have no more to give
		}
		b, err := encode(primer)
		if err != nil {
			return nil, err
		}
		m, err := Parse(b)
		if err != nil {
			return nil, err
		}
		dc, _ := m.TextConfig()
		t := PrimerTrial{PrimerBytes: len(primer), Cost: len(b) - baseBytes + RecordOverhead}
		if t.ValBits, err = codedBits(segs, dc, opts.Jobs); err != nil {
			return nil, err
		}
		res.Primers = append(res.Primers, t)
		m.primed = new(bitcm.Primed) // let the state validation kept go
		models = append(models, m)
	}
	best := 0
	if opts.PrimerBytes == PrimerAuto {
		best = -1
		for i, t := range res.Primers {
			if res.net(t) > 0 && (best < 0 || res.net(t) > res.net(res.Primers[best])) {
				best = i
			}
		}
		res.PrimerPays = best >= 0
		if best < 0 {
			// No size pays carried: the one for a model referenced, or
			// the largest the samples gave.
			best = len(res.Primers) - 1
			for i, t := range res.Primers {
				if t.PrimerBytes == DefaultPrimer {
					best = i
				}
			}
		}
	}
	res.Model, res.Primer, res.ValBits = models[best], res.Primers[best], res.Primers[best].ValBits
	return res, nil
}

// PrimerAuto as TrainOptions.PrimerBytes makes Train choose the
// primer's size among PrimerSizes: the one that makes an archive of
// the samples themselves (their number of segments, Result.
// SampleSegments) smallest with the model carried, by what each size
// saved per validation segment; when none pays carried,
// DefaultPrimer, the size that pays with the model referenced.
const PrimerAuto = -1

// PrimerSizes are the primer sizes PrimerAuto chooses among, and
// DefaultPrimer the one for a model shared out of band (--model-ref):
// on the Go split of docs/ABLATIONS.md, 1 MiB saved 4.7 % referenced
// and 2 MiB 6.4 %, at twice the primer's reading time.
var PrimerSizes = []int{128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20}

const DefaultPrimer = 1 << 20

// RecordOverhead is what an archive's model record adds to the model
// file's bytes (its entry framing), at most.
const RecordOverhead = 16

// A PrimerTrial is the validation of one primer size.
type PrimerTrial struct {
	PrimerBytes int
	Cost        int   // what the model's text parts cost an archive that carries it, in bytes
	ValBits     int64 // the validation segments coded with it
}

// net is what a carried model with trial t's primer saves an archive of
// the samples themselves, in bytes: its saving per validation segment
// times their segments, less its cost.
func (r *Result) net(t PrimerTrial) float64 {
	return float64(r.ValBitsShipped-t.ValBits)/8/float64(max(r.ValSegments, 1))*float64(r.SampleSegments) - float64(t.Cost)
}

// BreakEven is the number of segments an archive needs for what the
// primer of t saves at each to repay its cost when carried (+Inf when
// it saves nothing).
func (r *Result) BreakEven(t PrimerTrial) float64 {
	saved := float64(r.ValBitsShipped-t.ValBits) / 8 / float64(max(r.ValSegments, 1))
	if saved <= 0 {
		return math.Inf(1)
	}
	return math.Ceil(float64(t.Cost) / saved)
}

// ValSegment is the largest segment validation codes, as a solid group
// of dcar create (archive's solidGroupSize), and ValSolidMax the
// largest sample it puts in one (archive's solidMaxFile): a larger
// sample is a segment of its own, as dcar create codes a larger file.
const (
	ValSegment  = 4 << 20
	ValSolidMax = 128 << 10
)

// Segments cuts samples into the segments dcar create would code them
// in: each sample above ValSolidMax alone (in blocks of up to about
// ValSegment), the smaller ones together in groups of up to ValSegment
// bytes, each sample in one.
func Segments(samples []Sample) [][]byte {
	var segs [][]byte
	for _, pieces := range cut(samples) {
		var seg []byte
		for _, p := range pieces {
			seg = append(seg, samples[p.sample].Data[p.off:p.end]...)
		}
		segs = append(segs, seg)
	}
	return segs
}

// A piece is a range of a sample's bytes.
type piece struct{ sample, off, end int }

// cut is Segments as ranges of the samples.
func cut(samples []Sample) [][]piece {
	var segs [][]piece
	group, size := -1, 0 // the open group's index in segs, and its size
	for i, s := range samples {
		n := len(s.Data)
		if n > ValSolidMax {
			blocks := max(1, (n+ValSegment/2)/ValSegment)
			step := (n + blocks - 1) / blocks
			for off := 0; off < n; off += step {
				segs = append(segs, []piece{{i, off, min(off+step, n)}})
			}
			continue
		}
		if n == 0 {
			continue
		}
		if group >= 0 && size+n <= ValSegment {
			segs[group] = append(segs[group], piece{i, 0, n})
			size += n
			continue
		}
		group, size = len(segs), n
		segs = append(segs, []piece{{i, 0, n}})
	}
	return segs
}

// codedBits is the size in bits of the segments coded with cfg, jobs at
// a time.
func codedBits(segs [][]byte, cfg bitcm.Config, jobs int) (int64, error) {
	return codedBitsOf(len(segs), jobs, func(i int) ([]byte, error) { return bitcm.Encode(segs[i], cfg) })
}

// codedBitsOf is the size in bits of code(0..n-1)'s outputs, jobs at a
// time.
func codedBitsOf(n, jobs int, code func(i int) ([]byte, error)) (int64, error) {
	sizes, err := codedSizesOf(n, jobs, code)
	return sum(sizes), err
}

// sum is the sum of v.
func sum(v []int64) (s int64) {
	for _, x := range v {
		s += x
	}
	return s
}

// codedSizesOf is the size in bits of each of code(0..n-1)'s outputs,
// jobs at a time.
func codedSizesOf(n, jobs int, code func(i int) ([]byte, error)) ([]int64, error) {
	sizes := make([]int64, n)
	errs := make([]error, n)
	sem := make(chan struct{}, max(jobs, 1))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out, err := code(i)
			sizes[i], errs[i] = 8*int64(len(out)), err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return sizes, nil
}

// planHash identifies a training run: the seed and the samples (names
// and contents) in order.
func planHash(train []Sample, seed uint64) string {
	h := sha256.New()
	h.Write(binary.LittleEndian.AppendUint64(nil, seed))
	for _, s := range train {
		sum := sha256.Sum256(s.Data)
		h.Write([]byte(s.Name))
		h.Write([]byte{0})
		h.Write(sum[:])
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:16])
}

const checkpointPrefix = "dcar train checkpoint: plan "

func checkpointInfo(plan string, done int) string {
	return fmt.Sprintf("%s%s steps %d", checkpointPrefix, plan, done)
}

// resume reads a checkpoint of the run plan: its warm start and the
// steps it had done. A missing, damaged or foreign checkpoint is not
// resumed from (ok false).
func resume(path, plan string) (*bitcm.Warm, int, bool) {
	if _, err := os.Stat(path); err != nil {
		return nil, 0, false
	}
	m, err := Load(path)
	if err != nil {
		return nil, 0, false
	}
	rest, ok := strings.CutPrefix(m.Info, checkpointPrefix+plan+" steps ")
	if !ok {
		return nil, 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n <= 0 {
		return nil, 0, false
	}
	return m.text, n, true
}

func imageInfo(img *imagePart, images int) string {
	s := fmt.Sprintf("the image network fine-tuned on %d images, %d steps (kept: the network after %d)", images, img.steps, img.best)
	if !img.keepNet {
		s = fmt.Sprintf("the image network fine-tuned on %d images, %d steps (not kept: it did not pay for its bytes on the validation images)", images, img.steps)
	}
	if st := img.stage; st != nil && st.warm != nil {
		kept := "not kept: it did not pay on the validation images"
		if img.stageWarm() != nil {
			kept = "kept"
		}
		s += fmt.Sprintf("; the context-mixing stage's warm start trained on %d flat images, %d sub-pixels (%s)", st.images, st.samples, kept)
		if st.primer != nil {
			kept = "not kept: it did not pay for its bytes on the validation images"
			if img.stagePrimer() != nil {
				kept = "kept"
			}
			s += fmt.Sprintf("; the stage's primer: %d flat images chosen by coverage, %d sub-pixels, %d bytes (%s)", st.primer.Images(), st.primer.Samples(), st.primer.Size(), kept)
		}
	}
	return s
}

func (r *Result) setImage(img *imagePart, images int) {
	r.Images, r.ImageSteps, r.ImageBestSteps = images, img.steps, img.best
	r.ImageVal, r.ImageValBitsShipped, r.ImageValBits = img.valSamples, sum(img.valShipped), sum(img.valIn)
	r.ImageNetKept = img.keepNet
	if st := img.stage; st != nil {
		r.StageImages, r.StageSamples, r.StageVal = st.images, st.samples, st.valSamples
		r.StageValBitsCold, r.StageValBits, r.StageKept = st.valCold, st.valWarm, img.stageWarm() != nil
		if st.primer != nil {
			r.StagePrimerBytes, r.StageValBitsPrimed = st.primer.Size(), st.valPrimed
			r.StagePrimerImages, r.StagePrimerSamples = st.primer.Images(), st.primer.Samples()
			r.StagePrimerKept = img.stagePrimer() != nil
		}
	}
}

// imageResult is the result of a training on images alone.
func imageResult(base *model.Model, img *imagePart, images int, seed uint64) (*Result, error) {
	info := fmt.Sprintf("dcar train: %s, seed %d", imageInfo(img, images), seed)
	b, err := Encode(base.Fingerprint, info, img.parts())
	if err != nil {
		return nil, err
	}
	m, err := Parse(b)
	if err != nil {
		return nil, err
	}
	res := &Result{Model: m}
	res.setImage(img, images)
	return res, nil
}

// interrupted returns, once stop is closed, the error of save (the
// checkpoint) or else ErrInterrupted; nil while stop is open.
func interrupted(stop <-chan struct{}, save func() error) error {
	select {
	case <-stop:
		if err := save(); err != nil {
			return err
		}
		return ErrInterrupted
	default:
		return nil
	}
}
