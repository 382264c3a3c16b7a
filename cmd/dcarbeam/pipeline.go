package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

func init() {
	register.DoFn4x1[context.Context, int, func(*string) bool, func(string), error](&codeVolumeFn{})
	register.DoFn3x1[context.Context, int, func(*string) bool, error](&writeManifestFn{})
	register.DoFn4x1[context.Context, int, func(*string) bool, func(string), error](&verifyVolumeFn{})
	register.DoFn4x1[context.Context, int, func(*string) bool, func(string), error](&extractUnitFn{})
	register.DoFn3x1[context.Context, int, func(*string) bool, error](&reportFn{})
	register.Function1x2(keyByIndex)
	register.Emitter1[string]()
	register.Iter1[string]()
}

// Options are the writer options of a set, as plain data for the
// workers (archive.WriterOptions holds a callback).
type Options struct {
	Preset    int
	Level     int
	BlockSize int
	Jobs      int
	NoModel   bool
	NoDedup   bool
	NoSolid   bool
	// Model is the path (on any Beam file system) of the domain model
	// every volume carries, or with ModelRef refers to ("": none).
	Model    string
	ModelRef bool
}

// writer returns the archive options of o, its domain model loaded.
func (o Options) writer(ctx context.Context) (archive.WriterOptions, error) {
	w := archive.WriterOptions{Preset: archive.Preset(o.Preset), Level: o.Level, BlockSize: o.BlockSize, Jobs: o.Jobs,
		NoModel: o.NoModel, NoDedup: o.NoDedup, NoSolid: o.NoSolid, DomainRef: o.ModelRef}
	if o.Model != "" {
		m, err := loadModel(ctx, o.Model)
		if err != nil {
			return w, err
		}
		w.Domain = m
	}
	return w, nil
}

// models are the domain models a worker has loaded, by path: each is
// read once per worker, and keeps its text model's primed state
// (bitcm.Primed) for the volumes the worker codes or reads.
var models sync.Map // path -> *domain.Model

// loadModel reads and checks the domain model at p (any Beam file
// system) once per worker.
func loadModel(ctx context.Context, p string) (*domain.Model, error) {
	if m, ok := models.Load(p); ok {
		return m.(*domain.Model), nil
	}
	r, err := openFile(ctx, p)
	if err != nil {
		return nil, err
	}
	m, err := domain.Read(r, p)
	r.Close()
	if err != nil {
		return nil, err
	}
	got, _ := models.LoadOrStore(p, m)
	return got.(*domain.Model), nil
}

// modelsOf is the domain models a set's reader is given: the one at p,
// or none.
func modelsOf(ctx context.Context, p string) ([]*domain.Model, error) {
	if p == "" {
		return nil, nil
	}
	m, err := loadModel(ctx, p)
	if err != nil {
		return nil, err
	}
	return []*domain.Model{m}, nil
}

// optionsFromFlags checks create's flags as dcar create does.
func optionsFromFlags() (Options, error) {
	o := Options{Level: *level, BlockSize: *blockSize, Jobs: *jobs, NoModel: *zstdOnly, NoDedup: *noDedup, NoSolid: *noSolid,
		Model: *modelPath, ModelRef: *modelRef}
	switch {
	case *modelRef && *modelPath == "":
		return o, usageError("--model_ref needs --model FILE")
	case *fast && *best:
		return o, usageError("--fast and --best exclude each other")
	case (*fast || *best) && *zstdOnly:
		return o, usageError("--zstd_only excludes --fast and --best")
	case *level < 1 || *level > 22:
		return o, usageError(fmt.Sprintf("--zstd_level %d is outside 1..22", *level))
	case *blockSize < 4096 || *blockSize > format.MaxBlockSize:
		return o, usageError(fmt.Sprintf("--block_size %d is outside 4096..%d", *blockSize, format.MaxBlockSize))
	case *jobs < 1:
		return o, usageError("--jobs: give at least 1")
	case *fast:
		o.Preset = int(archive.PresetFast)
	case *best:
		o.Preset = int(archive.PresetBest)
	}
	return o, nil
}

// openFile opens a file through Beam's file systems.
func openFile(ctx context.Context, p string) (io.ReadCloser, error) {
	fs, err := filesystem.New(ctx, p)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	return fs.OpenRead(ctx, p)
}

// writeFile writes a file through Beam's file systems: fill writes its
// content; the file is committed by its Close.
func writeFile(ctx context.Context, p string, fill func(io.Writer) error) error {
	fs, err := filesystem.New(ctx, p)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, p)
	if err != nil {
		return err
	}
	err = fill(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		err = fmt.Errorf("%s: %w", p, err)
	}
	return err
}

// createPipeline plans the set on the launcher, then codes one volume
// per element, each keyed by its number so that the runner may give
// every volume its own worker, and writes the manifest last.
func createPipeline(ctx context.Context, roots []string) (*beam.Pipeline, error) {
	if *filesFrom != "" {
		r, err := openFile(ctx, *filesFrom)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", *filesFrom, err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSuffix(l, "\r"); l != "" {
				roots = append(roots, l)
			}
		}
	}
	if *out == "" || len(roots) == 0 {
		return nil, usageError("create needs --out and at least one PATH")
	}
	if *volumeSize == "" {
		return nil, usageError("create needs --volume_size")
	}
	vs, err := archive.ParseSize(*volumeSize)
	if err != nil {
		return nil, usageError(err.Error())
	}
	opts, err := optionsFromFlags()
	if err != nil {
		return nil, err
	}
	if _, err := opts.writer(ctx); err != nil {
		return nil, err // a model that does not load fails here, not on every worker
	}
	var excludes []string
	if *exclude != "" {
		excludes = strings.Split(*exclude, ",")
	}
	plan, err := archive.PlanSet(roots, archive.SetOptions{Exclude: excludes, VolumeSize: vs, BlockSize: opts.BlockSize,
		Warn: func(w archive.Warning) { fmt.Fprintf(os.Stderr, "dcarbeam: %s: %v\n", w.Path, w.Err) }})
	if err != nil {
		return nil, err
	}
	return buildCreate(ctx, plan, *out, opts)
}

// planFile is where the launcher leaves the plan of volume i of the set
// out for its worker (a plan of many files is too large for a pipeline
// graph: Dataflow takes 10 MB); the manifest's step removes it.
func planFile(out string, i int) string { return archive.VolumeName(out, i) + ".plan" }

// volumeTask is the element of a volume to code: its number and where
// its plan is.
type volumeTask struct {
	Index int
	Plan  string
}

// buildCreate is the pipeline that writes plan as the set out.
func buildCreate(ctx context.Context, plan *archive.SetPlan, out string, opts Options) (*beam.Pipeline, error) {
	var vols []string
	for i := range plan.Volumes {
		b, err := json.Marshal(&plan.Volumes[i])
		if err != nil {
			return nil, err
		}
		if err := writeFile(ctx, planFile(out, i), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return nil, err
		}
		t, _ := json.Marshal(volumeTask{i, planFile(out, i)})
		vols = append(vols, string(t))
	}
	head := *plan
	head.Volumes = nil
	hb, err := json.Marshal(&head)
	if err != nil {
		return nil, err
	}
	p, s := beam.NewPipelineWithRoot()
	infos := fanOut(s, vols, keyByIndex, &codeVolumeFn{Out: out, Opts: opts})
	beam.ParDo0(s, &writeManifestFn{Out: out, Plan: string(hb), Opts: opts}, beam.GroupByKey(s, beam.AddFixedKey(s, infos)))
	return p, nil
}

// fanOut applies fn to the elements, each keyed by key and grouped by
// its key so that a distributed runner can give each its own worker. The
// elements are dealt round-robin to --branches independent branches,
// whose outputs are flattened: a runner that runs each stage's bundle on
// one thread (Beam's local runners) still runs the branches in parallel.
func fanOut(s beam.Scope, elems []string, key any, fn any) beam.PCollection {
	n := max(1, min(*branches, len(elems)))
	parts := make([][]string, n)
	for i, e := range elems {
		parts[i%n] = append(parts[i%n], e)
	}
	var outs []beam.PCollection
	for b, part := range parts {
		bs := s.Scope(fmt.Sprintf("branch%d", b))
		keyed := beam.ParDo(bs, key, beam.CreateList(bs, part))
		outs = append(outs, beam.ParDo(bs, fn, beam.GroupByKey(bs, keyed)))
	}
	return beam.Flatten(s, outs...)
}

// keyByIndex keys a volume task by its number.
func keyByIndex(v string) (int, string) {
	var vp struct{ Index int }
	json.Unmarshal([]byte(v), &vp)
	return vp.Index, v
}

// codeVolumeFn writes one volume and emits its manifest row (JSON).
type codeVolumeFn struct {
	Out  string
	Opts Options
}

func (f *codeVolumeFn) ProcessElement(ctx context.Context, i int, plans func(*string) bool, emit func(string)) error {
	var s string
	for plans(&s) {
		var t volumeTask
		if err := json.Unmarshal([]byte(s), &t); err != nil {
			return err
		}
		r, err := openFile(ctx, t.Plan)
		if err != nil {
			return err
		}
		var vp archive.VolumePlan
		err = json.NewDecoder(r).Decode(&vp)
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", t.Plan, err)
		}
		name := archive.VolumeName(f.Out, vp.Index)
		wo, err := f.Opts.writer(ctx)
		if err != nil {
			return err
		}
		var info archive.VolumeInfo
		err = writeFile(ctx, name, func(w io.Writer) (err error) {
			info, err = archive.WriteVolume(w, &vp, archive.VolumeOptions{WriterOptions: wo,
				Open: func(p string) (io.ReadCloser, error) { return openFile(ctx, p) }})
			return err
		})
		if err != nil {
			return err
		}
		info.Name = path.Base(name)
		b, err := json.Marshal(&info)
		if err != nil {
			return err
		}
		emit(string(b))
	}
	return nil
}

// writeManifestFn writes the manifest from every volume's row.
type writeManifestFn struct {
	Out  string
	Plan string // the SetPlan without its volumes
	Opts Options
}

func (f *writeManifestFn) ProcessElement(ctx context.Context, _ int, rows func(*string) bool) error {
	var plan archive.SetPlan
	if err := json.Unmarshal([]byte(f.Plan), &plan); err != nil {
		return err
	}
	var vols []archive.VolumeInfo
	var s string
	for rows(&s) {
		var v archive.VolumeInfo
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return err
		}
		vols = append(vols, v)
	}
	slices.SortFunc(vols, func(a, b archive.VolumeInfo) int { return int(a.FirstEntry - b.FirstEntry) })
	wo, err := f.Opts.writer(ctx)
	if err != nil {
		return err
	}
	m := archive.NewManifest(f.Out, &plan, vols, wo)
	if err := writeFile(ctx, f.Out, func(w io.Writer) error { return archive.WriteManifest(w, m) }); err != nil {
		return err
	}
	for i := range vols {
		fs, err := filesystem.New(ctx, planFile(f.Out, i))
		if err != nil {
			return err
		}
		if rm, ok := fs.(filesystem.Remover); ok {
			rm.Remove(ctx, planFile(f.Out, i))
		}
		fs.Close()
	}
	fmt.Fprintf(os.Stderr, "dcarbeam: %s: %d volumes written\n", f.Out, len(vols))
	return nil
}

// readManifest reads a set's manifest through Beam's file systems.
func readManifest(ctx context.Context, set string) ([]byte, *format.Manifest, error) {
	if set == "" {
		return nil, nil, usageError("give the set's manifest: --set DIR/NAME.dcar")
	}
	r, err := openFile(ctx, set)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, format.MaxManifestSize+1))
	if err != nil {
		return nil, nil, err
	}
	m, err := format.ParseManifest(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", set, err)
	}
	return b, m, nil
}

// volumePath is the path of a volume of the set whose manifest is set.
func volumePath(set string, v *format.Volume) string {
	return set[:strings.LastIndexAny(set, `/\`)+1] + v.Name
}

// verifyPipeline checks one volume per element; the report names every
// missing or damaged volume and fails the pipeline if there is one.
func verifyPipeline(ctx context.Context, set, model string) (*beam.Pipeline, error) {
	mb, m, err := readManifest(ctx, set)
	if err != nil {
		return nil, err
	}
	if _, err := modelsOf(ctx, model); err != nil {
		return nil, err
	}
	p, s := beam.NewPipelineWithRoot()
	var idx []string
	for i := range m.Volumes {
		idx = append(idx, fmt.Sprintf("[%d]", i))
	}
	lines := fanOut(s, idx, keyByFirst, &verifyVolumeFn{Set: set, Manifest: mb, Jobs: *jobs, Model: model})
	beam.ParDo0(s, &reportFn{What: "verify " + set}, beam.GroupByKey(s, beam.AddFixedKey(s, lines)))
	return p, nil
}

// verifyVolumeFn verifies one volume and emits "OK ..." or its problems.
type verifyVolumeFn struct {
	Set      string
	Manifest []byte
	Jobs     int
	Model    string // the domain model a referring set needs ("": none)
}

func (f *verifyVolumeFn) ProcessElement(ctx context.Context, i int, _ func(*string) bool, emit func(string)) error {
	m, err := format.ParseManifest(f.Manifest)
	if err != nil {
		return err
	}
	if i < 0 || i >= len(m.Volumes) {
		return fmt.Errorf("no volume %d", i)
	}
	v := &m.Volumes[i]
	r, err := openFile(ctx, volumePath(f.Set, v))
	if err != nil {
		emit(fmt.Errorf("%s: %w (%v)", v.Name, archive.ErrVolumeMissing, err).Error())
		return nil
	}
	defer r.Close()
	ms, err := modelsOf(ctx, f.Model)
	if err != nil {
		return err
	}
	rep := archive.VerifyVolumeModels(r, v, f.Jobs, nil, ms)
	for _, p := range rep.Problems {
		emit(p.Error())
	}
	if len(rep.Problems) == 0 {
		emit(fmt.Sprintf("OK %s: %d entries, %d bytes of content verified", v.Name, rep.Entries, rep.Bytes))
	}
	return nil
}

// extractPipeline extracts one unit of volumes per element (volumes
// joined by a split file go together), then gives the directories their
// modes and times.
func extractPipeline(ctx context.Context, set, dir, model string) (*beam.Pipeline, error) {
	if dir == "" {
		return nil, usageError("extract needs --directory")
	}
	mb, m, err := readManifest(ctx, set)
	if err != nil {
		return nil, err
	}
	if _, err := modelsOf(ctx, model); err != nil {
		return nil, err
	}
	s0 := &archive.Set{Manifest: m}
	var units []string
	all := make([]int, len(m.Volumes))
	for i := range all {
		all[i] = i
	}
	for _, u := range s0.Units(all) {
		b, _ := json.Marshal(u)
		units = append(units, string(b))
	}
	p, s := beam.NewPipelineWithRoot()
	lines := fanOut(s, units, keyByFirst, &extractUnitFn{Set: set, Manifest: mb, Dir: dir, Jobs: *jobs, Model: model})
	beam.ParDo0(s, &reportFn{What: "extract " + set, Dir: dir}, beam.GroupByKey(s, beam.AddFixedKey(s, lines)))
	return p, nil
}

func init() { register.Function1x2(keyByFirst) }

// keyByFirst keys a unit (a JSON list of volume numbers) by its first.
func keyByFirst(u string) (int, string) {
	var vols []int
	json.Unmarshal([]byte(u), &vols)
	if len(vols) == 0 {
		return -1, u
	}
	return vols[0], u
}

// extractUnitFn extracts one unit and emits its problems and, as
// "dir " lines, the headers of its directories.
type extractUnitFn struct {
	Set      string
	Manifest []byte
	Dir      string
	Jobs     int
	Model    string // the domain model a referring set needs ("": none)
}

func (f *extractUnitFn) ProcessElement(ctx context.Context, _ int, units func(*string) bool, emit func(string)) error {
	m, err := format.ParseManifest(f.Manifest)
	if err != nil {
		return err
	}
	set := &archive.Set{Manifest: m}
	ms, err := modelsOf(ctx, f.Model)
	if err != nil {
		return err
	}
	var u string
	for units(&u) {
		var vols []int
		if err := json.Unmarshal([]byte(u), &vols); err != nil {
			return err
		}
		open := func(i int) (io.ReadCloser, error) {
			v := &m.Volumes[i]
			r, err := openFile(ctx, volumePath(f.Set, v))
			if err != nil {
				return nil, fmt.Errorf("%s: %w (%v)", v.Name, archive.ErrVolumeMissing, err)
			}
			return r, nil
		}
		dirs, err := set.ExtractUnit(ctx, f.Dir, vols, open, archive.ExtractOptions{Jobs: f.Jobs, SameOwner: os.Geteuid() == 0, Models: ms})
		for _, d := range dirs {
			b, _ := json.Marshal(&d)
			emit("dir " + string(b))
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				emit(line)
			}
		} else {
			emit(fmt.Sprintf("OK volumes %v", vols))
		}
	}
	return nil
}

// reportFn prints every worker's lines, finishes an extraction's
// directories, and fails the pipeline if a volume had a problem.
type reportFn struct {
	What string
	Dir  string // extract: the directory whose directories to finish
}

func (f *reportFn) ProcessElement(ctx context.Context, _ int, lines func(*string) bool) error {
	var all, problems []string
	var dirs []archive.Header
	var s string
	for lines(&s) {
		if d, ok := strings.CutPrefix(s, "dir "); ok {
			var h archive.Header
			if err := json.Unmarshal([]byte(d), &h); err != nil {
				return err
			}
			dirs = append(dirs, h)
			continue
		}
		all = append(all, s)
		if !strings.HasPrefix(s, "OK ") {
			problems = append(problems, s)
		}
	}
	slices.Sort(all)
	for _, l := range all {
		fmt.Fprintln(os.Stderr, "dcarbeam:", strings.ReplaceAll(l, "dcar: ", ""))
	}
	var err error
	if f.Dir != "" {
		err = archive.FinishDirs(f.Dir, dirs, archive.ExtractOptions{SameOwner: os.Geteuid() == 0})
	}
	if len(problems) > 0 {
		return errors.Join(fmt.Errorf("%s: %d problem(s), named above", f.What, len(problems)), err)
	}
	return err
}
