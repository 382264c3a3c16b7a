package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dcar-archiver/dcar/format"
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
}

// Extract reads an archive from r and recreates its entries below dir.
// Nothing outside dir is created or modified: all file system access goes
// through an os.Root, which refuses paths and symlinks that leave it.
// A file whose content fails its checks is removed, and Extract fails.
func Extract(r io.Reader, dir string, opts ExtractOptions) error {
	return ExtractContext(context.Background(), r, dir, opts)
}

// ExtractContext is Extract, stopped when ctx is done (an interrupt): the
// file being written is removed, directories made so far get their
// modes, and the error wraps ctx.Err().
func ExtractContext(ctx context.Context, r io.Reader, dir string, opts ExtractOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	x := &extractor{ctx: ctx, root: root, opts: opts, files: map[string]bool{}, skipped: map[string]bool{}, byEntry: map[int]string{}}
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
	ar, err := NewReader(r, ReaderOptions{Jobs: opts.Jobs, Source: source, Want: wanted(r, opts.Only)})
	if err != nil {
		return err
	}
	defer ar.Close()
	matched := make([]bool, len(opts.Only))
	for {
		if err := ctx.Err(); err != nil {
			x.finishDirs()
			return err
		}
		h, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			x.finishDirs() // the directories made so far get their modes
			return err
		}
		if !selected(h.Path, opts.Only, matched) {
			if h.Type == format.TypeRegular {
				x.skipped[h.Path] = true
			}
			continue
		}
		if opts.Verbose != nil {
			opts.Verbose(h)
		}
		if err := x.entry(h, ar); err != nil {
			x.finishDirs()
			return err
		}
		if h.Type == format.TypeRegular {
			x.byEntry[ar.entry()] = h.Path
		}
	}
	if err := x.finishDirs(); err != nil {
		return err
	}
	for i, ok := range matched {
		if !ok {
			return fmt.Errorf("%w: %s", ErrNotFound, opts.Only[i])
		}
	}
	return nil
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
		var src io.Reader = content
		if x.opts.Progress != nil {
			src = &countingReader{r: content, n: &x.done, f: x.opts.Progress}
		}
		err = copySparse(x.ctx, f, src)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = x.chown(tmp, h, false)
		}
		if err == nil {
			err = x.root.Chmod(tmp, x.mode(h))
		}
		if err == nil {
			err = x.root.Chtimes(tmp, time.Time{}, h.ModTime)
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

// copySparse copies r to the empty file f, leaving runs of zero pages as
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
		return f.Truncate(size)
	}
	return nil
}
