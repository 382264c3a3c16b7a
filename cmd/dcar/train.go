package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/domain"
	"github.com/urfave/cli/v2"
)

// Limits of what dcar train reads: text files up to maxTrainFile (larger
// ones are coded in blocks the warm start matters little for), images up
// to maxTrainImage, samples up to maxTrainBytes in all.
const (
	maxTrainFile  = 4 << 20
	maxTrainImage = 64 << 20
	maxTrainBytes = 256 << 20 // more than 20 minutes of training reads
	valBytes      = 2 << 20   // validation held back: a tenth of the samples, at most this
)

func trainCommand() *cli.Command {
	return &cli.Command{
		Name:      "train",
		Usage:     "fit a domain model (.dcm) to sample files, for dcar create --model: for images (PNG, PGM/PPM/PAM; 8-bit grey or colour), the shipped network's image modality fine-tuned to them (kept when it repays its bytes) and, from flat PNGs (screenshots, pages), the pixel context-mixing stage's warm start; for text, a primer (dictionary) that the text model reads before each segment, and with --warm its learned start values fitted to them",
		ArgsUsage: "PATH...",
		Flags: []cli.Flag{
			jobsFlag, quietFlag,
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "write the domain model to `FILE` (checkpoints FILE.ckpt and, for images, FILE.ckpt.net beside it while training)"},
			&cli.Float64Flag{Name: "minutes", Value: 20, Usage: "time budget of the training pass (validation comes after it)"},
			&cli.IntFlag{Name: "steps", Usage: "train the text warm start on at most `N` sample files (0: all the budget allows); with step budgets the model bytes depend only on the files and the seed"},
			&cli.IntFlag{Name: "image-steps", Usage: "train the image network for at most `N` steps (0: as many as --minutes allows, about 15 a second on 2 cores); it stops sooner when the images it holds out of training stop improving"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the validation split and the training order"},
			&cli.StringFlag{Name: "primer", Value: "auto", Usage: "KiB of sample text the model reads before the text segments, as a dictionary (0: none; at most 4096), or auto: the size (128 KiB to 2 MiB) that makes an archive of as much such text as the samples smallest with the model carried, else 1024, which pays with --model-ref; an archive reads it once per table size, about 5 s per MiB, on both sides"},
			&cli.BoolFlag{Name: "warm", Usage: "also fit the text model's warm start to the samples (the training pass, --minutes/--steps): ~1 MB more model for well under 1 % on text coded in solid groups; pays with --model-ref on archives of small files"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return usageErr("train needs at least one PATH of sample files")
			}
			primer := domain.PrimerAuto
			if p := c.String("primer"); p != "auto" {
				k, err := strconv.Atoi(p)
				if err != nil || k < 0 || k > 4096 {
					return usageErr("--primer must be auto or 0 to 4096 (KiB)")
				}
				primer = k << 10
			}
			if c.Float64("minutes") <= 0 || c.Int("steps") < 0 || c.Int("image-steps") < 0 {
				return usageErr("--minutes must be positive, --steps and --image-steps at least 0")
			}
			start := time.Now()
			samples, images, skipped, err := collectSamples(c.Args().Slice())
			if err != nil {
				return inputErr(err)
			}
			if len(samples) < 2 {
				return cli.Exit(fmt.Sprintf("dcar train: %d text files and images found (%d other files skipped); it needs at least 2", len(samples), skipped), exitError)
			}
			if images == 0 && !c.Bool("warm") && primer == 0 {
				return usageErr("--primer 0 needs --warm (or images): the model would replace nothing")
			}
			var all int64
			for _, s := range samples {
				all += int64(len(s.Data))
			}
			train, val := domain.Split(samples, c.Uint64("seed"), min(valBytes, all/10))
			var tb, vb int64
			for _, s := range train {
				tb += int64(len(s.Data))
			}
			for _, s := range val {
				vb += int64(len(s.Data))
			}
			fmt.Fprintf(os.Stderr, "dcar train: %d files (%d bytes; %d images in all) for training, %d (%d bytes) held back for validation; %d other files skipped\n",
				len(train), tb, images, len(val), vb, skipped)
			out := c.String("output")
			stop := make(chan struct{})
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sig)
			go func() {
				if _, ok := <-sig; ok {
					close(stop)
				}
			}()
			bar := newProgress(tb, "train", c.Bool("quiet"))
			opts := domain.TrainOptions{Seed: c.Uint64("seed"), Steps: c.Int("steps"), Checkpoint: out + ".ckpt", CheckpointInterval: time.Minute,
				Stop: stop, Jobs: c.Int("jobs"), Warm: c.Bool("warm"), PrimerBytes: primer, ImageSteps: c.Int("image-steps")}
			if !c.IsSet("steps") {
				opts.Deadline = start.Add(time.Duration(c.Float64("minutes") * float64(time.Minute)))
			}
			opts.Progress = trainProgress(bar, c.Bool("quiet"), opts.Deadline)
			opts.ImageProgress = imageProgress(c.Bool("quiet"))
			opts.StageProgress = stageProgress(c.Bool("quiet"))
			res, err := domain.Train(train, val, opts)
			bar.finish()
			if errors.Is(err, domain.ErrInterrupted) {
				return cli.Exit(fmt.Sprintf("dcar train: interrupted; the same command resumes from %s", opts.Checkpoint), 130)
			}
			if err != nil {
				return err
			}
			if err := model.WriteFileAtomic(out, res.Model.Bytes()); err != nil {
				return err
			}
			os.Remove(opts.Checkpoint)
			os.Remove(opts.Checkpoint + ".net")
			fmt.Fprintf(os.Stderr, "dcar train: %s: %d bytes, domain model %x, in %s\n",
				out, len(res.Model.Bytes()), res.Model.Fingerprint[:], time.Since(start).Round(time.Second))
			if res.Images > 0 {
				reportImages(res)
				reportStage(res)
			}
			if res.ValBytes == 0 {
				return nil
			}
			if res.Steps > 0 {
				fmt.Fprintf(os.Stderr, "dcar train: text: the warm start fitted to %d files\n", res.Steps)
			}
			reportPrimers(res, primer == domain.PrimerAuto)
			return nil
		},
	}
}

// reportPrimers reports the primer sizes tried (auto) and what the
// chosen one costs and saves: the segments an archive needs for the
// savings to repay the carried model (a primer saves at each segment's
// start), in segments as dcar create cuts text (files above 128 KiB
// alone, smaller ones in solid groups of 4 MiB) and in bytes of text
// cut like the validation files.
func reportPrimers(res *domain.Result, auto bool) {
	perSeg := float64(res.ValBytes) / float64(max(res.ValSegments, 1)) // bytes per segment
	mb := func(segs float64) string {
		b := segs * perSeg
		if b < 10e6 {
			return fmt.Sprintf("%.1f MB", b/1e6)
		}
		return fmt.Sprintf("%.0f MB", b/1e6)
	}
	pct := func(bits int64) float64 { return 100 * (float64(bits)/float64(max(res.ValBitsShipped, 1)) - 1) }
	if auto && len(res.Primers) > 1 {
		fmt.Fprintf(os.Stderr, "dcar train: text: primer sizes, on the held-back files (%d segments); an archive of all the samples would have %d:\n", res.ValSegments, res.SampleSegments)
		for _, t := range res.Primers {
			be := "never pays carried"
			if n := res.BreakEven(t); !math.IsInf(n, 1) {
				be = fmt.Sprintf("pays carried from %.0f segments (%s of such text)", n, mb(n))
			}
			fmt.Fprintf(os.Stderr, "dcar train:   %4d KiB: %7d bytes carried, validation %+.2f %%, %s\n", t.PrimerBytes>>10, t.Cost, pct(t.ValBits), be)
		}
	}
	chosen := res.Primer
	bpc := func(bits int64) float64 { return float64(bits) / float64(max(res.ValBytes, 1)) }
	fmt.Fprintf(os.Stderr, "dcar train: text: validation (%d bytes in %d segments, cut as dcar create cuts text): %.4f bits/byte with the shipped model, %.4f with the domain model (%+.2f %%)\n",
		res.ValBytes, res.ValSegments, bpc(res.ValBitsShipped), bpc(res.ValBits), pct(res.ValBits))
	n := res.BreakEven(chosen)
	switch {
	case math.IsInf(n, 1):
		fmt.Fprintf(os.Stderr, "dcar train: text: the domain model codes the held-back files no smaller than the shipped one: it does not pay on this data\n")
	case auto && !res.PrimerPays:
		fmt.Fprintf(os.Stderr, "dcar train: text: no primer size pays for itself carried in an archive of as much text as the samples; the %d KiB one pays carried from about %.0f segments (%s of such text), with --model-ref from the first file\n", chosen.PrimerBytes>>10, n, mb(n))
	default:
		fmt.Fprintf(os.Stderr, "dcar train: text: a primer of %d KiB; carried in an archive (create --model), the model pays for itself from about %.0f segments (%s of such text); with --model-ref from the first file\n", chosen.PrimerBytes>>10, n, mb(n))
	}
}

// trainProgress reports training progress: on the bar when stderr is a
// terminal, else (unless quiet) as a line every 30 seconds with the
// bytes done, the time and the time left (by the rate so far, capped
// by the deadline).
func trainProgress(bar *progress, quiet bool, deadline time.Time) func(done, total int64) {
	if f := bar.fn(); f != nil {
		return func(done, _ int64) { f(done) }
	}
	if quiet {
		return nil
	}
	start, last := time.Now(), time.Now()
	return func(done, total int64) {
		now := time.Now()
		if now.Sub(last) < 30*time.Second && done < total {
			return
		}
		last = now
		el := now.Sub(start)
		eta := time.Duration(float64(el) * float64(total-done) / float64(max(done, 1)))
		if !deadline.IsZero() && now.Add(eta).After(deadline) {
			eta = max(deadline.Sub(now), 0)
		}
		fmt.Fprintf(os.Stderr, "dcar train: %.1f of %.1f MB, %s, ETA %s\n", float64(done)/1e6, float64(total)/1e6, el.Round(time.Second), eta.Round(time.Second))
	}
}

// collectSamples reads the text files and images below paths (in
// lexical order of their paths, as dcar create walks), text files up to
// maxTrainFile bytes, images up to maxTrainImage, up to maxTrainBytes in
// all, and counts the images and the other files it skips.
func collectSamples(paths []string) (out []domain.Sample, images, skipped int, err error) {
	var files []string
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			if fi, err := d.Info(); err != nil || fi.Size() == 0 || fi.Size() > maxTrainImage {
				skipped++ // not read: empty, or larger than any sample read
				return nil
			}
			files = append(files, p)
			return nil
		})
		if err != nil {
			return nil, 0, 0, err
		}
	}
	sort.Strings(files)
	var total int64
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, 0, 0, err
		}
		k := codec.Sniff(b[:min(len(b), codec.SniffLen)])
		text := k.Modality == format.ModalityText && len(b) <= maxTrainFile
		image := k.Modality == format.ModalityImage && domain.IsImage(b)
		if !text && !image || total+int64(len(b)) > maxTrainBytes {
			skipped++
			continue
		}
		if image {
			images++
		}
		total += int64(len(b))
		out = append(out, domain.Sample{Name: filepath.ToSlash(p), Data: b})
	}
	return out, images, skipped, nil
}

// stageProgress reports the training of the context-mixing stage's
// warm start (unless quiet): a line every 30 seconds from its call with
// done 0, when it begins, with the time left at the rate so far.
func stageProgress(quiet bool) func(done, total int64) {
	if quiet {
		return nil
	}
	var start, last time.Time
	return func(done, total int64) {
		now := time.Now()
		if done == 0 {
			start, last = now, now // the stage begins
			return
		}
		if now.Sub(last) < 30*time.Second && done < total {
			return
		}
		last = now
		eta := time.Duration(float64(now.Sub(start)) * float64(total-done) / float64(max(done, 1)))
		fmt.Fprintf(os.Stderr, "dcar train: context-mixing stage: %d of %d sub-pixels, %s, ETA %s\n", done, total, now.Sub(start).Round(time.Second), eta.Round(time.Second))
	}
}

// imageProgress reports the image network's training steps (unless
// quiet): a line every 30 seconds with the time left at the rate of the
// steps so far.
func imageProgress(quiet bool) func(done, planned int) {
	if quiet {
		return nil
	}
	start, last := time.Now(), time.Now()
	var t0 time.Time
	d0 := 0
	return func(done, planned int) {
		now := time.Now()
		if planned == 0 {
			return // timing the first steps
		}
		if t0.IsZero() {
			t0, d0 = now, done
		}
		if now.Sub(last) < 30*time.Second && done < planned {
			return
		}
		last = now
		eta := time.Duration(float64(now.Sub(t0)) * float64(planned-done) / float64(max(done-d0, 1)))
		fmt.Fprintf(os.Stderr, "dcar train: image network: step %d of %d, %s, ETA %s\n", done, planned, now.Sub(start).Round(time.Second), eta.Round(time.Second))
	}
}

// reportImages prints the image network's validation and break-even.
func reportImages(res *domain.Result) {
	bps := func(bits int64) float64 { return float64(bits) / float64(max(res.ImageVal, 1)) }
	kept := ""
	if res.ImageBestSteps != res.ImageSteps {
		kept = fmt.Sprintf("; kept the network after %d (best on the images held out of training)", res.ImageBestSteps)
	}
	fmt.Fprintf(os.Stderr, "dcar train: images: the network fine-tuned on %d images, %d steps%s\n", res.Images, res.ImageSteps, kept)
	if res.ImageVal == 0 {
		fmt.Fprintf(os.Stderr, "dcar train: images: no image was held back for validation\n")
		return
	}
	fmt.Fprintf(os.Stderr, "dcar train: images: validation (%d sub-pixels, coded as the default codes them: flat PNGs through the context-mixing stage): %.4f bits/sub-pixel with the shipped network, %.4f with the domain network (%+.2f %%)\n",
		res.ImageVal, bps(res.ImageValBitsShipped), bps(res.ImageValBits), 100*(float64(res.ImageValBits)/float64(max(res.ImageValBitsShipped, 1))-1))
	switch saved := res.ImageValBitsShipped - res.ImageValBits; {
	case !res.ImageNetKept:
		fmt.Fprintf(os.Stderr, "dcar train: images: the domain network does not save its bytes on images like these: the model keeps the shipped network\n")
	case saved > 0:
		mp := float64(len(res.Model.Bytes())+16) * 8 / float64(saved) * float64(res.ImageVal) / 1e6
		fmt.Fprintf(os.Stderr, "dcar train: images: carried in an archive (create --model), the model pays for itself from about %.0f million sub-pixels (%.1f MP of colour) of such images\n", mp, mp/3)
	default:
		fmt.Fprintf(os.Stderr, "dcar train: images: the domain network codes the held-back images no smaller than the shipped one: it does not pay on this data\n")
	}
}

// reportStage prints the validation of the context-mixing stage's warm
// start (flat images: screenshots, pages, diagrams).
func reportStage(res *domain.Result) {
	if res.StageImages == 0 {
		fmt.Fprintf(os.Stderr, "dcar train: flat images: none among the training images (no warm start for the context-mixing stage)\n")
		return
	}
	fmt.Fprintf(os.Stderr, "dcar train: flat images: the context-mixing stage's warm start trained on %d images (%d sub-pixels)\n", res.StageImages, res.StageSamples)
	if res.StageVal == 0 {
		fmt.Fprintf(os.Stderr, "dcar train: flat images: none held back for validation; the warm start is kept\n")
		return
	}
	bps := func(bits int64) float64 { return float64(bits) / float64(res.StageVal) }
	verdict := "kept"
	if !res.StageKept {
		verdict = "not kept: it does not pay on this data"
	}
	fmt.Fprintf(os.Stderr, "dcar train: flat images: validation (%d sub-pixels): %.4f bits/sub-pixel started cold, %.4f from the warm start (%+.2f %%): %s\n",
		res.StageVal, bps(res.StageValBitsCold), bps(res.StageValBits), 100*(float64(res.StageValBits)/float64(max(res.StageValBitsCold, 1))-1), verdict)
	if res.StagePrimerBytes == 0 {
		return
	}
	verdict = "kept"
	if !res.StagePrimerKept {
		verdict = "not kept: it does not pay for its bytes on this data"
	}
	fmt.Fprintf(os.Stderr, "dcar train: flat images: the stage's primer (%d images chosen by coverage, %d sub-pixels, %d bytes): %.4f bits/sub-pixel (%+.2f %% against the warm start alone): %s\n",
		res.StagePrimerImages, res.StagePrimerSamples, res.StagePrimerBytes, bps(res.StageValBitsPrimed), 100*(float64(res.StageValBitsPrimed)/float64(max(res.StageValBits, 1))-1), verdict)
}
