package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// DefaultBlockSize is the raw size of payload blocks unless a codec
// chooses otherwise.
const DefaultBlockSize = codec.DefaultBlockSize

// ErrFileChanged reports a file that changed while it was read: its size,
// or (for Create) its modification or status change time.
var ErrFileChanged = errors.New("dcar: file changed while being read")

// A Preset trades speed for size, like an archiver's levels: it chooses
// the codecs a Writer routes files to (dcar create --fast, --best).
type Preset = codec.Preset

// The presets. Archives of every preset decode with any dcar that knows
// their codecs, at about the speed they were written.
const (
	PresetDefault = codec.PresetDefault // learned image model, version 6 text model, recompression of PNG, gzip, bzip2
	PresetFast    = codec.PresetFast    // imgctx alone for pixels, the lite text model, cm-jpeg, zstd for the rest
	PresetBest    = codec.PresetBest    // the pixel context-mixing stage, the network inside the text mixing
)

// WriterOptions tune a Writer. The zero value writes what `dcar create`
// writes by default. The archive bytes depend on every option but Jobs.
type WriterOptions struct {
	Jobs      int // parallel block coders; 0 means all cores
	Level     int // zstd level 1..22 of zstd-coded blocks; 0 means 3
	BlockSize int // raw bytes per block unless a codec chooses; 0 means DefaultBlockSize
	// NoModel codes every regular file with zstd, skipping the content
	// codecs (dcar create --zstd-only).
	NoModel bool
	// Preset chooses the codecs: PresetDefault (the zero value),
	// PresetFast (dcar create --fast) or PresetBest (--best).
	Preset Preset
	// Progress, if set, is called after each block is coded and written
	// with the content bytes coded so far (from the Writer's output
	// goroutine; it must be cheap).
	Progress func(done int64)
	// NoDedup codes every regular file, even one whose content an earlier
	// entry already has. By default such a file is written as a same
	// entry (codec 24, spec section 7.11) that refers to the first: a few
	// dozen bytes, whatever its size.
	NoDedup bool
	// NoSolid codes every file on its own. By default small text files
	// are coded together in solid groups (spec section 5, solid groups):
	// each becomes a part entry referring to a range of its group's
	// content, and the group's entry, written when the group is full or
	// the Writer closes, comes before them. So such files are written
	// after entries that followed them in the calls to WriteEntry (but
	// before any hard link to them).
	NoSolid bool
	// KeepCodec writes each regular file with the Modality, MIME, Codec,
	// Params and BlockSize its Header gives, instead of sniffing and
	// planning it (for tools that choose codecs themselves).
	KeepCodec bool

	// Domain, if set, codes with a domain model (dcar train) wherever
	// it replaces a shipped model, and writes it into the archive's
	// model record (from format version 4), so that a reader needs nothing
	// else. With DomainRef the record holds only the model's
	// fingerprint: a reader must then be given the model
	// (ReaderOptions.Models).
	Domain    *domain.Model
	DomainRef bool

	pieces bool // the archive holds pieces of split files (from format version 3; WriteVolume)
}

// Writer writes a dcar archive as a stream. Entries are written in the
// order of the calls to WriteEntry; their blocks are coded in parallel and
// written in order, so the output is identical for any number of jobs.
type Writer struct {
	opts WriterOptions
	work *jobQueue[*blockJob]
	// budget: raw bytes of the blocks read and not yet both coded and
	// hashed, at most lookahead beyond one block per coder.
	budget *byteBudget
	hashq  chan hashItem
	order  chan *pending
	done   chan struct{}
	wg     sync.WaitGroup
	pool   sync.Pool // raw block buffers
	outs   sync.Pool // coded record buffers

	mu     sync.Mutex
	err    error // first error of the output goroutine
	index  []format.IndexEntry
	closed bool

	entries int                 // entry headers queued so far
	prevHdr *Header             // the last entry header queued (delta headers are written against it)
	deltas  int                 // delta headers queued since the last full one
	seen    map[contentKey]seen // the first entry of each content (dedup)
	group   *solidGroup         // the open solid group, if any
	groups  int                 // groups written so far
}

// contentKey identifies a regular file's content for deduplication.
type contentKey struct {
	sum  [32]byte
	size int64
}

// seen is the first entry of some content: entry, or the member of the
// open solid group (member >= 0) whose entry number is not known yet.
type seen struct {
	entry  int
	h      format.Header
	member int
}

// pending is one record in output order: either ready bytes or a block
// being coded.
type pending struct {
	rec    []byte
	job    *blockJob
	header *format.Header // set for an entry header record
}

type blockJob struct {
	raw   []byte
	n     int          // raw bytes of the block (raw is released after coding)
	buf   *[]byte      // pool buffer behind raw
	cost  int          // bytes of the Writer's budget it holds until released
	refs  atomic.Int32 // users of raw: the coder and the hasher
	out   *[]byte      // pool buffer behind rec
	codec uint64
	blk   codec.Block
	rec   []byte
	err   error
	done  chan struct{}
	path  string
	group bool // a block of a solid group: its bytes count as its parts are written
}

// NewWriter starts a Writer on w and writes the file header.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	if opts.Level <= 0 {
		opts.Level = 3
	}
	if opts.BlockSize <= 0 || opts.BlockSize > format.MaxBlockSize {
		opts.BlockSize = DefaultBlockSize
	}
	aw := &Writer{
		opts:   opts,
		work:   newJobQueue[*blockJob](),
		budget: newByteBudget(lookahead + opts.Jobs*opts.BlockSize),
		hashq:  make(chan hashItem, 2*opts.Jobs+2),
		// Records in output order, coded blocks among them: room for
		// many entries (with solid groups, an entry is several records)
		// beyond the block being waited for, so that the large blocks
		// ahead reach the work queue while it is coded (see jobQueue).
		// Raw blocks stay bounded by the budget; what waits here is
		// coded.
		order: make(chan *pending, 1024),
		done:  make(chan struct{}),
	}
	aw.pool.New = func() any { b := make([]byte, opts.BlockSize); return &b }
	for i := 0; i < opts.Jobs; i++ {
		aw.wg.Add(1)
		go aw.coder()
	}
	aw.wg.Add(1)
	go aw.hasher()
	go aw.output(w)
	aw.order <- &pending{rec: format.AppendFileHeader(nil, aw.version())}
	if d := opts.Domain; d != nil {
		body := format.AppendModelBody(nil, d.Bytes(), d.Fingerprint, opts.DomainRef)
		aw.order <- &pending{rec: format.AppendRecord(nil, format.TagModel, body)}
	}
	return aw
}

// version is the format version the Writer writes: 6, whose index is
// compressed (version 5: on a source tree of 2,284 entries, 225 KB of
// plain index are 59 KB) and whose entry headers are mostly deltas
// (version 6), or with KeepCodec, for tools that choose codecs
// themselves, 1, which every dcar reads (such a Writer writes no group,
// piece or model record).
func (aw *Writer) version() int {
	if aw.opts.KeepCodec && aw.opts.Domain == nil && !aw.opts.pieces {
		return 1
	}
	return format.VersionDelta
}

// coder codes blocks. A block whose coded form is not smaller than the raw
// bytes is stored instead, so no block ever expands beyond its framing.
func (aw *Writer) coder() {
	defer aw.wg.Done()
	for j, ok := aw.work.pop(); ok; j, ok = aw.work.pop() {
		if testHookCode != nil {
			testHookCode()
		}
		j.rec, j.err = aw.codeBlock(j)
		aw.release(j)
		close(j.done)
	}
}

// testHookCode, if set, runs in a coder before each block (tests hold
// the coders back with it).
var testHookCode func()

// hdrLen is the length of the block header at the start of a block body.
func hdrLen(body []byte) int {
	_, n1 := binary.Uvarint(body)
	_, n2 := binary.Uvarint(body[n1:])
	return n1 + n2
}

// release drops one user of a block's raw buffer; the last returns it
// and the block's share of the budget.
func (aw *Writer) release(j *blockJob) {
	if j.refs.Add(-1) == 0 {
		aw.putBuf(j.buf)
		aw.budget.release(j.cost)
	}
}

// putBuf returns a block buffer to the pool if it is one of the pool's
// (of the block size; a small block's buffer of its own size is not).
func (aw *Writer) putBuf(bp *[]byte) {
	if cap(*bp) == aw.opts.BlockSize {
		aw.pool.Put(bp)
	}
}

// hashItem is a block to hash, or (end != nil) the end of an entry.
type hashItem struct {
	job    *blockJob
	end    *blockJob
	blocks uint64
	size   int64
	want   *[32]byte // the content hash dedup took: what its end must be
	path   string
	noSum  bool // the end record without the SHA-256 (a part, from format version 6)
}

// hasher computes each entry's SHA-256 over its blocks in order, beside
// the reading and the coding, and produces the entry end records.
func (aw *Writer) hasher() {
	defer aw.wg.Done()
	sum := sha256.New()
	for it := range aw.hashq {
		if it.job != nil {
			sum.Write(it.job.raw)
			aw.release(it.job)
			continue
		}
		e := format.End{Blocks: it.blocks, Size: uint64(it.size), NoSum: it.noSum}
		sum.Sum(e.SHA256[:0])
		sum.Reset()
		if it.want != nil && e.SHA256 != *it.want {
			aw.setErr(fmt.Errorf("%s: %w (its content changed after it was hashed for deduplication)", it.path, ErrFileChanged))
		}
		it.end.rec = format.AppendRecord(nil, format.TagEnd, e.MarshalBody(nil))
		close(it.end.done)
	}
}

func (aw *Writer) codeBlock(j *blockJob) ([]byte, error) {
	// The record is built in place: room for its frame, the block header,
	// then the payload. The capacity covers zstd's worst case, so the
	// buffer does not grow.
	need := format.RecordReserve + 32 + len(j.raw) + len(j.raw)/64 + 64
	bp, _ := aw.outs.Get().(*[]byte)
	if bp == nil || cap(*bp) < need {
		b := make([]byte, 0, max(need, aw.opts.BlockSize+aw.opts.BlockSize/64+128))
		bp = &b
	}
	j.out = bp
	buf := (*bp)[:format.RecordReserve]
	id, blk := j.codec, j.blk
	if id == format.CodecSame || id == format.CodecPart {
		// No payload: the content is the referenced entry's.
		buf = (&format.BlockHeader{Codec: id, RawLen: uint32(len(j.raw))}).Marshal(buf)
		return format.FrameRecord(buf, format.TagBlock), nil
	}
	if id != format.CodecStore && id != format.CodecZstd && trivial(j.raw) {
		// Not worth a model: it would take its full time to save at
		// most a 256th of the block over zstd.
		id, blk = format.CodecZstd, codec.Block{Level: 19}
	}
	if id != format.CodecStore {
		c, err := codec.Lookup(id)
		if err != nil {
			return nil, err
		}
		buf = (&format.BlockHeader{Codec: id, RawLen: uint32(len(j.raw))}).Marshal(buf)
		hdrEnd := len(buf)
		buf, err = c.Compress(buf, j.raw, blk)
		// A declined block is coded with zstd, as the fallback below.
		declined := errors.Is(err, codec.ErrDeclined)
		if err != nil && !declined {
			return nil, fmt.Errorf("%s: %s: %w", j.path, codec.Name(id), err)
		}
		if id != format.CodecZstd {
			// Never worse than the fallback: a block that zstd codes
			// smaller is kept as zstd (level 19; with --fast the
			// zstd level asked for, at least 3; for a codec of
			// entropy-coded content, the level it names).
			alt := (&format.BlockHeader{Codec: format.CodecZstd, RawLen: uint32(len(j.raw))}).Marshal(nil)
			z, _ := codec.Lookup(format.CodecZstd)
			level := 19
			if aw.opts.Preset == PresetFast {
				level = max(aw.opts.Level, 3)
			}
			if fl, ok := c.(codec.FallbackLeveler); ok {
				level = min(level, fl.FallbackLevel())
			}
			if level > 3 && !declined {
				// A cheap bound first: zstd -19 has never come out
				// below 0.64 of zstd -3 on any block measured
				// (docs/ABLATIONS.md, "The zstd fallback check"), so a
				// model payload at most 0.6 of zstd -3's is kept
				// without the -19 pass (1-2 s per 4 MiB block).
				hl := len(alt)
				if a3, err := z.Compress(alt, j.raw, codec.Block{Level: 3}); err == nil && 5*(len(buf)-hdrEnd) <= 3*(len(a3)-hl) {
					level = 0
				}
			}
			if level > 0 {
				alt, err = z.Compress(alt, j.raw, codec.Block{Level: level})
			}
			if err != nil && declined {
				return nil, fmt.Errorf("%s: zstd: %w", j.path, err)
			}
			if level > 0 && err == nil && (declined || len(alt) < len(buf)-format.RecordReserve) {
				buf = append(buf[:format.RecordReserve], alt...)
				id, hdrEnd = format.CodecZstd, format.RecordReserve+hdrLen(alt)
			}
		}
		if len(buf)-hdrEnd >= len(j.raw) {
			id, buf = format.CodecStore, buf[:format.RecordReserve]
		}
	}
	if id == format.CodecStore {
		buf = (&format.BlockHeader{Codec: id, RawLen: uint32(len(j.raw))}).Marshal(buf)
		buf = append(buf, j.raw...)
	}
	return format.FrameRecord(buf, format.TagBlock), nil
}

// trivialRatio is how much zstd -1 must shrink a block for trivial.
const trivialRatio = 256

// trivial reports whether zstd -1 shrinks b trivialRatio-fold or more:
// runs of zeros (sparse and preallocated files, disk images), long
// repeats. Such a block goes to zstd without its model. The check costs
// a zstd -1 pass over the first 16 KiB of a block, and over the whole
// block only when that part shrinks 64-fold.
func trivial(b []byte) bool {
	if len(b) < 64<<10 {
		return false // the model's time on a small block is small anyway
	}
	z, err := codec.Lookup(format.CodecZstd)
	if err != nil {
		return false
	}
	head := b[:16<<10]
	out, err := z.Compress(nil, head, codec.Block{Level: 1})
	if err != nil || len(out)*trivialRatio/4 > len(head) {
		return false
	}
	out, err = z.Compress(out[:0], b, codec.Block{Level: 1})
	return err == nil && len(out)*trivialRatio <= len(b)
}

// output writes records in order and keeps the index; when the queue is
// closed it appends the index record and the footer.
func (aw *Writer) output(w io.Writer) {
	defer close(aw.done)
	var off, coded int64
	write := func(rec []byte) {
		n, err := w.Write(rec)
		off += int64(n)
		if err != nil {
			aw.setErr(err)
		}
	}
	for p := range aw.order {
		rec := p.rec
		if p.job != nil {
			<-p.job.done
			rec = p.job.rec
			if p.job.err != nil {
				aw.setErr(p.job.err)
			}
		}
		if aw.failed() {
			aw.recycle(p)
			continue // drain the queue so producers never block
		}
		if p.header != nil {
			aw.index = append(aw.index, format.IndexEntry{Offset: off, Header: *p.header})
		}
		if n := len(aw.index); n > 0 {
			aw.index[n-1].Stored += int64(len(rec))
		}
		write(rec)
		aw.recycle(p)
		if p.job != nil && p.job.n > 0 && !p.job.group && aw.opts.Progress != nil {
			coded += int64(p.job.n)
			aw.opts.Progress(coded)
		}
	}
	if aw.failed() || !aw.closed {
		return
	}
	at := off
	rec := format.AppendIndexRecord(nil, aw.version(), aw.index)
	write(rec)
	write(format.AppendFooter(nil, format.Footer{IndexOffset: at, IndexSize: int64(len(rec))}))
}

// recycle returns a written block record's buffer to the pool.
func (aw *Writer) recycle(p *pending) {
	if p.job != nil && p.job.out != nil {
		aw.outs.Put(p.job.out)
		p.job.out, p.job.rec = nil, nil
	}
}

func (aw *Writer) setErr(err error) {
	aw.mu.Lock()
	if aw.err == nil {
		aw.err = err
	}
	aw.mu.Unlock()
}

func (aw *Writer) failed() bool {
	aw.mu.Lock()
	defer aw.mu.Unlock()
	return aw.err != nil
}

func (aw *Writer) firstErr() error {
	aw.mu.Lock()
	defer aw.mu.Unlock()
	return aw.err
}

// WriteEntry writes one entry. For a regular file, r supplies exactly
// h.Size bytes. Unless KeepCodec is set, the Writer sniffs the content and
// plans its codec as dcar create does, and sets h's Modality, MIME,
// Codec, Params and BlockSize to what it chose. Planning may read the
// content more than once: where r is an io.ReaderAt and io.Seeker (an
// *os.File, a bytes.Reader) it is read in place, from its current offset;
// any other reader is first read into memory, or into a temporary file
// beyond 64 MiB. If r yields fewer or more bytes than h.Size, WriteEntry
// fails with ErrFileChanged and the archive is unusable (the caller must
// discard it).
func (aw *Writer) WriteEntry(h *Header, r io.Reader) error {
	if h.Type == format.TypeRegular && !aw.opts.KeepCodec {
		content, view, done, err := randomAccess(r, h.Size)
		if err != nil {
			return fmt.Errorf("%s: %w", h.Path, err)
		}
		defer done()
		var key contentKey
		// A piece of a split file is neither deduplicated nor a
		// dedup original: its extracted file holds other bytes too.
		dedup := !aw.opts.NoDedup && h.Size > 0 && !h.IsPiece()
		if dedup {
			if key, err = hashContent(view, h.Size); err != nil {
				return fmt.Errorf("%s: %w", h.Path, err)
			}
			if first, ok := aw.seen[key]; ok {
				if first.member >= 0 {
					// A copy of a file of the open group: a part of it too.
					return aw.addPart(h, content, key, first.member)
				}
				h.Modality, h.MIME, h.Codec = first.h.Modality, first.h.MIME, format.CodecSame
				h.Params, h.BlockSize = format.AppendSameParams(nil, first.entry), first.h.BlockSize
				return aw.writeEntryWant(h, content, &key.sum)
			}
		}
		if err := aw.plan(h, view); err != nil {
			return fmt.Errorf("%s: %w", h.Path, err)
		}
		if kind := aw.solid(h); kind != solidNone {
			return aw.addMember(h, kind, content, key)
		}
		if dedup {
			if aw.seen == nil {
				aw.seen = map[contentKey]seen{}
			}
			aw.seen[key] = seen{aw.entries, *h, -1}
			// Later copies will refer to this entry by that hash: its
			// content must be what was hashed.
			return aw.writeEntryWant(h, content, &key.sum)
		}
		r = content
	}
	if h.Type == format.TypeHardlink && aw.pendingLink(h.Link) {
		return aw.addLink(h)
	}
	return aw.writeEntry(h, r)
}

// hashContent is the dedup key of size bytes read through view.
func hashContent(view io.ReaderAt, size int64) (contentKey, error) {
	k := contentKey{size: size}
	sum := sha256.New()
	n, err := io.Copy(sum, io.NewSectionReader(view, 0, size))
	if err != nil {
		return k, err
	}
	if n != size {
		return k, readErr(io.EOF, size, n)
	}
	sum.Sum(k.sum[:0])
	return k, nil
}

// plan sniffs the content (size h.Size, read through view) and sets
// h's Modality, MIME, Codec, Params and BlockSize.
func (aw *Writer) plan(h *Header, view io.ReaderAt) error {
	head := make([]byte, min(h.Size, codec.SniffLen))
	if _, err := view.ReadAt(head, 0); err != nil && len(head) > 0 {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w (expected %d bytes)", ErrFileChanged, h.Size)
		}
		return err
	}
	k := codec.Sniff(head)
	h.Modality, h.MIME = k.Modality, k.MIME
	if aw.opts.NoModel {
		h.Codec, h.Params, h.BlockSize = format.CodecZstd, nil, 0
		return nil
	}
	pl := codec.UseDomain(codec.Plan(k, view, h.Size, aw.opts.Preset), aw.opts.Domain)
	h.Codec, h.Params, h.BlockSize = pl.Codec, pl.Params, uint32(pl.BlockSize)
	return nil
}

// spoolInMemory is the largest content of a reader without random access
// that WriteEntry holds in memory to plan it; larger content goes to a
// temporary file.
var spoolInMemory int64 = 64 << 20

// randomAccess returns a view of the next size bytes of r that can be
// read at any offset, the reader that then yields those bytes (and
// whatever r has beyond them, so that a grown file is noticed), and a
// function that releases what the view holds.
func randomAccess(r io.Reader, size int64) (content io.Reader, view io.ReaderAt, done func(), err error) {
	if ra, ok := r.(io.ReaderAt); ok {
		if s, ok := r.(io.Seeker); ok {
			if pos, err := s.Seek(0, io.SeekCurrent); err == nil {
				return r, io.NewSectionReader(ra, pos, size), func() {}, nil
			}
		}
	}
	if size <= spoolInMemory {
		buf := make([]byte, size)
		if n, err := io.ReadFull(r, buf); err != nil {
			return nil, nil, nil, readErr(err, size, int64(n))
		}
		return io.MultiReader(bytes.NewReader(buf), r), bytes.NewReader(buf), func() {}, nil
	}
	f, err := os.CreateTemp("", "dcar-entry-*")
	if err != nil {
		return nil, nil, nil, err
	}
	done = func() { f.Close(); os.Remove(f.Name()) }
	if n, err := io.CopyN(f, r, size); err != nil {
		done()
		return nil, nil, nil, readErr(err, size, n)
	}
	return io.MultiReader(io.NewSectionReader(f, 0, size), r), f, done, nil
}

// readErr is the error of a content read that stopped after n of size
// bytes.
func readErr(err error, size, n int64) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w (expected %d bytes, got %d)", ErrFileChanged, size, n)
	}
	return err
}

// writeEntry writes one entry whose codec is set.
func (aw *Writer) writeEntry(h *Header, r io.Reader) error {
	return aw.writeEntryWant(h, r, nil)
}

// writeEntryWant is writeEntry for content whose SHA-256 must be want
// (nil: any).
func (aw *Writer) writeEntryWant(h *Header, r io.Reader, want *[32]byte) error {
	if aw.closed {
		return errors.New("dcar: write to closed archive writer")
	}
	if err := aw.firstErr(); err != nil {
		return err
	}
	if !format.ValidPath(h.Path) {
		return fmt.Errorf("%w %q", format.ErrInvalidPath, h.Path)
	}
	hc := *h
	if !hc.Type.HasContent() || hc.Size == 0 {
		hc.BlockSize = 0
	} else if hc.BlockSize == 0 || hc.BlockSize > format.MaxBlockSize {
		// A codec may choose its block size (an image codec keeps a whole
		// image in one block); the default is the writer's.
		hc.BlockSize = uint32(aw.opts.BlockSize)
	}
	// From format version 6 most headers are deltas against the one
	// before: a full one opens the archive and every run of
	// format.DeltaRun deltas, and every solid group's.
	full := hc.MarshalBody(nil)
	tag, body := format.TagEntry, full
	if aw.version() >= format.VersionDelta && aw.prevHdr != nil && aw.deltas < format.DeltaRun && hc.Type != format.TypeGroup {
		if d := hc.MarshalDelta(nil, aw.prevHdr); len(d) < len(full) {
			tag, body = format.TagEntryDelta, d
		}
	}
	if len(body) > format.MaxEntryBody {
		return fmt.Errorf("%s: %w: entry header too large", h.Path, format.ErrLimit)
	}
	// Write only what a reader accepts (a delta: and reads back as hc).
	var check format.Header
	var err error
	if tag == format.TagEntryDelta {
		err = check.UnmarshalDelta(body, aw.prevHdr)
		if err == nil && !bytes.Equal(check.MarshalBody(nil), full) {
			err = fmt.Errorf("delta header does not read back as the entry's")
		}
	} else {
		err = check.UnmarshalBody(body)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", h.Path, err)
	}
	if tag == format.TagEntryDelta {
		aw.deltas++
	} else {
		aw.deltas = 0
	}
	aw.prevHdr = &hc
	aw.order <- &pending{rec: format.AppendRecord(nil, tag, body), header: &hc}
	aw.entries++
	if !hc.Type.HasContent() {
		return nil
	}
	var read int64
	var blocks uint64
	level := aw.opts.Level
	if codec.Compressed(hc.MIME) {
		level = 1 // already compressed: a fast pass, stored if it does not pay
	}
	for read < hc.Size {
		want := int(min(int64(hc.BlockSize), hc.Size-read))
		// A block above a quarter of the block size reads into a pool
		// buffer (of the block size, or of its own if a codec chose a
		// larger one), a smaller one into a buffer of its own size: the
		// budget counts capacities.
		pooled := want > aw.opts.BlockSize/4
		cost := want
		if pooled {
			cost = max(want, aw.opts.BlockSize)
		}
		aw.budget.acquire(cost) // the coders and the hasher release without the caller: never stopped
		var bp *[]byte
		if pooled && want <= aw.opts.BlockSize {
			bp = aw.pool.Get().(*[]byte)
		} else {
			b := make([]byte, want)
			bp = &b
		}
		buf := (*bp)[:want]
		n, err := io.ReadFull(r, buf)
		read += int64(n)
		if err != nil {
			aw.putBuf(bp)
			aw.budget.release(cost)
			return fmt.Errorf("%s: %w", h.Path, readErr(err, hc.Size, read))
		}
		j := &blockJob{raw: buf, n: len(buf), buf: bp, cost: cost, codec: hc.Codec, done: make(chan struct{}), path: h.Path, group: hc.Type == format.TypeGroup,
			blk: codec.Block{Index: int64(blocks), Offset: read - int64(n), EntrySize: hc.Size, Level: level, Params: hc.Params, Domain: aw.opts.Domain, Preset: aw.opts.Preset}}
		j.refs.Store(2)
		aw.order <- &pending{job: j}
		aw.hashq <- hashItem{job: j}
		aw.work.push(j, cost)
		blocks++
	}
	if err := checkEnd(r, h.Path, hc.Size); err != nil {
		return err
	}
	end := &blockJob{done: make(chan struct{})}
	aw.order <- &pending{job: end}
	// A part's content is checked by its group's SHA-256: from version 6
	// its end record does not repeat one of its own.
	noSum := hc.Codec == format.CodecPart && aw.version() >= format.VersionDelta
	aw.hashq <- hashItem{end: end, blocks: blocks, size: read, want: want, path: h.Path, noSum: noSum}
	return aw.firstErr()
}

// checkEnd fails with ErrFileChanged if r, which has yielded size bytes
// of the file at path, has more: the file grew while it was read.
func checkEnd(r io.Reader, path string, size int64) error {
	var probe [1]byte
	if n, _ := r.Read(probe[:]); n > 0 {
		return fmt.Errorf("%s: %w (grew beyond %d bytes)", path, ErrFileChanged, size)
	}
	return nil
}

// Close writes the index and the footer and waits for all output. It does
// not close the underlying writer. After a failed WriteEntry, Close only
// releases resources and returns the first error.
func (aw *Writer) Close() error {
	if aw.closed {
		return aw.firstErr()
	}
	if err := aw.flushGroup(); err != nil {
		aw.setErr(err)
	}
	aw.closed = true
	aw.work.close()
	close(aw.hashq)
	close(aw.order)
	aw.wg.Wait()
	<-aw.done
	return aw.firstErr()
}

// Abort stops the Writer after a failure without writing the index.
func (aw *Writer) Abort(err error) {
	aw.setErr(err)
	aw.Close()
}
