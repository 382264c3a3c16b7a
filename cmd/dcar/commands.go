package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

var (
	jobsFlag    = &cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: runtime.NumCPU(), Usage: "parallel coders (the archive bytes are the same for any value)"}
	verboseFlag = &cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print each entry's path on stderr"}
	quietFlag   = &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress bar"}
	// modelFlag gives the domain model (dcar train) of an archive that
	// refers to it without carrying it (create --model-ref).
	modelFlag = &cli.StringFlag{Name: "model", Usage: "the domain model `FILE` (.dcm, from dcar train) the archive was created with, when the archive does not carry it (create --model-ref)"}
)

// loadModels loads the domain model --model names, if any.
func loadModels(c *cli.Context) ([]*domain.Model, error) {
	if !c.IsSet("model") {
		return nil, nil
	}
	m, err := domain.Load(c.String("model"))
	if err != nil {
		return nil, err
	}
	return []*domain.Model{m}, nil
}

func createCommand() *cli.Command {
	return &cli.Command{
		Name:      "create",
		Before:    applyJobs,
		Aliases:   []string{"c"},
		Usage:     "create an archive from files and directories",
		ArgsUsage: "ARCHIVE PATH...",
		Flags: []cli.Flag{
			jobsFlag, verboseFlag, quietFlag,
			&cli.IntFlag{Name: "zstd-level", Aliases: []string{"level"}, Value: 3, Usage: "zstd level 1..22 of the entries coded with zstd (files no model takes; not a preset: see --fast, --best)"},
			&cli.StringSliceFlag{Name: "exclude", Usage: "skip entries whose path or base name matches `GLOB` (repeatable)"},
			&cli.IntFlag{Name: "block-size", Value: archive.DefaultBlockSize, Usage: "raw bytes per independently coded block (codecs may choose their own)"},
			&cli.BoolFlag{Name: "zstd-only", Usage: "code every file with zstd, skipping the image and text models"},
			&cli.BoolFlag{Name: "no-dedup", Usage: "code every file, even one whose content an earlier file already has (by default it is stored once)"},
			&cli.BoolFlag{Name: "no-solid", Usage: "code every small text file on its own (by default they are coded together in solid groups of up to 4 MiB: smaller, but extracting one file decodes its group)"},
			&cli.BoolFlag{Name: "fast", Usage: presetUsage[archive.PresetFast]},
			&cli.BoolFlag{Name: "best", Usage: presetUsage[archive.PresetBest]},
			&cli.StringFlag{Name: "model", Usage: "code with the domain model `FILE` (.dcm, from dcar train) where it replaces a shipped model; the archive carries the model, so extracting needs nothing else"},
			&cli.BoolFlag{Name: "prime-images", Usage: "with many flat images (screenshots, diagrams; 4 M sub-pixels or more): carry a primer of the pixel stage made of some of them and code every flat image over it (on by default with --best; --prime-images=false turns it off). On GIMP's help screenshots 6.5 % smaller, 24 % more CPU, ~1.4 GB more memory"},
			&cli.BoolFlag{Name: "model-ref", Usage: "with --model: the archive holds only the model's fingerprint (smaller); extract, verify and list then need --model FILE"},
			&cli.StringFlag{Name: "volume-size", Usage: "write a volume set: ARCHIVE.001, ARCHIVE.002, ... of at most `SIZE` content bytes each (K, M, G suffixes, powers of 1024; each volume comes out at or below it plus a little framing), then the manifest ARCHIVE; a file larger than a volume is split across volumes"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 2 {
				return usageErr("create needs an ARCHIVE and at least one PATH")
			}
			if l := c.Int("zstd-level"); l < 1 || l > 22 {
				return usageErr("--zstd-level %d is outside 1..22", l)
			}
			preset, err := presetOf(c)
			if err != nil {
				return err
			}
			if bs := c.Int("block-size"); bs < 4096 || bs > format.MaxBlockSize {
				return usageErr("--block-size %d is outside 4096..%d", bs, format.MaxBlockSize)
			}
			name, roots := c.Args().First(), c.Args().Tail()
			for _, r := range roots {
				if _, err := os.Lstat(r); err != nil {
					return inputErr(err)
				}
			}
			excludes := c.StringSlice("exclude")
			models, err := loadModels(c)
			if err != nil {
				return err
			}
			if c.Bool("model-ref") && models == nil {
				return usageErr("--model-ref needs --model FILE")
			}
			var total int64
			if showProgress(c.Bool("quiet")) {
				// Walk once more up front only to size the progress bar.
				if _, total, err = archive.Plan(roots, excludes); err != nil {
					total = 0 // unknown: Create reports what it cannot read
				}
			}
			if c.IsSet("volume-size") {
				return createSet(c, name, roots, excludes, preset, models)
			}
			if name == "-" && term.IsTerminal(int(os.Stdout.Fd())) {
				return usageErr("refusing to write an archive to a terminal (redirect standard output, or give a file name)")
			}
			bar := newProgress(total, "create", c.Bool("quiet"))
			left := 0
			opts := archive.CreateOptions{
				WriterOptions: archive.WriterOptions{Jobs: c.Int("jobs"), Level: c.Int("zstd-level"), BlockSize: c.Int("block-size"),
					NoModel: c.Bool("zstd-only"), NoDedup: c.Bool("no-dedup"), NoSolid: c.Bool("no-solid"), Preset: preset, Progress: bar.fn(),
					DomainRef: c.Bool("model-ref")},
				Exclude:     excludes,
				PrimeImages: c.Bool("prime-images") || preset == archive.PresetBest && !c.IsSet("prime-images"),
				Warn: func(w archive.Warning) {
					if w.Skipped {
						left++
					}
					bar.println(fmt.Sprintf("dcar: %s: %s", format.DisplayPath(w.Path), trimPrefix(w.Err.Error())))
				},
			}
			if models != nil {
				opts.Domain = models[0]
			}
			if c.Bool("verbose") {
				opts.Verbose = func(h *archive.Header) { bar.println(format.DisplayPath(h.Path)) }
			}
			if name == "-" {
				err = archive.Create(os.Stdout, roots, opts)
			} else {
				err = createFile(name, roots, opts)
			}
			bar.finish()
			if err != nil {
				return inputErr(err)
			}
			if left > 0 {
				return cli.Exit(fmt.Sprintf("%d file(s) left out, named above; the archive holds the rest", left), exitError)
			}
			return nil
		},
	}
}

// createSet is create --volume-size: plan the set, write its volumes
// and then its manifest.
// Each volume carries the domain model of models, if any, or with
// --model-ref refers to it: volumes decode on their own.
func createSet(c *cli.Context, name string, roots, excludes []string, preset archive.Preset, models []*domain.Model) error {
	if name == "-" {
		return usageErr("--volume-size writes several files: give a file name for the set, not -")
	}
	vs, err := archive.ParseSize(c.String("volume-size"))
	if err != nil {
		return usageErr("--volume-size: %v", trimPrefix(err.Error()))
	}
	if vs < int64(c.Int("block-size")) {
		return usageErr("--volume-size %d is below the block size %d", vs, c.Int("block-size"))
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return inputErr(err)
	}
	left := 0
	plan, err := archive.PlanSet(roots, archive.SetOptions{
		// The set's own files, should they lie inside an input directory.
		Exclude:    append(excludes, filepath.Base(abs), filepath.Base(abs)+".[0-9][0-9][0-9]*", "."+filepath.Base(abs)+".*.tmp-*"),
		VolumeSize: vs, BlockSize: c.Int("block-size"),
		Warn: func(w archive.Warning) {
			if w.Skipped {
				left++
			}
			fmt.Fprintf(os.Stderr, "dcar: %s: %s\n", format.DisplayPath(w.Path), trimPrefix(w.Err.Error()))
		},
	})
	if err != nil {
		return inputErr(err)
	}
	var total int64
	for _, v := range plan.Volumes {
		for _, e := range v.Entries {
			total += e.Header.Size
		}
	}
	for i := range plan.Volumes {
		removeStaleTemps(archive.VolumeName(abs, i))
	}
	removeStaleTemps(abs)
	defer onInterrupt(abs, "no manifest written (the volumes written so far stay)")()
	bar := newProgress(total, "create", c.Bool("quiet"))
	opts := archive.VolumeOptions{WriterOptions: archive.WriterOptions{Jobs: c.Int("jobs"), Level: c.Int("zstd-level"), BlockSize: c.Int("block-size"),
		NoModel: c.Bool("zstd-only"), NoDedup: c.Bool("no-dedup"), NoSolid: c.Bool("no-solid"), Preset: preset, Progress: bar.fn(),
		DomainRef: c.Bool("model-ref")}}
	if models != nil {
		opts.Domain = models[0]
	}
	m, err := archive.CreateSet(abs, plan, opts)
	bar.finish()
	if err != nil {
		return inputErr(fmt.Errorf("%w; the manifest was not written", err))
	}
	if c.Bool("verbose") {
		for _, v := range plan.Volumes {
			for _, e := range v.Entries {
				if e.Header.PieceOffset == 0 {
					fmt.Fprintln(os.Stderr, format.DisplayPath(e.Header.Path))
				}
			}
		}
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(os.Stderr, "%s: %d volumes, %d entries\n", name, len(m.Volumes), m.Entries)
	}
	if left > 0 {
		return cli.Exit(fmt.Sprintf("%d file(s) left out, named above; the set holds the rest", left), exitError)
	}
	return nil
}

// openSet returns the set name belongs to (its manifest, or one of its
// volumes), nil if name is not one (a plain archive), or the error of a
// damaged manifest.
func openSet(name string) (*archive.Set, error) {
	if name == "-" {
		return nil, nil
	}
	s, err := archive.OpenSet(name)
	if errors.Is(err, archive.ErrNotSet) {
		return nil, nil
	}
	return s, err
}

// inputErr marks an error of create, where nothing is read from an
// archive: exit status 1 (2 for usage), never "damaged archive".
func inputErr(err error) error {
	if errors.Is(err, errUsage) {
		return err
	}
	return cli.Exit(trimPrefix(err.Error()), exitError)
}

// presetUsage is each preset flag's help, with what it measured
// (README, "Presets").
var presetUsage = map[archive.Preset]string{
	archive.PresetFast: "faster, larger: images through imgctx alone, text through the lite context-mixing model, JPEGs through cm-jpeg as by default, other files zstd (no gzip, bzip2 or binary modelling). Measured on 2 cores: Kodak 3.03 bpsp at 1.6-3.3 MB/s (default 2.81 at 0.49-0.56), text 1.68 bpb at 1.9-3.0 MB/s (default 1.45 at 0.53-0.59)",
	archive.PresetBest: "strongest, slowest: images through the pixel context-mixing stage, all text through the learned network too (model-text; the default gives it only text segments up to 256 KiB), a folder's many flat images primed with some of them (--prime-images). Measured on 2 cores: Kodak 2.24 bpsp at 0.15 MB/s, text 1.43 bpb at 0.15 MB/s",
}

// presetOf returns the preset that create's flags ask for.
func presetOf(c *cli.Context) (archive.Preset, error) {
	fast, best := c.Bool("fast"), c.Bool("best")
	switch {
	case fast && best:
		return 0, usageErr("--fast and --best exclude each other")
	case (fast || best) && c.Bool("zstd-only"):
		return 0, usageErr("--zstd-only excludes --fast and --best")
	case fast:
		return archive.PresetFast, nil
	case best:
		return archive.PresetBest, nil
	}
	return archive.PresetDefault, nil
}

// createFile writes the archive to a temporary file beside name and
// renames it into place only once it is complete, so that a crash or an
// interrupt never leaves a half archive under the target name.
func createFile(name string, roots []string, opts archive.CreateOptions) error {
	abs, err := filepath.Abs(name)
	if err != nil {
		return err
	}
	for _, r := range roots {
		if ra, err := filepath.Abs(r); err == nil && ra == abs {
			return usageErr("the archive %s would be inside its own input", name)
		}
	}
	removeStaleTemps(abs)
	defer onInterrupt(abs, "no archive written")()
	// Exclude the temporary file from the walk in case it lies inside
	// an input directory.
	opts.Exclude = append(opts.Exclude, archive.TempPattern(abs))
	err = archive.WriteFileAtomic(abs, func(w io.Writer) error { return archive.Create(w, roots, opts) })
	if err != nil {
		return fmt.Errorf("%w; no archive written", err)
	}
	return nil
}

// onInterrupt makes an interrupt remove the temporary files of this
// process beside abs (archive.WriteFileAtomic's, of abs and its volumes),
// say what is left, and exit with status 130. It returns the function
// that undoes it.
func onInterrupt(abs, left string) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		if _, ok := <-sig; ok {
			olds, _ := filepath.Glob(filepath.Join(filepath.Dir(abs), fmt.Sprintf(".%s*.tmp-%d-*", filepath.Base(abs), os.Getpid())))
			for _, o := range olds {
				os.Remove(o)
			}
			fmt.Fprintln(os.Stderr, "dcar: interrupted;", left)
			os.Exit(130)
		}
	}()
	return func() { signal.Stop(sig) }
}

// removeStaleTemps removes the temporary files that runs of dcar which
// no longer exist (killed, the machine crashed) left beside the archive
// abs: ".NAME.tmp-PID-*" where no process PID runs.
func removeStaleTemps(abs string) {
	pattern := filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp-*-*")
	olds, _ := filepath.Glob(pattern)
	for _, old := range olds {
		rest := strings.TrimPrefix(filepath.Base(old), "."+filepath.Base(abs)+".tmp-")
		pid, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, '-'), 0)])
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.Remove(old)
		}
	}
}

// applyJobs makes an explicit --jobs bound all of dcar's parallelism,
// the coders' own included (a bzip2 file's segments), and with it the
// memory of the context-mixing models: one model per job at most.
func applyJobs(c *cli.Context) error {
	if !c.IsSet("jobs") {
		return nil
	}
	n := c.Int("jobs")
	if n < 1 {
		return usageErr("--jobs %d: give at least 1", n)
	}
	runtime.GOMAXPROCS(n)
	return nil
}

func openArchive(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	return os.Open(name)
}

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:      "extract",
		Before:    applyJobs,
		Aliases:   []string{"x"},
		Usage:     "extract an archive (all entries, or the PATHs given and what is below them)",
		ArgsUsage: "ARCHIVE [PATH...]",
		Flags: []cli.Flag{
			jobsFlag, verboseFlag, quietFlag,
			&cli.StringFlag{Name: "directory", Aliases: []string{"C"}, Value: ".", Usage: "extract into `DIR` (created if missing)"},
			&cli.BoolFlag{Name: "overwrite", Usage: "replace existing files"},
			&cli.BoolFlag{Name: "same-owner", Usage: "restore owner and group ids and setuid/setgid bits (the default for root)"},
			&cli.BoolFlag{Name: "no-same-owner", Usage: "extract as the user running dcar, without setuid/setgid bits (the default for others)"},
			modelFlag,
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 {
				return usageErr("extract needs an ARCHIVE")
			}
			name := c.Args().First()
			models, err := loadModels(c)
			if err != nil {
				return err
			}
			set, err := openSet(name)
			if err != nil {
				return err
			}
			var f io.ReadCloser
			var total int64
			if set != nil {
				for _, i := range set.Needed(c.Args().Tail()) {
					total += set.Manifest.Volumes[i].Content
				}
			} else {
				if f, err = openArchive(name); err != nil {
					return err
				}
				defer f.Close()
				total = contentSize(name)
			}
			bar := newProgress(total, "extract", c.Bool("quiet") || total == 0)
			// As tar: root restores owners (and with them set-id bits)
			// unless told not to; other users extract as themselves.
			sameOwner := (os.Geteuid() == 0 || c.Bool("same-owner")) && !c.Bool("no-same-owner")
			opts := archive.ExtractOptions{
				Jobs: c.Int("jobs"), Overwrite: c.Bool("overwrite"), SameOwner: sameOwner,
				Only: c.Args().Tail(), Progress: bar.fn(), Models: models,
			}
			if c.Bool("verbose") {
				opts.Verbose = func(h *archive.Header) { bar.println(format.DisplayPath(h.Path)) }
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			if set != nil {
				err = set.Extract(ctx, c.String("directory"), opts)
			} else {
				err = archive.ExtractContext(ctx, f, c.String("directory"), opts)
			}
			bar.finish()
			if ctx.Err() != nil {
				return cli.Exit("interrupted; the file being written was removed, the entries before it are extracted", 130)
			}
			if err != nil && set != nil {
				return setProblems(err, "extract", "the rest is extracted")
			}
			if err != nil && name != "-" {
				// Name the entry a damaged record belongs to, if the
				// index at the tail is readable.
				if idx, ierr := readIndexQuiet(name); ierr == nil {
					err = archive.Locate(err, idx)
				}
			}
			return err
		},
	}
}

// setProblems prints each problem of a set's extraction or verification
// (joined errors, one per missing or damaged volume, split file or path)
// and returns the exit status the worst of them calls for.
func setProblems(err error, what, rest string) error {
	var errs []error
	var flatten func(error)
	flatten = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				flatten(e)
			}
		} else if err != nil {
			errs = append(errs, err)
		}
	}
	flatten(err)
	code := exitError
	for _, e := range errs {
		fmt.Fprintln(os.Stderr, "dcar:", trimPrefix(e.Error()))
		code = max(code, exitCode(e))
	}
	return cli.Exit(fmt.Sprintf("%s: %d problem(s), named above; %s", what, len(errs), rest), code)
}

type listRow struct {
	Path string `json:"path"`
	// PathEscaped: Path is not valid UTF-8, so it is given in dcar's
	// display escape (format.DisplayPath), which JSON can carry intact.
	PathEscaped bool   `json:"path_escaped,omitempty"`
	Type        string `json:"type"`
	Size        int64  `json:"size"`
	Stored      int64  `json:"stored"`
	Modality    string `json:"modality"`
	MIME        string `json:"mime,omitempty"`
	Codec       string `json:"codec"`
	// Model: the domain model that coded the entry ("domain" and the
	// model file's fingerprint); "" for the shipped models.
	Model string `json:"model,omitempty"`
	// TextModel: the shipped text model that coded the entry ("text
	// model 4", codec.TextModel), shown by list -l.
	TextModel string `json:"text_model,omitempty"`
	// Blocks: raw bytes per block codec, when some blocks of the entry
	// were kept with another codec than the entry's (zstd coded them
	// smaller, or nothing shrank them: store).
	Blocks map[string]int64 `json:"blocks,omitempty"`
	// Fallback: an image the pixel models did not take (a kind dcar
	// does not model, or a file its format package could not rebuild
	// exactly), kept with zstd or stored.
	Fallback bool      `json:"fallback,omitempty"`
	Mode     string    `json:"mode"`
	ModTime  time.Time `json:"mtime"`
	Owner    string    `json:"owner"`
	Link     string    `json:"link,omitempty"`
	// SameAs: the entry whose content a same entry has (deduplication).
	SameAs string `json:"same_as,omitempty"`
	// Group: the solid group whose content holds a part entry's (its
	// stored bytes are in the group's row).
	Group string `json:"group,omitempty"`
	// Volume: the volume of a set the entry is in (its first, for a
	// split file).
	Volume string `json:"volume,omitempty"`
	// Piece: a piece of a split file read from one volume, "OFF+SIZE/FILESIZE"
	// (in a set's listing the pieces are joined into the file's row).
	Piece string `json:"piece,omitempty"`

	pieceOff, fileSize int64
}

func listCommand() *cli.Command {
	return &cli.Command{
		Name:      "list",
		Aliases:   []string{"t"},
		Usage:     "list the entries of an archive",
		ArgsUsage: "ARCHIVE",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "long", Aliases: []string{"l"}, Usage: "mode, owner, size, stored bytes, bits per byte, kind (the sniffed file type), codec (+ the fallback codecs of some blocks; \"(fallback)\": an image the pixel models did not take; the text model or domain model of cm-text and model-text entries), time"},
			&cli.BoolFlag{Name: "json", Usage: "one JSON array of entries"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("list needs exactly one ARCHIVE")
			}
			name := c.Args().First()
			set, err := openSet(name)
			if err != nil {
				return err
			}
			if set != nil {
				return listSet(set, c.Bool("json"), c.Bool("long"))
			}
			idx, ierr := readIndex(name)
			if ierr != nil && len(idx) == 0 {
				return ierr
			}
			rows := listRows(idx)
			if c.Bool("long") || c.Bool("json") {
				addBlockCodecs(name, idx, rows)
				addModels(name, idx, rows)
			}
			if err := printList(os.Stdout, rows, c.Bool("json"), c.Bool("long")); err != nil {
				return err
			}
			if ierr != nil {
				// A damaged or truncated archive: what a scan found is
				// listed above; the damage is the error.
				return fmt.Errorf("%w (%d entries listed, found by scanning)", ierr, len(rows))
			}
			return nil
		},
	}
}

// listRows are the rows of list for an archive's index.
func listRows(idx []format.IndexEntry) []listRow {
	rows := make([]listRow, len(idx))
	for i, e := range idx {
		h := &e.Header
		owner := h.Uname
		if owner == "" {
			owner = fmt.Sprint(h.UID)
		}
		group := h.Gname
		if group == "" {
			group = fmt.Sprint(h.GID)
		}
		rows[i] = listRow{Path: h.Path, Type: h.Type.String(), Size: h.Size, Stored: e.Stored,
			Modality: h.Modality.String(), MIME: h.MIME, Codec: archive.CodecName(h.Codec),
			Mode: fmt.Sprintf("%04o", h.Mode), ModTime: h.ModTime.UTC(), Owner: owner + "/" + group, Link: h.Link}
		if !h.Type.HasContent() {
			rows[i].Codec = "-"
		} else {
			rows[i].TextModel = codec.TextModel(h.Codec, h.Params)
		}
		if h.Modality == format.ModalityImage && h.Size > 0 && (h.Codec == format.CodecZstd || h.Codec == format.CodecStore) {
			rows[i].Fallback = true
		}
		if n, err := format.ParseSameParams(h.Params); h.Codec == format.CodecSame && err == nil && n < i {
			rows[i].SameAs = idx[n].Header.Path
		}
		if g, _, err := format.ParsePartParams(h.Params); h.Codec == format.CodecPart && err == nil && g < i {
			rows[i].Group = idx[g].Header.Path
		}
		if h.IsPiece() {
			rows[i].Piece = fmt.Sprintf("%d+%d/%d", h.PieceOffset, h.Size, h.FileSize)
			rows[i].pieceOff, rows[i].fileSize = h.PieceOffset, h.FileSize
		}
	}
	return rows
}

// listSet lists a set from its volumes' indexes, in order, each split
// file once; a volume that cannot be read is named and skipped.
func listSet(set *archive.Set, asJSON, long bool) error {
	var rows []listRow
	var problems []error
	for i, v := range set.Manifest.Volumes {
		idx, err := set.VolumeIndex(i)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		vr := listRows(idx)
		if long || asJSON {
			addBlockCodecs(set.VolumePath(i), idx, vr)
			addModels(set.VolumePath(i), idx, vr)
		}
		for k := range vr {
			r := &vr[k]
			r.Volume = v.Name
			h := &idx[k].Header
			if last := len(rows) - 1; h.IsPiece() && h.PieceOffset > 0 && last >= 0 && rows[last].Path == r.Path && rows[last].Piece != "" {
				p := &rows[last]
				p.Size += r.Size
				p.Stored += r.Stored
				p.Piece = fmt.Sprintf("%d+%d/%d", p.pieceOff, p.Size, p.fileSize)
				if p.Size == h.FileSize {
					p.Piece = ""
				}
				continue
			}
			rows = append(rows, *r)
		}
	}
	if err := printList(os.Stdout, rows, asJSON, long); err != nil {
		return err
	}
	if len(problems) > 0 {
		return setProblems(errors.Join(problems...), "list", "the entries of the other volumes are listed")
	}
	return nil
}

// printList prints the rows: names only, long (-l) or JSON. Names go
// through the display escape (control characters, invalid UTF-8).
func printList(out io.Writer, rows []listRow, asJSON, long bool) error {
	if asJSON {
		for i := range rows {
			if !utf8.ValidString(rows[i].Path) {
				rows[i].Path, rows[i].PathEscaped = format.DisplayPath(rows[i].Path), true
			}
			if !utf8.ValidString(rows[i].Link) {
				rows[i].Link = format.DisplayPath(rows[i].Link)
			}
			if !utf8.ValidString(rows[i].SameAs) {
				rows[i].SameAs = format.DisplayPath(rows[i].SameAs)
			}
			if !utf8.ValidString(rows[i].Group) {
				rows[i].Group = format.DisplayPath(rows[i].Group)
			}
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if !long {
		for _, r := range rows {
			if r.Type != format.TypeGroup.String() { // not a file
				fmt.Fprintln(out, format.DisplayPath(r.Path))
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "type\tmode\towner\tsize\tstored\tbits/byte\tkind\tcodec\tmodified\t path\t")
	for _, r := range rows {
		bpb := "-"
		if r.Size > 0 {
			bpb = fmt.Sprintf("%.3f", 8*float64(r.Stored)/float64(r.Size))
		}
		name := format.DisplayPath(r.Path)
		if r.Link != "" {
			arrow := " -> "
			if r.Type == "hardlink" {
				arrow = " link to "
			}
			name += arrow + format.DisplayPath(r.Link)
		}
		if r.SameAs != "" {
			name += " same as " + format.DisplayPath(r.SameAs)
		}
		if r.Group != "" {
			name += " in " + format.DisplayPath(r.Group)
		}
		if r.Piece != "" {
			name += fmt.Sprintf(" (a piece: bytes %d to %d of %d)", r.pieceOff, r.pieceOff+r.Size-1, r.fileSize)
		}
		codec, kind := r.Codec, "-"
		if codec != "-" {
			kind = kindName(r.Modality, r.MIME)
		}
		if r.Fallback {
			codec += " (fallback)"
		}
		if r.Model != "" {
			codec += " (" + r.Model + ")"
		} else if r.TextModel != "" {
			codec += " (" + r.TextModel + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t %s\t\n", r.Type, r.Mode, r.Owner, r.Size, r.Stored, bpb,
			kind, codec, r.ModTime.Local().Format("2006-01-02 15:04"), name)
	}
	return tw.Flush()
}

// kindName is the kind column of list -l: the file type sniffing found
// (png, gif, tiff, jpeg, ppm, ...), else the modality.
func kindName(modality, mime string) string {
	short := map[string]string{
		"image/x-portable-graymap": "pgm", "image/x-portable-pixmap": "ppm", "image/x-portable-arbitrarymap": "pam",
		"text/plain": "text", "application/octet-stream": "other",
	}
	if k, ok := short[mime]; ok {
		return k
	}
	if _, sub, ok := strings.Cut(mime, "/"); ok && sub != "" {
		return strings.TrimPrefix(sub, "x-")
	}
	return modality
}

// addBlockCodecs notes, for the entries of a seekable archive whose
// blocks were not all kept with the entry's codec, the codecs that were
// (it reads only the block headers). A pipe is listed without it.
func addBlockCodecs(name string, idx []format.IndexEntry, rows []listRow) {
	if name == "-" {
		return
	}
	f, err := os.Open(name)
	if err != nil {
		return
	}
	defer f.Close()
	for i, e := range idx {
		if !e.Header.Type.HasContent() || e.Header.Size == 0 {
			continue
		}
		by, err := archive.BlockCodecs(f, e)
		if err != nil {
			fmt.Fprintf(os.Stderr, "dcar: %s: %v\n", e.Header.Path, trimPrefix(err.Error()))
			continue
		}
		if _, only := by[e.Header.Codec]; only && len(by) == 1 {
			continue
		}
		if e.Header.Modality == format.ModalityImage && by[e.Header.Codec] == 0 && by[format.CodecZstd]+by[format.CodecStore] == e.Header.Size {
			rows[i].Fallback = true // declined when coded: zstd or store
		}
		// The codec column names the codecs that coded the entry's bytes,
		// the entry's own first.
		rows[i].Blocks = map[string]int64{}
		var names []string
		if by[e.Header.Codec] > 0 {
			names = append(names, archive.CodecName(e.Header.Codec))
		}
		for _, id := range slices.Sorted(maps.Keys(by)) {
			rows[i].Blocks[archive.CodecName(id)] = by[id]
			if id != e.Header.Codec {
				names = append(names, archive.CodecName(id))
			}
		}
		rows[i].Codec = strings.Join(names, "+")
	}
}

// addModels names, for the entries of a seekable archive coded with a
// domain model, that model (from the archive's model record).
func addModels(name string, idx []format.IndexEntry, rows []listRow) {
	if name == "-" {
		return
	}
	f, err := os.Open(name)
	if err != nil {
		return
	}
	defer f.Close()
	fp, carried, ok, err := archive.ModelRecord(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dcar: %s: %v\n", name, trimPrefix(err.Error()))
	}
	if !ok {
		return
	}
	m := fmt.Sprintf("domain %x", fp[:])
	if !carried {
		m += ", not carried"
	}
	for i, e := range idx {
		if codec.DomainCoded(e.Header.Codec, e.Header.Params) {
			rows[i].Model = m
		}
	}
}

// readIndex reads the index through the footer when the archive is a
// seekable file, and by scanning every record otherwise.
func readIndex(name string) ([]format.IndexEntry, error) {
	f, err := openArchive(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if osf, ok := f.(*os.File); ok && name != "-" {
		if fi, err := osf.Stat(); err == nil && fi.Mode().IsRegular() {
			idx, err := archive.ReadIndex(osf, fi.Size())
			if err == nil {
				return idx, nil
			}
			fmt.Fprintf(os.Stderr, "dcar: %s: %v; scanning the whole archive\n", name, trimPrefix(err.Error()))
			if _, serr := osf.Seek(0, io.SeekStart); serr != nil {
				return nil, err
			}
		}
	}
	return archive.ScanIndex(f)
}

// contentSize is the content bytes of a seekable archive's entries, from
// its index (0 when unknown: a pipe, a damaged index), to size a
// progress bar.
func contentSize(name string) int64 {
	if name == "-" {
		return 0
	}
	idx, err := readIndexQuiet(name)
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range idx {
		total += e.Header.Size
	}
	return total
}

func readIndexQuiet(name string) ([]format.IndexEntry, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return archive.ReadIndex(f, fi.Size())
}

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Before:    applyJobs,
		Usage:     "decode every entry and check every checksum; writes nothing",
		ArgsUsage: "ARCHIVE",
		Flags:     []cli.Flag{jobsFlag, quietFlag, modelFlag},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("verify needs exactly one ARCHIVE")
			}
			name := c.Args().First()
			models, err := loadModels(c)
			if err != nil {
				return err
			}
			set, err := openSet(name)
			if err != nil {
				return err
			}
			if set != nil {
				return verifySet(c, name, set, models)
			}
			f, err := openArchive(name)
			if err != nil {
				return err
			}
			defer f.Close()
			total := contentSize(name)
			bar := newProgress(total, "verify", c.Bool("quiet") || total == 0)
			rep, err := archive.VerifyModels(f, c.Int("jobs"), bar.fn(), models)
			bar.finish()
			if err != nil {
				return err
			}
			for _, d := range rep.Damaged {
				fmt.Fprintf(os.Stderr, "dcar: %s: %s\n", name, trimPrefix(d.Err.Error()))
			}
			if len(rep.Damaged) > 0 {
				return cli.Exit(fmt.Sprintf("%s: %d problem(s) found in %d entries read", name, len(rep.Damaged), rep.Entries), exitDamaged)
			}
			fmt.Fprintf(os.Stderr, "%s: OK, %d entries, %d bytes of content verified\n", name, rep.Entries, rep.Bytes)
			return nil
		},
	}
}

// verifySet is verify of a set: every volume, against the manifest.
func verifySet(c *cli.Context, name string, set *archive.Set, models []*domain.Model) error {
	var total int64
	for _, v := range set.Manifest.Volumes {
		total += v.Content
	}
	bar := newProgress(total, "verify", c.Bool("quiet") || total == 0)
	rep := set.VerifyModels(c.Int("jobs"), bar.fn(), models)
	bar.finish()
	n := len(set.Manifest.Volumes)
	if len(rep.Problems) > 0 {
		return setProblems(errors.Join(rep.Problems...), name, fmt.Sprintf("%d of %d volumes intact", rep.Volumes, n))
	}
	fmt.Fprintf(os.Stderr, "%s: OK, %d volumes, %d entries, %d bytes of content verified\n", name, n, rep.Entries, rep.Bytes)
	return nil
}
