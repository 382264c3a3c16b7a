package archive

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// ReaderOptions tune a Reader.
type ReaderOptions struct {
	Jobs int // parallel block decoders; 0 means all cores
	// Continue makes the Reader go on after damage: Next skips to the next
	// intact entry instead of failing for good. Used by verify.
	Continue bool
	// Source, if set, gives the content of an earlier regular entry (by
	// its number in the archive, from 0) for a same entry that refers to
	// it: extraction passes the file it wrote. It may return nil, nil
	// for an entry it does not have, and an io.Closer is closed after
	// use. Without a source the Reader decodes the earlier entry's blocks
	// again, which needs an archive with random access (an io.ReaderAt
	// and io.Seeker, such as an *os.File); from a plain stream reading a
	// same entry then fails with ErrNoSource. Whatever the source, the
	// content is checked against the entry's SHA-256.
	Source func(entry int) (io.ReaderAt, error)
	// Want, if set, says which entries' content will be read: it is
	// called once per entry, in archive order, with the entry's number
	// (from 0) and header, from the Reader's own goroutine, before Next
	// returns that entry. The blocks of an entry it declines are read
	// and their records checked but not decoded, and the entry's Read
	// fails with ErrNotWanted; a solid group it declines is not decoded
	// (a part of it that is read later decodes it again, which needs
	// random access). Extract sets it from the archive's index to decode
	// only what the paths asked for need. Nil: every entry.
	Want func(entry int, h *Header) bool
	// Models are the domain models the Reader may be given to decode an
	// archive that refers to one by its fingerprint (dcar create
	// --model-ref; dcar extract --model). An archive that carries its
	// model needs none.
	Models []*domain.Model

	// verify (Verify) checks a same entry against its original's
	// verified SHA-256 instead of reading the original again; Read then
	// yields none of its bytes.
	verify bool
}

// ErrModelMissing reports an archive coded with a domain model that it
// only refers to (by fingerprint) when the Reader was not given that
// model.
var ErrModelMissing = errors.New("dcar: the archive's domain model was not given")

// ErrNotWanted is returned by Read for an entry that the Want option
// declined: its content was not decoded.
var ErrNotWanted = errors.New("dcar: entry not decoded (declined by ReaderOptions.Want)")

// ErrNoSource reports a same entry (deduplicated content) whose earlier
// entry the Reader cannot read again.
var ErrNoSource = errors.New("dcar: the content of a deduplicated entry's original cannot be read (needs random access to the archive, or that file extracted first)")

// Reader reads a dcar archive as a stream, entry by entry, like
// archive/tar.Reader. Blocks are decoded ahead in parallel. Every entry's
// content is checked against its SHA-256 when its last byte is read; a
// mismatch is reported by Read as an error, never as silently wrong data.
type Reader struct {
	opts   ReaderOptions
	events chan event
	stop   chan struct{}
	once   sync.Once
	work   *jobQueue[*decodeJob] // blocks to decode, largest first
	budget *byteBudget           // raw bytes of the blocks dispatched and not yet taken by Read/Next

	cur      *format.Header
	curOff   int64
	data     []byte // decoded bytes not yet returned by Read
	sum      hash.Hash
	got      int64
	nblocks  uint64
	curErr   error // sticky error of the current entry
	fatal    error // sticky error of the archive
	index    []format.IndexEntry
	peeked   *event
	rawIndex []format.IndexEntry // the index as read, even if it did not match
	entries  []format.IndexEntry // entries seen, to check the index against

	domain    *domain.Model    // the archive's domain model (model record), if any: set by scan before the events of any entry
	ra        io.ReaderAt      // the archive with random access, if it has it
	blockOffs [][]int64        // with ra, per entry seen: offsets of its block records
	same      *sameBlock       // the last original block decoded for a same entry
	group     *groupContent    // the content of the last solid group read
	skipping  bool             // Next is skipping the current entry's content
	notWanted bool             // Want declined the current entry: its blocks are not decoded
	sums      map[int][32]byte // verify: the SHA-256 of each entry whose content checked out
	groupSums map[int][32]byte // the SHA-256 of each solid group's content, from its end record
}

// groupContent is the decoded content of a solid group entry.
type groupContent struct {
	entry int
	data  []byte
}

// sameBlock is a decoded block of an original entry.
type sameBlock struct {
	entry int
	index int64
	data  []byte
}

type eventKind int

const (
	evHeader eventKind = iota
	evBlock
	evEnd
	evIndex
	evError
)

type event struct {
	kind  eventKind
	off   int64
	size  int64
	hdr   *format.Header
	skip  bool // a header: Want declined the entry
	blk   *decodeJob
	end   format.End
	index []format.IndexEntry
	err   error
	fatal bool
	entry string
}

type decodeJob struct {
	ref     bool // a block of a same or part entry: resolved by Read, not a worker
	skip    bool // a block of an entry Want declined: not decoded
	bh      format.BlockHeader
	payload []byte
	codec   uint64
	blk     codec.Block
	cost    int // bytes of the Reader's budget it holds until taken
	out     []byte
	err     error
	done    chan struct{}
}

// NewReader checks the file header and starts reading r.
func NewReader(r io.Reader, opts ReaderOptions) (*Reader, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	var ra io.ReaderAt
	if r, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		if pos, err := r.Seek(0, io.SeekCurrent); err == nil {
			// Record offsets count from the archive's first byte.
			ra = io.NewSectionReader(r, pos, 1<<62)
		}
	}
	s, err := format.NewScanner(r)
	if err != nil {
		return nil, err
	}
	// The scanner runs ahead of Read by up to lookahead bytes of decoded
	// blocks (the budget) and 1024 records (events: room for many
	// entries' records), so that the decoders, which take the
	// largest waiting block first, start a large entry near the end
	// early, as the Writer's coders do.
	ar := &Reader{opts: opts, events: make(chan event, 1024), stop: make(chan struct{}), sum: sha256.New(), ra: ra,
		work: newJobQueue[*decodeJob](), budget: newByteBudget(lookahead), groupSums: map[int][32]byte{}}
	if opts.verify {
		ar.sums = map[int][32]byte{}
	}
	for i := 0; i < opts.Jobs; i++ {
		go func() {
			for j, ok := ar.work.pop(); ok; j, ok = ar.work.pop() {
				j.out, j.err = decodeBlock(j)
				j.payload = nil
				close(j.done)
			}
		}()
	}
	go ar.scan(s)
	return ar, nil
}

// take waits for block j's decoding and returns its share of the budget.
func (ar *Reader) take(j *decodeJob) {
	<-j.done
	if j.cost > 0 {
		ar.budget.release(j.cost)
		j.cost = 0
	}
}

// blocksDecoded counts the blocks decoded by every Reader (tests check
// what a partial extraction decodes).
var blocksDecoded atomic.Int64

func decodeBlock(j *decodeJob) ([]byte, error) {
	blocksDecoded.Add(1)
	c, err := codec.Lookup(j.bh.Codec)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, j.bh.RawLen)
	return c.Decompress(out, j.payload, int(j.bh.RawLen), j.blk)
}

// scan reads records and turns them into events, dispatching block
// decoding to the workers. It is the only reader of the Scanner.
func (ar *Reader) scan(s *format.Scanner) {
	defer close(ar.events)
	defer ar.work.close()
	var cur *format.Header
	var curOff, curBlock int64
	entries, curSkip, records := 0, false, 0
	send := func(e event) bool {
		select {
		case ar.events <- e:
			return true
		case <-ar.stop:
			return false
		}
	}
	// fail reports err; in Continue mode it resynchronises and returns
	// true to go on.
	// prev is the last entry header read intact, which a delta header
	// (format version 6) is read against: after damage too, since a
	// delta header names its predecessor's CRC, and one whose
	// predecessor was lost fails instead of being misread.
	var prev *format.Header
	// Errors in a record's frame (checksum, tag, length) cannot be
	// attributed: the record may be the next entry's header. Locate
	// names them from the index where it is readable.
	fail := func(off int64, err error) bool {
		name := ""
		var fe0 *format.Error
		if cur != nil && errors.As(err, &fe0) && (fe0.Op != "read record" || errors.Is(err, format.ErrTruncated)) {
			// A truncation inside an entry (before its end record) is
			// that entry's loss, whatever record was cut.
			name = cur.Path
		}
		var fe *format.Error
		if errors.As(err, &fe) && fe.Entry == "" {
			fe.Entry = name
		} else if !errors.As(err, &fe) {
			err = &format.Error{Offset: off, Entry: name, Err: err}
		}
		resume := ar.opts.Continue
		if resume {
			if _, rerr := s.Resync(); rerr != nil {
				resume = false
			}
		}
		cur = nil
		if !send(event{kind: evError, off: off, err: err, fatal: !resume, entry: name}) {
			return false
		}
		return resume
	}
	for {
		rec, err := s.Next()
		if err == io.EOF {
			fail(s.Offset(), &format.Error{Offset: s.Offset(), Op: "read record", Err: fmt.Errorf("%w: no index and footer", format.ErrTruncated)})
			return
		}
		if err != nil {
			if !fail(rec.Offset, err) {
				return
			}
			continue
		}
		records++
		switch rec.Tag {
		case format.TagModel:
			// Only first, and only from version 4: a damaged archive's
			// model cannot be resynchronised to, so any problem is fatal.
			var err error
			if s.Version() < format.VersionModel || records != 1 {
				err = fmt.Errorf("%w: model record in a version %d archive or after other records", format.ErrCorrupt, s.Version())
			} else {
				ar.domain, err = ar.resolveModel(rec.Body)
			}
			if err != nil {
				send(event{kind: evError, off: rec.Offset, err: &format.Error{Offset: rec.Offset, Op: "read model record", Err: err}, fatal: true})
				return
			}
		case format.TagEntry, format.TagEntryDelta:
			h := new(format.Header)
			if err := unmarshalHeader(h, rec, prev, s.Version()); err != nil {
				cur = nil
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Op: "read entry header", Err: err}) {
					return
				}
				continue
			}
			if err := h.CheckVersion(s.Version()); err != nil {
				cur = nil
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Entry: h.Path, Op: "read entry header", Err: err}) {
					return
				}
				continue
			}
			cur, curOff, curBlock, prev = h, rec.Offset, 0, h
			curSkip = ar.opts.Want != nil && !ar.opts.Want(entries, h)
			entries++
			if !send(event{kind: evHeader, off: rec.Offset, size: rec.Size, hdr: h, skip: curSkip}) {
				return
			}
		case format.TagBlock:
			if cur == nil || !cur.Type.HasContent() {
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Op: "read block", Err: fmt.Errorf("%w: block outside a regular file or group", format.ErrCorrupt)}) {
					return
				}
				continue
			}
			bh, payload, err := format.ParseBlock(rec.Body)
			if err == nil && bh.RawLen > cur.BlockSize {
				err = fmt.Errorf("%w: block of %d bytes exceeds the entry's block size %d", format.ErrCorrupt, bh.RawLen, cur.BlockSize)
			}
			if err == nil && bh.Codec != cur.Codec && (refCodec(cur.Codec) || bh.Codec != format.CodecStore && bh.Codec != format.CodecZstd) {
				err = fmt.Errorf("%w: block codec %d in an entry of codec %d", format.ErrCorrupt, bh.Codec, cur.Codec)
			}
			if err == nil && refCodec(bh.Codec) && cur.Type != format.TypeRegular {
				err = fmt.Errorf("%w: %s block in a group", format.ErrCorrupt, format.CodecName(bh.Codec))
			}
			if err == nil && curBlock*int64(cur.BlockSize) >= cur.Size {
				err = fmt.Errorf("%w: more blocks than the entry's size needs", format.ErrCorrupt)
			}
			if err == nil && refCodec(bh.Codec) && len(payload) != 0 {
				err = fmt.Errorf("%w: %s block with a payload", format.ErrCorrupt, format.CodecName(bh.Codec))
			}
			if err != nil {
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Entry: cur.Path, Op: "read block", Err: err}) {
					return
				}
				continue
			}
			j := &decodeJob{bh: bh, payload: bytes.Clone(payload), done: make(chan struct{}),
				blk: codec.Block{Index: curBlock, Offset: curBlock * int64(cur.BlockSize), EntrySize: cur.Size, Params: cur.Params, Domain: ar.domain}}
			curBlock++
			if refCodec(bh.Codec) {
				j.ref, j.payload = true, nil
				close(j.done)
			} else if curSkip {
				j.skip, j.payload = true, nil
				close(j.done)
			}
			if !j.ref && !j.skip {
				j.cost = int(bh.RawLen)
				if !ar.budget.acquire(j.cost) {
					return
				}
			}
			if !send(event{kind: evBlock, off: rec.Offset, size: rec.Size, blk: j}) {
				return
			}
			if !j.ref && !j.skip {
				ar.work.push(j, j.cost)
			}
		case format.TagEnd:
			var e format.End
			if cur == nil || !cur.Type.HasContent() {
				err = fmt.Errorf("%w: entry end outside a regular file or group", format.ErrCorrupt)
			} else {
				err = e.UnmarshalBody(rec.Body)
			}
			if err == nil && e.NoSum && (s.Version() < format.VersionDelta || cur.Codec != format.CodecPart) {
				err = fmt.Errorf("%w: entry end without a SHA-256 (only a part's may omit it, from format version %d)", format.ErrCorrupt, format.VersionDelta)
			}
			if err != nil {
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Op: "read entry end", Err: err}) {
					return
				}
				continue
			}
			if !send(event{kind: evEnd, off: rec.Offset, size: rec.Size, end: e}) {
				return
			}
			cur = nil
		case format.TagIndex, format.TagIndexZ:
			_ = curOff
			cur = nil
			idx, err := format.ParseIndex(rec.Tag, rec.Body, s.Version())
			if err != nil {
				fail(rec.Offset, &format.Error{Offset: rec.Offset, Op: "read index", Err: err})
				return
			}
			ft, err := s.ReadFooter()
			if err == nil && (ft.IndexOffset != rec.Offset || ft.IndexSize != rec.Size) {
				err = &format.Error{Offset: s.Offset() - format.FooterSize, Op: "read footer", Err: fmt.Errorf("%w: footer does not point at the index", format.ErrCorrupt)}
			}
			if err != nil {
				fail(s.Offset(), err)
				return
			}
			send(event{kind: evIndex, off: rec.Offset, index: idx})
			return
		}
	}
}

// resolveModel returns the domain model of a model record's body: the
// model it carries, or the one of ReaderOptions.Models it names.
func (ar *Reader) resolveModel(body []byte) (*domain.Model, error) {
	form, payload, err := format.ParseModelBody(body)
	if err != nil {
		return nil, err
	}
	if form == format.ModelCarried {
		m, err := domain.Parse(bytes.Clone(payload))
		if err != nil {
			return nil, fmt.Errorf("%w: the carried domain model: %v", format.ErrCorrupt, err)
		}
		return m, nil
	}
	fp := [8]byte(payload)
	var given []string
	for _, m := range ar.opts.Models {
		if m.Fingerprint == fp {
			return m, nil
		}
		given = append(given, fmt.Sprintf("%x", m.Fingerprint[:]))
	}
	if len(given) == 0 {
		return nil, fmt.Errorf("%w: the archive was coded with domain model %x and does not carry it (give its .dcm file with --model)", ErrModelMissing, fp[:])
	}
	return nil, fmt.Errorf("%w: the archive was coded with domain model %x; the model given is %s", ErrModelMissing, fp[:], strings.Join(given, ", "))
}

// Domain returns the archive's domain model, once Next has returned an
// entry (or the end): nil for an archive coded with shipped models only.
func (ar *Reader) Domain() *domain.Model { return ar.domain }

// entry is the number of the current entry (the last header Next
// returned), from 0.
func (ar *Reader) entry() int { return len(ar.entries) - 1 }

// addStored counts a record's bytes toward the entry being read.
func (ar *Reader) addStored(n int64) {
	if k := len(ar.entries); k > 0 {
		ar.entries[k-1].Stored += n
	}
}

func (ar *Reader) nextEvent() (event, bool) {
	if ar.peeked != nil {
		e := *ar.peeked
		ar.peeked = nil
		return e, true
	}
	e, ok := <-ar.events
	return e, ok
}

// Close stops background work. It is safe to call more than once.
func (ar *Reader) Close() error {
	ar.once.Do(func() {
		close(ar.stop)
		ar.budget.stop()
		ar.work.discard()
		for range ar.events {
		}
	})
	return nil
}

// Index returns the archive's index once Next has returned io.EOF.
func (ar *Reader) Index() []IndexEntry { return ar.index }

// Next advances to the next entry. Its content, if any, is read with Read.
// At the end of a complete archive it returns io.EOF after checking that
// the index matches the entries read.
//
// Errors are *format.Error values naming the entry and offset. Without
// Continue, any error is final. With Continue, Next can be called again
// after an error and resumes at the next intact entry.
func (ar *Reader) Next() (*Header, error) {
	if ar.fatal != nil {
		return nil, ar.fatal
	}
	// Skip the rest of the current entry (a same entry's without
	// fetching its original: nothing of it is delivered).
	if ar.cur != nil && ar.curErr == nil {
		if err := ar.discard(); err != nil && !ar.opts.Continue {
			return nil, err
		}
	}
	ar.cur, ar.curErr, ar.data = nil, nil, nil
	for {
		e, ok := ar.nextEvent()
		if !ok {
			ar.fatal = &format.Error{Op: "read archive", Err: format.ErrTruncated}
			return nil, ar.fatal
		}
		switch e.kind {
		case evHeader:
			ar.cur, ar.curOff, ar.notWanted = e.hdr, e.off, e.skip
			ar.sum.Reset()
			ar.got, ar.nblocks = 0, 0
			ar.entries = append(ar.entries, format.IndexEntry{Offset: e.off, Stored: e.size, Header: *e.hdr})
			if ar.ra != nil {
				ar.blockOffs = append(ar.blockOffs, nil)
			}
			if e.hdr.Type == format.TypeGroup {
				// Not a file: its content is kept for the part entries
				// that follow (unless Want declined it).
				if err := ar.readGroup(); err != nil {
					return nil, err
				}
				continue
			}
			return e.hdr, nil
		case evBlock:
			ar.addStored(e.size)
			// A block with no entry being read: its entry's header was
			// damaged and already reported. Wait for the worker so the
			// pipeline stays in order, then drop it.
			ar.take(e.blk)
		case evEnd:
			ar.addStored(e.size)
		case evError:
			if e.fatal {
				ar.fatal = e.err
			}
			return nil, e.err
		case evIndex:
			ar.rawIndex = e.index
			if err := ar.checkIndex(e.index); err != nil {
				ar.fatal = err
				return nil, err
			}
			ar.index = e.index
			ar.fatal = io.EOF
			return nil, io.EOF
		}
	}
}

// checkIndex compares the trailing index with the entries actually read.
func (ar *Reader) checkIndex(idx []IndexEntry) error {
	if len(idx) != len(ar.entries) {
		return &format.Error{Op: "check index", Err: fmt.Errorf("%w: index lists %d entries, archive holds %d", format.ErrCorrupt, len(idx), len(ar.entries))}
	}
	for i := range idx {
		a, b := &idx[i], &ar.entries[i]
		if a.Offset != b.Offset || !bytes.Equal(a.Header.MarshalBody(nil), b.Header.MarshalBody(nil)) || a.Stored != b.Stored {
			return &format.Error{Offset: b.Offset, Entry: b.Header.Path, Op: "check index", Err: fmt.Errorf("%w: index row %d does not match the entry", format.ErrCorrupt, i)}
		}
	}
	return nil
}

// Read reads the current entry's content. The final Read of an entry
// returns io.EOF only after the size, block count and SHA-256 check out.
func (ar *Reader) Read(p []byte) (int, error) {
	if ar.curErr != nil {
		return 0, ar.curErr
	}
	if ar.cur == nil || !ar.cur.Type.HasContent() {
		return 0, io.EOF
	}
	if ar.notWanted && !ar.skipping {
		// Not sticky: Next skips the entry as usual.
		return 0, ar.entryErr(ar.curOff, "read content", ErrNotWanted)
	}
	for len(ar.data) == 0 {
		if err := ar.advance(); err != nil {
			ar.curErr = err
			if err != io.EOF && !ar.opts.Continue {
				ar.fatal = err
			}
			return 0, err
		}
	}
	n := copy(p, ar.data)
	ar.data = ar.data[n:]
	return n, nil
}

func (ar *Reader) entryErr(off int64, op string, err error) error {
	return &format.Error{Offset: off, Entry: ar.cur.Path, Op: op, Err: err}
}

// advance takes the next event of the current entry: a block (decoded
// data) or its end (checks, then io.EOF).
func (ar *Reader) advance() error {
	e, ok := ar.nextEvent()
	if !ok {
		ar.fatal = ar.entryErr(ar.curOff, "read content", format.ErrTruncated)
		return ar.fatal
	}
	switch e.kind {
	case evBlock:
		ar.addStored(e.size)
		ar.take(e.blk)
		if e.blk.skip {
			if !ar.skipping {
				return ar.entryErr(e.off, "read content", ErrNotWanted)
			}
			if ar.ra != nil {
				k := ar.entry()
				ar.blockOffs[k] = append(ar.blockOffs[k], e.off)
			}
			ar.nblocks++
			ar.got += int64(e.blk.bh.RawLen)
			return nil
		}
		same := e.blk.ref && ar.cur.Codec == format.CodecSame
		if e.blk.ref && ar.skipping || same && ar.opts.verify {
			ar.nblocks++
			ar.got += int64(e.blk.bh.RawLen)
			return nil
		}
		switch {
		case same:
			e.blk.out, e.blk.err = ar.readSame(e.blk)
		case e.blk.ref:
			e.blk.out, e.blk.err = ar.readPart(ar.entry(), ar.cur, e.blk.blk.Offset, int64(e.blk.bh.RawLen))
		}
		if e.blk.err != nil {
			return ar.entryErr(e.off, "decode block", e.blk.err)
		}
		if ar.ra != nil {
			k := ar.entry()
			ar.blockOffs[k] = append(ar.blockOffs[k], e.off)
		}
		ar.nblocks++
		ar.got += int64(len(e.blk.out))
		if ar.got > ar.cur.Size {
			return ar.entryErr(e.off, "decode block", fmt.Errorf("%w: content longer than its size %d", format.ErrCorrupt, ar.cur.Size))
		}
		if int64(len(e.blk.out)) != int64(ar.cur.BlockSize) && ar.got != ar.cur.Size {
			return ar.entryErr(e.off, "decode block", fmt.Errorf("%w: short block of %d bytes inside the entry", format.ErrCorrupt, len(e.blk.out)))
		}
		ar.sum.Write(e.blk.out)
		ar.data = e.blk.out
		return nil
	case evEnd:
		ar.addStored(e.size)
		var sum [32]byte
		ar.sum.Sum(sum[:0])
		// Content not produced (a skipped reference, or a same entry
		// checked against its original's sum) is not hashed.
		byRef := ar.cur.Codec == format.CodecSame && (ar.skipping || ar.opts.verify) || ar.cur.Codec == format.CodecPart && ar.skipping
		if ar.notWanted {
			byRef = true // not decoded: nothing to hash
		}
		switch {
		case e.end.Size != uint64(ar.cur.Size) || ar.got != ar.cur.Size:
			return ar.entryErr(e.off, "check entry", fmt.Errorf("%w: content is %d bytes, header says %d", format.ErrCorrupt, ar.got, ar.cur.Size))
		case e.end.Blocks != ar.nblocks:
			return ar.entryErr(e.off, "check entry", fmt.Errorf("%w: %d blocks, expected %d", format.ErrCorrupt, ar.nblocks, e.end.Blocks))
		case byRef && !ar.skipping:
			if err := ar.checkSame(e.end.SHA256); err != nil {
				return ar.entryErr(e.off, "check entry", err)
			}
		case !byRef && !e.end.NoSum && sum != e.end.SHA256:
			return ar.entryErr(e.off, "check entry", fmt.Errorf("%w: SHA-256 of the content differs", format.ErrChecksum))
		}
		if ar.cur.Type == format.TypeGroup {
			// What a part read later checks a group decoded again
			// against (its blocks may have been skipped here).
			ar.groupSums[ar.entry()] = e.end.SHA256
		}
		if ar.opts.verify && !ar.skipping && !byRef {
			ar.sums[ar.entry()] = sum
		}
		return io.EOF
	case evError:
		if e.fatal {
			ar.fatal = e.err
		}
		return e.err
	default:
		// A new header or the index before this entry's end: keep the
		// event for Next.
		ar.peeked = &e
		return ar.entryErr(e.off, "read content", fmt.Errorf("%w: entry ends without its end record", format.ErrCorrupt))
	}
}

// readSame produces a block of the current entry, a same entry, from the
// content of the earlier entry it names: through the Source option, or
// by decoding that entry's blocks again from the archive.
func (ar *Reader) readSame(j *decodeJob) ([]byte, error) {
	n, orig, err := ar.sameOrigin()
	if err != nil {
		return nil, err
	}
	off, size := j.blk.Offset, int64(j.bh.RawLen)
	out := make([]byte, size)
	if ar.opts.Source != nil {
		src, err := ar.opts.Source(n)
		if err != nil {
			return nil, err
		}
		if src != nil {
			k, err := src.ReadAt(out, off)
			if c, ok := src.(io.Closer); ok {
				c.Close()
			}
			if int64(k) != size {
				return nil, fmt.Errorf("same: reading %s: %w", format.DisplayPath(orig.Path), cmpEOF(err))
			}
			return out, nil
		}
	}
	if orig.Codec == format.CodecPart {
		return ar.readPart(n, orig, off, size)
	}
	if ar.ra == nil {
		return nil, fmt.Errorf("%w: entry %d (%s)", ErrNoSource, n, format.DisplayPath(orig.Path))
	}
	offs, bs := ar.blockOffs[n], int64(orig.BlockSize)
	for at := off; at < off+size; {
		k := at / bs
		if k >= int64(len(offs)) {
			return nil, fmt.Errorf("%w: entry %d (%s): its block %d was not read intact", ErrNoSource, n, format.DisplayPath(orig.Path), k)
		}
		b := ar.same
		if b == nil || b.entry != n || b.index != k {
			data, err := ar.decodeAt(offs[k], k, orig)
			if err != nil {
				return nil, err
			}
			b = &sameBlock{n, k, data}
			ar.same = b
		}
		from := at - k*bs
		if from >= int64(len(b.data)) {
			return nil, fmt.Errorf("%w: same: entry %d is shorter than its size", format.ErrCorrupt, n)
		}
		at += int64(copy(out[at-off:], b.data[from:]))
	}
	return out, nil
}

// refCodec reports whether blocks of codec id are references without a
// payload (same, part), resolved by the Reader rather than a codec.
func refCodec(id uint64) bool { return id == format.CodecSame || id == format.CodecPart }

// discard reads the rest of the current entry's records without
// producing its content (references are not resolved, declined blocks
// not decoded), checking what it can.
func (ar *Reader) discard() error {
	ar.skipping = true
	_, err := io.Copy(io.Discard, ar)
	ar.skipping = false
	return err
}

// readGroup reads the current entry, a solid group, whole and keeps its
// content for the part entries that refer to it.
func (ar *Reader) readGroup() error {
	if ar.cur.Size > format.MaxBlockSize || ar.cur.Codec == format.CodecSame || ar.cur.Codec == format.CodecPart {
		ar.curErr = ar.entryErr(ar.curOff, "read group", fmt.Errorf("%w: group of %d bytes, codec %d", format.ErrCorrupt, ar.cur.Size, ar.cur.Codec))
		return ar.curErr
	}
	if ar.notWanted {
		// Its records are read and checked, its blocks' offsets kept.
		if err := ar.discard(); err != nil {
			return err
		}
		ar.cur, ar.curErr, ar.data = nil, nil, nil
		return nil
	}
	data, err := io.ReadAll(ar)
	if err != nil {
		return err
	}
	ar.group = &groupContent{ar.entry(), data}
	ar.cur, ar.curErr, ar.data = nil, nil, nil // its io.EOF is not the next entry's
	return nil
}

// readPart returns size bytes at offset off of the content of entry n
// (header h), a part entry: from the content of the group it refers to,
// which is the last group read or, with random access, decoded again.
func (ar *Reader) readPart(n int, h *format.Header, off, size int64) ([]byte, error) {
	g, o, err := format.ParsePartParams(h.Params)
	if err != nil {
		return nil, err
	}
	if g >= n || ar.entries[g].Header.Type != format.TypeGroup || o+h.Size > ar.entries[g].Header.Size {
		return nil, fmt.Errorf("%w: part: entry %d refers to entry %d, not an earlier group holding it", format.ErrCorrupt, n, g)
	}
	gh := &ar.entries[g].Header
	if ar.group == nil || ar.group.entry != g {
		if ar.ra == nil || len(ar.blockOffs[g]) == 0 {
			return nil, fmt.Errorf("%w: its solid group %s (entry %d) was not read intact", ErrNoSource, format.DisplayPath(gh.Path), g)
		}
		var data []byte
		for k, boff := range ar.blockOffs[g] {
			b, err := ar.decodeAt(boff, int64(k), gh)
			if err != nil {
				return nil, fmt.Errorf("part: decoding its solid group %s (entry %d) again: %w", format.DisplayPath(gh.Path), g, err)
			}
			data = append(data, b...)
		}
		if int64(len(data)) != gh.Size {
			return nil, fmt.Errorf("%w: part: group entry %d decodes to %d bytes, not %d", format.ErrCorrupt, g, len(data), gh.Size)
		}
		// A part's own end may hold no SHA-256 (format version 6): the
		// group decoded again must have its end record's.
		if want, ok := ar.groupSums[g]; !ok {
			return nil, fmt.Errorf("%w: its solid group %s (entry %d) has no intact end record", ErrNoSource, format.DisplayPath(gh.Path), g)
		} else if sha256.Sum256(data) != want {
			return nil, fmt.Errorf("%w: part: its solid group %s (entry %d) decoded again differs", format.ErrChecksum, format.DisplayPath(gh.Path), g)
		}
		ar.group = &groupContent{g, data}
	}
	if o+off+size > int64(len(ar.group.data)) {
		return nil, fmt.Errorf("%w: part: entry %d runs past its group", format.ErrCorrupt, n)
	}
	return ar.group.data[o+off : o+off+size], nil
}

// decodeAt decodes again block index k of entry orig, whose record is at
// offset off of the archive.
func (ar *Reader) decodeAt(off, k int64, orig *format.Header) ([]byte, error) {
	rec, err := format.ReadRecordAt(ar.ra, off)
	if err != nil {
		return nil, err
	}
	if rec.Tag != format.TagBlock {
		return nil, fmt.Errorf("%w: same: no block record at offset %d", format.ErrCorrupt, off)
	}
	bh, payload, err := format.ParseBlock(rec.Body)
	if err != nil {
		return nil, err
	}
	return decodeBlock(&decodeJob{bh: bh, payload: payload,
		blk: codec.Block{Index: k, Offset: k * int64(orig.BlockSize), EntrySize: orig.Size, Params: orig.Params, Domain: ar.domain}})
}

// cmpEOF is err, or io.ErrUnexpectedEOF for a short read without one.
func cmpEOF(err error) error {
	if err == nil || err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// checkSame checks, for Verify, that a same entry's content hash is that
// of its original, whose content this Reader has verified.
func (ar *Reader) checkSame(sum [32]byte) error {
	n, orig, err := ar.sameOrigin()
	if err != nil {
		return err
	}
	want, ok := ar.sums[n]
	if !ok {
		return fmt.Errorf("%w: same: its original, entry %d (%s), did not verify", format.ErrChecksum, n, format.DisplayPath(orig.Path))
	}
	if want != sum {
		return fmt.Errorf("%w: same: SHA-256 differs from its original's, entry %d (%s)", format.ErrChecksum, n, format.DisplayPath(orig.Path))
	}
	return nil
}

// sameOrigin returns the number and header of the original of the
// current entry, a same entry, after checking that it may be one: an
// earlier regular file of the same size, not itself a same entry.
func (ar *Reader) sameOrigin() (int, *format.Header, error) {
	n, err := format.ParseSameParams(ar.cur.Params)
	if err != nil {
		return 0, nil, err
	}
	self := ar.entry()
	if n >= self {
		return 0, nil, fmt.Errorf("%w: same: entry %d refers to entry %d, not an earlier one", format.ErrCorrupt, self, n)
	}
	orig := &ar.entries[n].Header
	if orig.Type != format.TypeRegular || orig.Size != ar.cur.Size || orig.Codec == format.CodecSame {
		return 0, nil, fmt.Errorf("%w: same: entry %d (%s) is not a regular file of the same size coded on its own", format.ErrCorrupt, n, format.DisplayPath(orig.Path))
	}
	return n, orig, nil
}

// unmarshalHeader parses the entry header record rec of an archive of
// format version v into h: a full one, or a delta one against prev (the
// entry header before it, nil if none was read intact).
func unmarshalHeader(h *format.Header, rec format.Record, prev *format.Header, v int) error {
	if rec.Tag == format.TagEntry {
		return h.UnmarshalBody(rec.Body)
	}
	switch {
	case v < format.VersionDelta:
		return fmt.Errorf("%w: delta entry header in a version %d archive", format.ErrCorrupt, v)
	case prev == nil:
		return fmt.Errorf("%w: delta entry header without an intact entry header before it", format.ErrCorrupt)
	}
	return h.UnmarshalDelta(rec.Body, prev)
}
