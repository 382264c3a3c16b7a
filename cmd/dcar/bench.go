package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/cmd/dcar/internal/bench"
	"github.com/dcar-archiver/dcar/format"
	"github.com/urfave/cli/v2"
)

func benchCommand() *cli.Command {
	return &cli.Command{
		Name:      "bench",
		Before:    applyJobs,
		Usage:     "compare dcar with the peer compressors on PATH (zstd, xz, 7z, cjxl) on the same files; every round trip is verified; MB/s are input bytes over wall time, CPU-s user + system seconds",
		ArgsUsage: "PATH...",
		Flags: []cli.Flag{
			jobsFlag,
			&cli.IntFlag{Name: "zstd-level", Aliases: []string{"level"}, Value: 19, Usage: "zstd level of the entries dcar codes with zstd"},
			&cli.BoolFlag{Name: "no-peers", Usage: "measure dcar only"},
			&cli.BoolFlag{Name: "fast", Usage: "also measure dcar --fast"},
			&cli.BoolFlag{Name: "best", Usage: "also measure dcar --best (strongest, slower codecs)"},
			&cli.StringFlag{Name: "model", Usage: "also measure dcar --model `FILE` (a domain model from dcar train), carried (its bytes counted with the text or images it codes) and --model-ref"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return usageErr("bench needs at least one PATH")
			}
			paths := c.Args().Slice()
			files, err := bench.Collect(paths)
			if err != nil {
				return err
			}
			tmp, err := os.MkdirTemp("", "dcar-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			models, err := loadModels(c)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "dcar bench: %d files\n", len(files))
			var results []map[format.Modality]*bench.Row
			for _, p := range []archive.Preset{archive.PresetFast, archive.PresetDefault, archive.PresetBest} {
				if p != archive.PresetDefault && !c.Bool(p.String()) {
					continue
				}
				r, err := bench.RunDcar(paths, files, archive.CreateOptions{WriterOptions: archive.WriterOptions{Jobs: c.Int("jobs"), Level: c.Int("zstd-level"), Preset: p}}, tmp)
				if err != nil {
					return fmt.Errorf("dcar --%s: %w", p, err)
				}
				results = append(results, r)
			}
			for _, ref := range []bool{false, true} {
				if models == nil {
					break
				}
				r, err := bench.RunDcar(paths, files, archive.CreateOptions{WriterOptions: archive.WriterOptions{Jobs: c.Int("jobs"), Level: c.Int("zstd-level"),
					Domain: models[0], DomainRef: ref}}, tmp)
				if err != nil {
					return fmt.Errorf("dcar --model: %w", err)
				}
				results = append(results, r)
			}
			if !c.Bool("no-peers") {
				for _, p := range bench.Peers() {
					fmt.Fprintf(os.Stderr, "dcar bench: running %s\n", p.Name)
					r, err := bench.RunPeer(context.Background(), p, files, tmp)
					if err != nil {
						fmt.Fprintf(os.Stderr, "dcar bench: %s: %v\n", p.Name, err)
						continue
					}
					if r == nil {
						fmt.Fprintf(os.Stderr, "dcar bench: %s not found on PATH, skipped\n", p.Name)
						continue
					}
					results = append(results, r)
				}
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "modality\ttool\tfiles\tinput bytes\tpacked bytes\tbits\tunit\tcomp MB/s\tdecomp MB/s\tcomp CPU-s\tdecomp CPU-s\tverified\t")
			for _, r := range bench.Sorted(results) {
				bits, unit := r.BitsPerUnit()
				ok := "yes"
				if !r.Verified {
					ok = "NO"
				}
				if r.Note != "" {
					ok += " (" + r.Note + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.4f\t%s\t%.2f\t%.2f\t%.1f\t%.1f\t%s\t\n", r.Modality, r.Tool, r.Files, r.Raw, r.Packed,
					bits, unit, float64(r.Raw)/1e6/max(r.CompSec, 1e-9), float64(r.Raw)/1e6/max(r.DecSec, 1e-9), r.CompCPU, r.DecCPU, ok)
			}
			return tw.Flush()
		},
	}
}
