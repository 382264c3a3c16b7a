package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// Errors of sets.
var (
	// ErrNotSet: the file is neither a set manifest nor a volume listed
	// by the manifest beside it (it may be an archive of its own).
	ErrNotSet = errors.New("dcar: not a volume set")
	// ErrVolumeMissing: a volume the manifest lists cannot be opened.
	ErrVolumeMissing = errors.New("dcar: volume missing")
	// ErrVolumeDamaged: a volume's size or SHA-256 is not the manifest's.
	ErrVolumeDamaged = errors.New("dcar: volume damaged")
)

// SetInfo is the manifest's note of the options that made a set.
func SetInfo(o WriterOptions) string {
	preset := map[Preset]string{PresetDefault: "default", PresetFast: "fast", PresetBest: "best"}[o.Preset]
	if o.NoModel {
		preset = "zstd-only"
	}
	level, bs := o.Level, o.BlockSize
	if level <= 0 {
		level = 3 // as NewWriter
	}
	if bs <= 0 || bs > format.MaxBlockSize {
		bs = DefaultBlockSize
	}
	info := fmt.Sprintf("preset=%s zstd-level=%d block-size=%d dedup=%t solid=%t", preset, level, bs, !o.NoDedup, !o.NoSolid)
	if d := o.Domain; d != nil {
		form := "carried"
		if o.DomainRef {
			form = "referenced"
		}
		info += fmt.Sprintf(" model=%x (%s)", d.Fingerprint[:], form)
	}
	return info
}

// NewManifest is the manifest of set name (its file name) cut by plan,
// whose volumes were written with opts and gave vols (in order).
func NewManifest(name string, plan *SetPlan, vols []VolumeInfo, opts WriterOptions) *format.Manifest {
	m := &format.Manifest{Name: filepath.Base(name), VolumeSize: plan.VolumeSize, Info: SetInfo(opts), Entries: plan.Entries, Volumes: vols}
	if plan.Ordered {
		m.Flags |= format.ManifestOrdered
	}
	return m
}

// CreateSet writes the volumes of plan as name.001, name.002, ... and
// then the manifest as name (each file under a temporary name, renamed
// once complete), and returns the manifest.
func CreateSet(name string, plan *SetPlan, opts VolumeOptions) (*format.Manifest, error) {
	vols := make([]VolumeInfo, len(plan.Volumes))
	progress, done := opts.Progress, int64(0)
	for i := range plan.Volumes {
		if progress != nil {
			base := done
			opts.Progress = func(n int64) { progress(base + n) }
		}
		vn := VolumeName(name, i)
		err := WriteFileAtomic(vn, func(w io.Writer) (err error) {
			vols[i], err = WriteVolume(w, &plan.Volumes[i], opts)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", vn, err)
		}
		vols[i].Name = filepath.Base(vn)
		done += vols[i].Content
	}
	m := NewManifest(name, plan, vols, opts.WriterOptions)
	return m, WriteFileAtomic(name, func(w io.Writer) error { return WriteManifest(w, m) })
}

// WriteManifest writes m (spec section 15.4).
func WriteManifest(w io.Writer, m *format.Manifest) error {
	_, err := w.Write(format.AppendManifest(nil, m))
	return err
}

// writeFileAtomic writes name through fill into a temporary file beside
// it, ".NAME.tmp-PID-*", renamed to name only once complete.
func WriteFileAtomic(name string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), fmt.Sprintf(".%s.tmp-%d-*", filepath.Base(name), os.Getpid()))
	if err != nil {
		return err
	}
	err = fill(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// A Set is a volume set opened through its manifest.
type Set struct {
	Dir      string // the directory of the manifest and the volumes
	Manifest *format.Manifest
}

// TempPattern is the path.Match pattern of the temporary files this
// process's WriteFileAtomic writes for name (to exclude them from a walk
// that may meet them).
func TempPattern(name string) string {
	esc := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return fmt.Sprintf(".%s.tmp-%d-*", esc.Replace(filepath.Base(name)), os.Getpid())
}

var volumeSuffix = regexp.MustCompile(`\.[0-9]{3,}$`)

// OpenSet opens the set that name belongs to: name is its manifest, or
// one of its volumes (NAME.001, ...) with the manifest NAME beside it.
// It returns an error wrapping ErrNotSet when name is neither (a plain
// archive, say), and the manifest's error when the manifest is damaged.
func OpenSet(name string) (*Set, error) {
	b, err := readManifestFile(name)
	if errors.Is(err, ErrNotSet) {
		if loc := volumeSuffix.FindStringIndex(name); loc != nil {
			if b2, err2 := readManifestFile(name[:loc[0]]); err2 == nil {
				b, err = b2, nil
				name = name[:loc[0]]
			}
		}
	}
	if err != nil {
		return nil, err
	}
	m, err := format.ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Set{Dir: filepath.Dir(name), Manifest: m}, nil
}

// readManifestFile returns the bytes of name if it is a set manifest
// (by its magic), an error wrapping ErrNotSet if it is not.
func readManifestFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSet, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, format.MaxManifestSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) < len(format.ManifestMagic) || !bytes.Equal(b[:len(format.ManifestMagic)], format.ManifestMagic[:]) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotSet)
	}
	return b, nil
}

// VolumePath is the path of volume i (from 0).
func (s *Set) VolumePath(i int) string { return filepath.Join(s.Dir, s.Manifest.Volumes[i].Name) }

// OpenVolume opens volume i and checks its size against the manifest.
// Errors name the volume's file and wrap ErrVolumeMissing or
// ErrVolumeDamaged.
func (s *Set) OpenVolume(i int) (*os.File, error) {
	v := &s.Manifest.Volumes[i]
	f, err := os.Open(s.VolumePath(i))
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%v)", v.Name, ErrVolumeMissing, err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() != v.Size {
		err = fmt.Errorf("%s: %w: %d bytes, the manifest says %d", v.Name, ErrVolumeDamaged, fi.Size(), v.Size)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Needed returns the volumes that hold the entries only names and what
// is below them (every volume for none), in order. In a set whose paths
// are in path element order (spec section 15.2) that is found from each
// volume's first and last path; otherwise it is every volume.
func (s *Set) Needed(only []string) []int {
	var out []int
	for i, v := range s.Manifest.Volumes {
		if len(only) == 0 || !s.Manifest.Ordered() {
			out = append(out, i)
			continue
		}
		for _, o := range only {
			o = EntryName(o)
			if v.Entries > 0 && comparePaths(v.LastPath, o) >= 0 &&
				(comparePaths(v.FirstPath, o) <= 0 || strings.HasPrefix(v.FirstPath, o+"/")) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// VolumeIndex reads the index of volume i; an error names its file.
func (s *Set) VolumeIndex(i int) ([]IndexEntry, error) {
	f, err := s.OpenVolume(i)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx, err := ReadIndex(f, s.Manifest.Volumes[i].Size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Manifest.Volumes[i].Name, err)
	}
	return idx, nil
}

// SetEntry is one entry of a set's index, and the volume it is in.
type SetEntry struct {
	IndexEntry
	Volume int
}

// Index reads the index of each volume listed in only (nil: every
// volume) and returns their entries in order, with one error per volume
// that could not be read (naming its file); it goes on after one.
func (s *Set) Index(only []int) ([]SetEntry, []error) {
	if only == nil {
		only = s.Needed(nil)
	}
	var out []SetEntry
	var errs []error
	for _, i := range only {
		idx, err := s.VolumeIndex(i)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range idx {
			out = append(out, SetEntry{e, i})
		}
	}
	return out, errs
}

// SetReport summarises VerifySet.
type SetReport struct {
	Volumes int   // volumes verified intact
	Entries int   // entries read
	Bytes   int64 // content bytes checked
	// Problems holds one error per damaged or missing volume (naming its
	// file) and per split file whose pieces do not join.
	Problems []error
}

// Verify decodes every volume, checks it against the manifest (size and
// SHA-256) and every checksum inside it, and checks that the pieces of
// every split file join (spec section 15.3). It goes on after a missing
// or damaged volume. progress, if set, gets the content bytes checked so
// far in the whole set.
func (s *Set) Verify(jobs int, progress func(int64)) *SetReport {
	return s.VerifyModels(jobs, progress, nil)
}

// VerifyModels is Verify for a set whose volumes may refer to one of the
// domain models given (ReaderOptions.Models); a volume whose model is
// missing is reported with an error wrapping ErrModelMissing.
func (s *Set) VerifyModels(jobs int, progress func(int64), models []*domain.Model) *SetReport {
	rep := &SetReport{}
	for i := range s.Manifest.Volumes {
		var p func(int64)
		if progress != nil {
			base := rep.Bytes
			p = func(n int64) { progress(base + n) }
		}
		f, err := s.OpenVolume(i)
		if err != nil {
			rep.Problems = append(rep.Problems, err)
			continue
		}
		vr := VerifyVolumeModels(f, &s.Manifest.Volumes[i], jobs, p, models)
		f.Close()
		rep.add(vr)
	}
	idx, _ := s.Index(nil) // a volume that cannot be read is reported above
	rep.Problems = append(rep.Problems, s.joinPieces(idx)...)
	return rep
}

// add adds the report of one volume to rep.
func (rep *SetReport) add(vr *SetReport) {
	rep.Volumes += vr.Volumes
	rep.Entries += vr.Entries
	rep.Bytes += vr.Bytes
	rep.Problems = append(rep.Problems, vr.Problems...)
}

// VerifyVolume decodes the volume v of a set from r, checks every
// checksum inside it and its size and SHA-256 against the manifest row
// v, and reports it as a set of one volume: Volumes is 1 if it is
// intact; every problem names the volume's file.
func VerifyVolume(r io.Reader, v *VolumeInfo, jobs int, progress func(int64)) *SetReport {
	return VerifyVolumeModels(r, v, jobs, progress, nil)
}

// VerifyVolumeModels is VerifyVolume for a volume that may refer to one
// of the domain models given (ReaderOptions.Models).
func VerifyVolumeModels(r io.Reader, v *VolumeInfo, jobs int, progress func(int64), models []*domain.Model) *SetReport {
	rep := &SetReport{}
	sum := sha256.New()
	cr := &countingReader{r: io.TeeReader(r, sum), n: new(int64), f: func(int64) {}}
	vr, err := VerifyModels(cr, jobs, progress, models)
	if err == nil {
		_, err = io.Copy(io.Discard, cr) // nothing follows an intact footer
	}
	if err != nil {
		rep.Problems = append(rep.Problems, fmt.Errorf("%s: %w", v.Name, err))
		return rep
	}
	rep.Entries, rep.Bytes = vr.Entries, vr.Bytes
	for _, d := range vr.Damaged {
		rep.Problems = append(rep.Problems, fmt.Errorf("%s: %w", v.Name, d.Err))
	}
	if *cr.n != v.Size {
		rep.Problems = append(rep.Problems, fmt.Errorf("%s: %w: %d bytes, the manifest says %d", v.Name, ErrVolumeDamaged, *cr.n, v.Size))
	} else if [32]byte(sum.Sum(nil)) != v.SHA256 {
		rep.Problems = append(rep.Problems, fmt.Errorf("%s: %w: its SHA-256 is not the manifest's", v.Name, ErrVolumeDamaged))
	}
	if len(rep.Problems) == 0 {
		rep.Volumes = 1
	}
	return rep
}

// joinPieces checks that the pieces of each split file in idx follow
// each other from offset 0 to the file's size with one header, and
// names the volume of a missing piece.
func (s *Set) joinPieces(idx []SetEntry) []error {
	var errs []error
	var cur *SetEntry
	var next int64
	prevVol := -1
	flush := func() {
		if cur != nil && next != cur.Header.FileSize {
			errs = append(errs, fmt.Errorf("%s: %w: pieces end at byte %d of %d (the next is in %s)", cur.Header.Path, ErrPieceAlone, next, cur.Header.FileSize, s.volumeAfter(prevVol)))
		}
		cur, next = nil, 0
	}
	for i := range idx {
		e := &idx[i]
		h := &e.Header
		if !h.IsPiece() {
			continue
		}
		if cur != nil && (h.Path != cur.Header.Path || h.FileSize != cur.Header.FileSize || h.PieceOffset != next || !h.ModTime.Equal(cur.Header.ModTime) || h.Mode != cur.Header.Mode) {
			flush()
		}
		if cur == nil {
			if h.PieceOffset != 0 {
				errs = append(errs, fmt.Errorf("%s: %w: its first piece in %s is at byte %d (the one before is in %s)", h.Path, ErrPieceAlone, s.Manifest.Volumes[e.Volume].Name, h.PieceOffset, s.volumeBefore(e.Volume)))
				continue
			}
			cur = e
		}
		next, prevVol = h.PieceOffset+h.Size, e.Volume
		if next == h.FileSize {
			cur = nil
		}
	}
	flush()
	return errs
}

func (s *Set) volumeAfter(i int) string {
	if i+1 < len(s.Manifest.Volumes) {
		return s.Manifest.Volumes[i+1].Name
	}
	return "no volume"
}

func (s *Set) volumeBefore(i int) string {
	if i > 0 {
		return s.Manifest.Volumes[i-1].Name
	}
	return "no volume"
}

// Extract extracts the set below dir, as Extract does an archive: the
// entries opts.Only names (all without), reading only the volumes that
// hold them. A missing or damaged volume does not stop it: the returned
// error joins one error per such volume (naming its file), per split
// file it could not restore whole (removed), and per path asked for and
// not found; everything else is extracted.
func (s *Set) Extract(ctx context.Context, dir string, opts ExtractOptions) error {
	open := func(i int) (io.ReadCloser, error) { return s.OpenVolume(i) }
	matched := make([]bool, len(opts.Only))
	err := s.extract(ctx, dir, s.Needed(opts.Only), open, opts, matched, (*extractor).finishDirs)
	if err != nil {
		return err // a path asked for may be in a volume that failed
	}
	return notFound(opts.Only, matched)
}

// Units cuts the volumes vols (in order) into runs that extract on
// their own: a run ends with a volume whose last entry does not go on in
// the next volume (a piece of a split file). Parallel extraction gives
// each run to one worker.
func (s *Set) Units(vols []int) [][]int {
	var out [][]int
	for k, i := range vols {
		if k == 0 || !s.Manifest.Volumes[vols[k-1]].Continued() || vols[k-1] != i-1 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], i)
	}
	return out
}

// ExtractUnit extracts the volumes of one unit (see Units), each read
// through open, below dir; as Extract, it goes on after a volume that
// fails. It returns the headers of the directories it made, whose modes
// and times FinishDirs gives them once every unit is done (other units
// may write into them).
func (s *Set) ExtractUnit(ctx context.Context, dir string, unit []int, open func(i int) (io.ReadCloser, error), opts ExtractOptions) ([]Header, error) {
	var dirs []Header
	err := s.extract(ctx, dir, unit, open, opts, make([]bool, len(opts.Only)), func(x *extractor) error {
		for _, h := range x.dirs {
			dirs = append(dirs, *h)
		}
		return nil
	})
	return dirs, err
}

// FinishDirs gives the directories dirs (from ExtractUnit) their modes
// and times below dir, deepest first: the last step of a parallel
// extraction.
func FinishDirs(dir string, dirs []Header, opts ExtractOptions) error {
	x, err := newExtractor(context.Background(), dir, opts)
	if err != nil {
		return err
	}
	defer x.root.Close()
	for i := range dirs {
		x.dirs = append(x.dirs, &dirs[i])
	}
	return x.finishDirs()
}

// extract extracts the volumes vols in order, read through open, noting
// in matched the paths asked for that it met, and ends with finish (the
// directories' modes and times).
func (s *Set) extract(ctx context.Context, dir string, vols []int, open func(i int) (io.ReadCloser, error), opts ExtractOptions, matched []bool, finish func(*extractor) error) error {
	x, err := newExtractor(ctx, dir, opts)
	if err != nil {
		return err
	}
	defer x.root.Close()
	var errs []error
	for _, i := range vols {
		f, err := open(i)
		if err == nil {
			err = x.extract(f, matched) // progress counts on over the volumes
			f.Close()
			if err != nil {
				err = fmt.Errorf("%s: %w", s.Manifest.Volumes[i].Name, err)
			}
		}
		if err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
		if len(x.pieces) > 0 && !s.Manifest.Volumes[i].Continued() {
			errs = append(errs, x.unjoined()) // a piece's volume ended without the rest
		}
	}
	errs = append(errs, x.unjoined(), finish(x))
	return errors.Join(errs...)
}
