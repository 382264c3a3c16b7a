package archive

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/dcar-archiver/dcar/format"
)

// ErrVolumeSize reports a volume size a set cannot be cut with.
var ErrVolumeSize = errors.New("dcar: volume size must be at least the block size")

// SetOptions control PlanSet.
type SetOptions struct {
	Exclude []string // as CreateOptions.Exclude
	// VolumeSize bounds the content bytes (the files' sizes) of each
	// volume; coded volumes come out at or below it plus their framing.
	VolumeSize int64
	// BlockSize is WriterOptions.BlockSize (0: DefaultBlockSize): a file
	// larger than a volume is cut into pieces at multiples of it.
	BlockSize int
	Warn      func(Warning) // as CreateOptions.Warn
}

// A SetPlan is a directory tree cut into volumes (spec section 15.2):
// what Create would archive, in its order and with its headers, each
// entry assigned to one volume. It is plain data (it round-trips through
// encoding/json), so a launcher can plan and workers write the volumes.
type SetPlan struct {
	VolumeSize int64
	BlockSize  int
	Ordered    bool  // entry paths never decrease in path element order
	Entries    int64 // planned entries in all
	Volumes    []VolumePlan
}

// A VolumePlan is one volume of a SetPlan.
type VolumePlan struct {
	Index      int   // 0 for the first volume (file NAME.001)
	FirstEntry int64 // set number of its first entry
	Entries    []PlannedEntry
}

// A PlannedEntry is one entry of a volume: the file to read, its header
// (a piece of a split file has FileSize and PieceOffset set) and, for a
// regular file, its size and times when planned, which it must still
// have when its volume is written.
type PlannedEntry struct {
	OSPath string
	Header Header
	Stamp  stamp
}

// VolumeInfo is what the manifest says of a written volume.
type VolumeInfo = format.Volume

// ErrSize reports a size that ParseSize cannot read.
var ErrSize = errors.New("dcar: a size is a positive number of bytes with an optional K, M or G suffix (powers of 1024)")

// ParseSize reads a size as dcar's command lines take it: "4096", "64K",
// "100M", "1G", "2T" (binary multiples; a trailing "B" or "iB" is
// allowed: "100MiB").
func ParseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"), "I")
	mult := int64(1)
	if i := strings.IndexAny(t, "KMGT"); i >= 0 && i == len(t)-1 {
		mult = 1 << (10 * (1 + strings.IndexByte("KMGT", t[i])))
		t = t[:i]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > format.MaxFileSize/mult {
		return 0, fmt.Errorf("%w: %q", ErrSize, s)
	}
	return n * mult, nil
}

// VolumeName is the file name of volume i (from 0) of the set name:
// name.001, name.002, ... (more digits beyond 999 volumes).
func VolumeName(name string, i int) string { return fmt.Sprintf("%s.%03d", name, i+1) }

// PlanSet lists the trees under roots as Create archives them and cuts
// the list into volumes by content size (spec section 15.2): entries go
// to a volume in order until the next regular file would take it beyond
// opts.VolumeSize; a file larger than a volume starts a new one and is
// cut into pieces of the volume size rounded down to a multiple of the
// block size, each piece alone in its volume but the last; a hard link
// whose file is not whole in the same volume is planned as a copy of
// the file. Each regular file is opened once to check that it can be
// read. The same tree and options give the same plan.
func PlanSet(roots []string, opts SetOptions) (*SetPlan, error) {
	bs := opts.BlockSize
	if bs <= 0 || bs > format.MaxBlockSize {
		bs = DefaultBlockSize
	}
	if opts.VolumeSize < int64(bs) {
		return nil, fmt.Errorf("%w (%d bytes): %d", ErrVolumeSize, bs, opts.VolumeSize)
	}
	p := &SetPlan{VolumeSize: opts.VolumeSize, BlockSize: bs, Ordered: true, Volumes: []VolumePlan{{}}}
	pieceSize := opts.VolumeSize - opts.VolumeSize%int64(bs)
	var content int64                  // of the last volume
	files := map[string]PlannedEntry{} // regular files planned whole or in pieces, by name
	whole := map[string]int{}          // the volume of each file planned whole
	var last string
	add := func(e PlannedEntry, size int64) {
		if size > 0 && content+size > opts.VolumeSize && content > 0 {
			p.Volumes = append(p.Volumes, VolumePlan{Index: len(p.Volumes), FirstEntry: p.Entries})
			content = 0
		}
		v := &p.Volumes[len(p.Volumes)-1]
		v.Entries = append(v.Entries, e)
		content += size
		p.Entries++
		if last != "" && comparePaths(last, e.Header.Path) >= 0 && !(e.Header.PieceOffset > 0 && last == e.Header.Path) {
			p.Ordered = false
		}
		last = e.Header.Path
	}
	err := walkEntries(roots, opts.Exclude, opts.Warn, func(osPath string, fi fs.FileInfo, h *Header, f *os.File) error {
		e := PlannedEntry{OSPath: osPath, Header: *h}
		switch h.Type {
		case format.TypeRegular:
			e.Stamp = stampOf(fi)
			files[h.Path] = e
		case format.TypeHardlink:
			if v, ok := whole[h.Link]; !ok || v != len(p.Volumes)-1 {
				// Its file is not whole in this volume: a copy of it.
				first := files[h.Link]
				e.Header, e.Stamp = first.Header, first.Stamp
				e.Header.Path = h.Path
			}
		}
		size := e.Header.Size
		if e.Header.Type != format.TypeRegular || size <= opts.VolumeSize {
			add(e, size)
			if h.Type == format.TypeRegular {
				whole[h.Path] = len(p.Volumes) - 1
			}
			return nil
		}
		for off := int64(0); off < size; off += pieceSize {
			pe := e
			pe.Header.Size = min(pieceSize, size-off)
			pe.Header.FileSize, pe.Header.PieceOffset = size, off
			add(pe, opts.VolumeSize) // alone in its volume...
			content = pe.Header.Size // ...but the last piece, which later entries may join
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// comparePaths orders entry paths element by element, the order of a
// walk that visits each directory's names sorted: "a" < "a/b" < "a.txt".
func comparePaths(a, b string) int {
	for {
		ea, ra, _ := strings.Cut(a, "/")
		eb, rb, _ := strings.Cut(b, "/")
		if c := strings.Compare(ea, eb); c != 0 {
			return c
		}
		switch {
		case ra == "" && rb == "":
			return 0
		case ra == "":
			return -1
		case rb == "":
			return 1
		}
		a, b = ra, rb
	}
}

// VolumeOptions control WriteVolume.
type VolumeOptions struct {
	WriterOptions
	// Open opens an input file by its OS path; nil means os.Open. A file
	// it returns that is an *os.File is checked against the plan (size,
	// modification and status change times) before and after it is
	// read; any other reader only for its size.
	Open func(osPath string) (io.ReadCloser, error)
}

// WriteVolume writes volume v of a set plan to w as a dcar archive (spec
// section 15.1) and returns its manifest row, but for the Name, which is
// the caller's. The same plan and options give the same bytes, whatever
// the Jobs and wherever it runs.
func WriteVolume(w io.Writer, v *VolumePlan, opts VolumeOptions) (VolumeInfo, error) {
	info := VolumeInfo{FirstEntry: v.FirstEntry, Entries: int64(len(v.Entries))}
	for _, e := range v.Entries {
		if e.Header.IsPiece() {
			opts.pieces = true
		}
		info.Content += e.Header.Size
	}
	if n := len(v.Entries); n > 0 {
		info.FirstPath, info.LastPath = v.Entries[0].Header.Path, v.Entries[n-1].Header.Path
		if h := &v.Entries[n-1].Header; h.IsPiece() && h.PieceOffset+h.Size < h.FileSize {
			info.Flags |= format.VolumeContinued
		}
	}
	open := opts.Open
	if open == nil {
		open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	sum := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(w, sum)}
	aw := NewWriter(cw, opts.WriterOptions)
	for i := range v.Entries {
		if err := writePlanned(aw, &v.Entries[i], open); err != nil {
			aw.Abort(err)
			return info, err
		}
	}
	if err := aw.Close(); err != nil {
		return info, err
	}
	info.Size = cw.n
	sum.Sum(info.SHA256[:0])
	return info, nil
}

// writePlanned writes one planned entry: for a regular file, its content
// (a piece's range of it) read through open.
func writePlanned(aw *Writer, e *PlannedEntry, open func(string) (io.ReadCloser, error)) error {
	h := e.Header // WriteEntry sets the codec fields of its copy
	if h.Type != format.TypeRegular {
		return aw.WriteEntry(&h, nil)
	}
	rc, err := open(e.OSPath)
	if err != nil {
		return err
	}
	defer rc.Close()
	f, _ := rc.(*os.File)
	if f != nil {
		if err := e.Stamp.check(f); err != nil {
			return fmt.Errorf("%s: %w since it was planned (%v)", e.OSPath, ErrFileChanged, err)
		}
	}
	var r io.Reader = rc // a whole file: read in place, as Create does
	if h.IsPiece() {
		if ra, ok := rc.(io.ReaderAt); ok {
			r = io.NewSectionReader(ra, h.PieceOffset, h.Size)
		} else {
			if _, err := io.CopyN(io.Discard, rc, h.PieceOffset); err != nil {
				return fmt.Errorf("%s: %w", e.OSPath, readErr(err, h.PieceOffset, 0))
			}
			r = io.LimitReader(rc, h.Size)
		}
	}
	if err := aw.WriteEntry(&h, r); err != nil {
		return err
	}
	if f != nil {
		if err := e.Stamp.check(f); err != nil {
			return fmt.Errorf("%s: %w (%v)", e.OSPath, ErrFileChanged, err)
		}
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
