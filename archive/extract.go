package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// ErrExists is returned when extraction would replace an existing file.
var ErrExists = errors.New("dcar: refusing to overwrite an existing file (use --overwrite)")

// ExtractOptions control Extract.
type ExtractOptions struct {
	Jobs      int
	Overwrite bool     // replace existing files, symlinks and empty dirs' metadata
	SameOwner bool     // restore uid/gid (needs privileges)
	Only      []string // extract only these entries and what is below them
	Verbose   func(h *format.Header)
	Progress  func(done int64)
	// Models are domain models an archive may refer to without carrying
	// them (ReaderOptions.Models).
	Models []*domain.Model
}

// Extract reads an archive from r and recreates its entries below dir.
// Nothing outside dir is created or modified: all file system access goes
// through an os.Root, which refuses paths and symlinks that leave it.
// A file whose content fails its checks is removed, and Extract fails.
// A piece of a file split across the volumes of a set (spec section
// 15.3) without its other pieces is not extracted and makes Extract
// fail with ErrPieceAlone once the rest is done (Set.Extract joins the
// pieces).
func Extract(r io.Reader, dir string, opts ExtractOptions) error {
	return ExtractContext(context.Background(), r, dir, opts)
}

// ExtractContext is Extract, stopped when ctx is done (an interrupt): the
// file being written is removed, directories made so far get their
// modes, and the error wraps ctx.Err().
func ExtractContext(ctx context.Context, r io.Reader, dir string, opts ExtractOptions) error {
	x, err := newExtractor(ctx, dir, opts)
	if err != nil {
		return err
	}
	defer x.root.Close()
	matched := make([]bool, len(opts.Only))
	err = x.extract(r, matched)
	if ferr := x.finishDirs(); err == nil { // the directories made so far get their modes
		err = ferr
	}
	if err == nil {
		err = x.unjoined()
	}
	if err != nil {
		return err
	}
	return notFound(opts.Only, matched)
}

// unjoined removes the split files whose later pieces were not written
// and returns an error naming them and those whose earlier pieces were
// not (nil if none).
func (x *extractor) unjoined() error {
	var errs []error
	for _, p := range slices.Sorted(maps.Keys(x.pieces)) {
		x.root.Remove(p)
		errs = append(errs, fmt.Errorf("%s: %w (its later pieces were not read: removed)", p, ErrPieceAlone))
	}
	for _, p := range x.orphans {
		errs = append(errs, fmt.Errorf("%s: %w (its earlier pieces were not read: not extracted; extract the set, its manifest or all its volumes)", p, ErrPieceAlone))
	}
	x.pieces, x.orphans = map[string]int64{}, nil
	return errors.Join(errs...)
}

// notFound is the error for the first path asked for that matched no
// entry.
func notFound(only []string, matched []bool) error {
	for i, ok := range matched {
		if !ok {
			return fmt.Errorf("%w: %s", ErrNotFound, only[i])
		}
	}
	return nil
}

func newExtractor(ctx context.Context, dir string, opts ExtractOptions) (*extractor, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &extractor{ctx: ctx, root: root, opts: opts, pieces: map[string]int64{}}, nil
}

// extract extracts the entries of one archive (a volume of a set),
// noting in matched the paths asked for that it met. Directory modes
// and times are left to finishDirs.
func (x *extractor) extract(r io.Reader, matched []bool) error {
	x.files, x.skipped, x.byEntry = map[string]bool{}, map[string]bool{}, map[int]string{}
	root, opts, ctx := x.root, x.opts, x.ctx
	// A same entry (deduplicated content) is copied from the file its
	// original was extracted to, when this run extracted it.
	source := func(n int) (io.ReaderAt, error) {
		if p, ok := x.byEntry[n]; ok {
			if f, err := root.Open(p); err == nil {
				return f, nil
			}
		}
		return nil, nil
	}
	ar, err := NewReader(r, ReaderOptions{Jobs: opts.Jobs, Source: source, Want: wanted(r, opts.Only), Models: opts.Models})
	if err != nil {
		return err
	}
	defer ar.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := ar.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !selected(h.Path, opts.Only, matched) {
			if h.Type == format.TypeRegular {
				x.skipped[h.Path] = true
			}
			continue
		}
		if h.IsPiece() && h.PieceOffset > 0 && x.pieces[h.Path] != h.PieceOffset {
			// Its earlier pieces are in another volume, not extracted
			// (or lost): nothing of the file is written.
			x.orphans = append(x.orphans, h.Path)
			continue
		}
		if opts.Verbose != nil && (!h.IsPiece() || h.PieceOffset == 0) {
			opts.Verbose(h)
		}
		if err := x.entry(h, ar); err != nil {
			return err
		}
		if h.Type == format.TypeRegular && !h.IsPiece() {
			x.byEntry[ar.entry()] = h.Path
		}
	}
}

// wanted returns, for an extraction of some paths (only) from an archive
// with random access, the Want option that decodes just what they need:
// the entries asked for, the originals of the deduplicated ones among
// them and the solid groups of both, found in the archive's index. It
// returns nil (decode everything) for a whole extraction, a stream, or
// an archive whose index cannot be read; a part or copy whose source was
// declined after all is decoded again from the archive, so the result is
// the same either way, only slower.
func wanted(r io.Reader, only []string) func(int, *Header) bool {
	ra, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	})
	if len(only) == 0 || !ok {
		return nil
	}
	pos, err := ra.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	end, err := ra.Seek(0, io.SeekEnd)
	if _, err2 := ra.Seek(pos, io.SeekStart); err != nil || err2 != nil {
		return nil
	}
	idx, err := ReadIndex(io.NewSectionReader(ra, pos, end-pos), end-pos)
	if err != nil {
		return nil
	}
	need := make([]bool, len(idx))
	var mark func(n int)
	mark = func(n int) {
		if n < 0 || n >= len(idx) || need[n] {
			return
		}
		need[n] = true
		h := &idx[n].Header
		switch h.Codec {
		case format.CodecSame:
			if o, err := format.ParseSameParams(h.Params); err == nil && o < n {
				mark(o)
			}
		case format.CodecPart:
			if g, _, err := format.ParsePartParams(h.Params); err == nil && g < n {
				mark(g)
			}
		}
	}
	scratch := make([]bool, len(only))
	for n := range idx {
		if h := &idx[n].Header; h.Type != format.TypeGroup && selected(h.Path, only, scratch) {
			mark(n)
		}
	}
	return func(n int, h *Header) bool { return n >= len(need) || need[n] }
}

// ErrNotFound is returned when a path asked for is not in the archive.
var ErrNotFound = errors.New("dcar: not found in archive")

func selected(name string, only []string, matched []bool) bool {
	if len(only) == 0 {
		return true
	}
	ok := false
	for i, o := range only {
		o = EntryName(o)
		if name == o || strings.HasPrefix(name, o+"/") {
			matched[i], ok = true, true
		}
	}
	return ok
}

type extractor struct {
	ctx     context.Context
	root    *os.Root
	opts    ExtractOptions
	files   map[string]bool // regular files extracted, valid hard link targets
	skipped map[string]bool // regular files not selected
	byEntry map[int]string  // regular files extracted, by entry number
	dirs    []*format.Header
	// pieces are the split files being extracted: the bytes written so
	// far of each (spec section 15.3).
	pieces  map[string]int64
	orphans []string // split files of which a piece was met without its earlier ones
	done    int64
	tmpSeq  atomic.Int64 // temporary file names
}

func fileMode(m uint32) fs.FileMode {
	fm := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		fm |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		fm |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		fm |= fs.ModeSticky
	}
	return fm
}

func (x *extractor) fail(h *format.Header, err error) error {
	var fe *format.Error
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("%s: %w", h.Path, err)
}

// clear makes room for a new non-directory entry at name.
func (x *extractor) clear(h *format.Header) error {
	fi, err := x.root.Lstat(h.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !x.opts.Overwrite || fi.IsDir() {
		return ErrExists
	}
	return x.root.Remove(h.Path)
}

func (x *extractor) entry(h *format.Header, content io.Reader) error {
	if os.PathSeparator == '\\' && (strings.ContainsRune(h.Path, '\\') || strings.ContainsRune(h.Link, '\\') && h.Type == format.TypeHardlink) {
		// A valid name elsewhere, but a path separator here.
		return x.fail(h, fmt.Errorf("%w: a \\ in a name cannot be extracted on this system", format.ErrInvalidPath))
	}
	if dir := path.Dir(h.Path); dir != "." {
		if err := x.root.MkdirAll(dir, 0o755); err != nil {
			return x.fail(h, err)
		}
	}
	switch h.Type {
	case format.TypeDir:
		if err := x.root.Mkdir(h.Path, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return x.fail(h, err)
		}
		if fi, err := x.root.Lstat(h.Path); err != nil || !fi.IsDir() {
			return x.fail(h, fmt.Errorf("%w: not a directory", ErrExists))
		}
		x.dirs = append(x.dirs, h)
		return nil
	case format.TypeSymlink:
		if err := x.clear(h); err != nil {
			return x.fail(h, err)
		}
		if err := x.root.Symlink(h.Link, h.Path); err != nil {
			return x.fail(h, err)
		}
		if err := x.owner(h, true); err != nil {
			return err
		}
		return x.fail2(h, lchtimes(x.root, h.Path, h.ModTime))
	case format.TypeHardlink:
		if x.skipped[h.Link] {
			return x.fail(h, fmt.Errorf("hard link to %q, which was not selected for extraction: select it too", h.Link))
		}
		if !x.files[h.Link] {
			return x.fail(h, fmt.Errorf("%w: hard link to %q, which is not an earlier file of the archive", format.ErrCorrupt, h.Link))
		}
		if err := x.clear(h); err != nil {
			return x.fail(h, err)
		}
		if err := x.root.Link(h.Link, h.Path); err != nil {
			return x.fail(h, err)
		}
		return nil
	case format.TypeRegular:
		if h.IsPiece() {
			return x.piece(h, content)
		}
		if err := x.clear(h); err != nil {
			return x.fail(h, err)
		}
		// The content goes to a temporary name beside the target and is
		// renamed once it has verified and has its metadata: the target
		// name never holds partial content.
		tmp, f, err := x.tempFile(h.Path)
		if err != nil {
			return x.fail(h, err)
		}
		err = x.write(f, content)
		if err == nil {
			err = x.finishFile(tmp, h)
		}
		if err == nil {
			err = x.root.Rename(tmp, h.Path)
		}
		if err != nil {
			// Never leave wrong or partial content behind.
			x.root.Remove(tmp)
			return x.fail(h, err)
		}
		x.files[h.Path] = true
		return nil
	}
	return x.fail(h, fmt.Errorf("%w: entry type %d", format.ErrCorrupt, h.Type))
}

// ErrPieceAlone reports a piece of a split file whose earlier pieces
// this extraction did not write (they are in another volume of its set),
// or a split file whose later pieces it did not write.
var ErrPieceAlone = errors.New("dcar: a file split across volumes lacks pieces")

// write copies an entry's content to f, then closes f.
func (x *extractor) write(f *os.File, content io.Reader) error {
	var src io.Reader = content
	if x.opts.Progress != nil {
		src = &countingReader{r: content, n: &x.done, f: x.opts.Progress}
	}
	err := copySparse(x.ctx, f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// finishFile gives the regular file p the owner, mode and time of h.
func (x *extractor) finishFile(p string, h *format.Header) error {
	if err := x.chown(p, h, false); err != nil {
		return err
	}
	if err := x.root.Chmod(p, x.mode(h)); err != nil {
		return err
	}
	return x.root.Chtimes(p, time.Time{}, h.ModTime)
}

// piece writes a piece of a split file in place, at its offset: the
// first piece creates the file (private until it is complete), each
// later one must follow the bytes written so far, and the last gives the
// file its metadata. A piece that fails its checks removes the file.
func (x *extractor) piece(h *format.Header, content io.Reader) error {
	var f *os.File
	var err error
	if h.PieceOffset == 0 {
		if err := x.clear(h); err != nil {
			return x.fail(h, err)
		}
		f, err = x.root.OpenFile(h.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	} else if x.pieces[h.Path] != h.PieceOffset {
		return x.fail(h, fmt.Errorf("%w (piece at offset %d of %d bytes)", ErrPieceAlone, h.PieceOffset, h.FileSize))
	} else {
		f, err = x.root.OpenFile(h.Path, os.O_WRONLY, 0)
		if err == nil {
			_, err = f.Seek(h.PieceOffset, io.SeekStart)
		}
	}
	if err == nil {
		err = x.write(f, content)
	} else if f != nil {
		f.Close()
	}
	end := h.PieceOffset + h.Size
	if err == nil && end == h.FileSize {
		err = x.finishFile(h.Path, h)
	}
	if err != nil {
		delete(x.pieces, h.Path)
		x.root.Remove(h.Path)
		return x.fail(h, err)
	}
	if end == h.FileSize {
		delete(x.pieces, h.Path)
		x.files[h.Path] = true
	} else {
		x.pieces[h.Path] = end
	}
	return nil
}

// mode is the mode to restore: setuid and setgid only together with the
// owner (--same-owner), as tar does for ordinary users, so that extracting
// never creates set-id files owned by whoever extracts.
func (x *extractor) mode(h *format.Header) fs.FileMode {
	m := h.Mode
	if !x.opts.SameOwner {
		m &^= 0o6000
	}
	return fileMode(m)
}

func (x *extractor) fail2(h *format.Header, err error) error {
	if err != nil {
		return x.fail(h, err)
	}
	return nil
}

func (x *extractor) owner(h *format.Header, link bool) error {
	return x.fail2(h, x.chown(h.Path, h, link))
}

// chown gives p the owner of h, with SameOwner.
func (x *extractor) chown(p string, h *format.Header, link bool) error {
	if !x.opts.SameOwner {
		return nil
	}
	if link {
		return x.root.Lchown(p, int(h.UID), int(h.GID))
	}
	return x.root.Chown(p, int(h.UID), int(h.GID))
}

// finishDirs sets directory modes and times last, deepest first, so that
// creating their contents does not change them afterwards.
func (x *extractor) finishDirs() error {
	sort.SliceStable(x.dirs, func(i, j int) bool { return x.dirs[i].Path > x.dirs[j].Path })
	for _, h := range x.dirs {
		if err := x.owner(h, false); err != nil {
			return err
		}
		if err := x.root.Chmod(h.Path, x.mode(h)); err != nil {
			return x.fail(h, err)
		}
		if err := x.root.Chtimes(h.Path, time.Time{}, h.ModTime); err != nil {
			return x.fail(h, err)
		}
	}
	return nil
}

// tempFile creates an empty file with a fresh temporary name in the
// directory of path (below the root), for content that is renamed to
// path once complete.
func (x *extractor) tempFile(p string) (string, *os.File, error) {
	dir, base := path.Split(p)
	for i := 0; ; i++ {
		tmp := fmt.Sprintf("%s.%s.dcar-%d-%d", dir, base, os.Getpid(), x.tmpSeq.Add(1))
		if len(tmp) > format.MaxPathLen+64 {
			tmp = fmt.Sprintf("%s.dcar-%d-%d", dir, os.Getpid(), x.tmpSeq.Add(1))
		}
		f, err := x.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		return tmp, f, err
	}
}

// sparsePage is the granularity at which copySparse leaves holes.
const sparsePage = 4 << 10

// copySparse copies r to the file f from its current offset (f is empty
// there, or the bytes are a piece's: spec section 15.3), leaving runs of zero pages as
// holes (the file system allocates nothing for them; they read back as
// zeros), as cp --sparse=auto and tar -S do.
func copySparse(ctx context.Context, f *os.File, r io.Reader) error {
	buf := make([]byte, 256<<10)
	var zero [sparsePage]byte
	var size, hole int64 // bytes so far; pending zero bytes not yet written
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := io.ReadFull(r, buf)
		for p := buf[:n]; len(p) > 0; {
			k := min(len(p), sparsePage)
			if k == sparsePage && bytes.Equal(p[:k], zero[:]) {
				hole += int64(k)
			} else {
				if hole > 0 {
					if _, err := f.Seek(hole, io.SeekCurrent); err != nil {
						return err
					}
					hole = 0
				}
				if _, err := f.Write(p[:k]); err != nil {
					return err
				}
			}
			size += int64(k)
			p = p[k:]
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if hole > 0 {
		end, err := f.Seek(hole, io.SeekCurrent)
		if err != nil {
			return err
		}
		return f.Truncate(end)
	}
	return nil
}
