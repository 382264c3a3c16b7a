package archive

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"sync"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

// ReaderOptions tune a Reader.
type ReaderOptions struct {
	Jobs int // parallel block decoders; 0 means all cores
	// Continue makes the Reader go on after damage: Next skips to the next
	// intact entry instead of failing for good. Used by verify.
	Continue bool
}

// Reader reads a dcar archive as a stream, entry by entry, like
// archive/tar.Reader. Blocks are decoded ahead in parallel. Every entry's
// content is checked against its SHA-256 when its last byte is read; a
// mismatch is reported by Read as an error, never as silently wrong data.
type Reader struct {
	opts   ReaderOptions
	events chan event
	stop   chan struct{}
	once   sync.Once

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
	blk   *decodeJob
	end   format.End
	index []format.IndexEntry
	err   error
	fatal bool
	entry string
}

type decodeJob struct {
	bh      format.BlockHeader
	payload []byte
	codec   uint64
	blk     codec.Block
	out     []byte
	err     error
	done    chan struct{}
}

// NewReader checks the file header and starts reading r.
func NewReader(r io.Reader, opts ReaderOptions) (*Reader, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	s, err := format.NewScanner(r)
	if err != nil {
		return nil, err
	}
	ar := &Reader{opts: opts, events: make(chan event, 2*opts.Jobs+2), stop: make(chan struct{}), sum: sha256.New()}
	work := make(chan *decodeJob, opts.Jobs)
	for i := 0; i < opts.Jobs; i++ {
		go func() {
			for j := range work {
				j.out, j.err = decodeBlock(j)
				j.payload = nil
				close(j.done)
			}
		}()
	}
	go ar.scan(s, work)
	return ar, nil
}

func decodeBlock(j *decodeJob) ([]byte, error) {
	c, err := codec.Lookup(j.bh.Codec)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, j.bh.RawLen)
	return c.Decompress(out, j.payload, int(j.bh.RawLen), j.blk)
}

// scan reads records and turns them into events, dispatching block
// decoding to the workers. It is the only reader of the Scanner.
func (ar *Reader) scan(s *format.Scanner, work chan<- *decodeJob) {
	defer close(ar.events)
	defer close(work)
	var cur *format.Header
	var curOff, curBlock int64
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
		switch rec.Tag {
		case format.TagEntry:
			h := new(format.Header)
			if err := h.UnmarshalBody(rec.Body); err != nil {
				cur = nil
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Op: "read entry header", Err: err}) {
					return
				}
				continue
			}
			cur, curOff, curBlock = h, rec.Offset, 0
			if !send(event{kind: evHeader, off: rec.Offset, size: rec.Size, hdr: h}) {
				return
			}
		case format.TagBlock:
			if cur == nil || cur.Type != format.TypeRegular {
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Op: "read block", Err: fmt.Errorf("%w: block outside a regular file", format.ErrCorrupt)}) {
					return
				}
				continue
			}
			bh, payload, err := format.ParseBlock(rec.Body)
			if err == nil && bh.RawLen > cur.BlockSize {
				err = fmt.Errorf("%w: block of %d bytes exceeds the entry's block size %d", format.ErrCorrupt, bh.RawLen, cur.BlockSize)
			}
			if err == nil && bh.Codec != cur.Codec && bh.Codec != format.CodecStore && bh.Codec != format.CodecZstd {
				err = fmt.Errorf("%w: block codec %d in an entry of codec %d", format.ErrCorrupt, bh.Codec, cur.Codec)
			}
			if err == nil && curBlock*int64(cur.BlockSize) >= cur.Size {
				err = fmt.Errorf("%w: more blocks than the entry's size needs", format.ErrCorrupt)
			}
			if err != nil {
				if !fail(rec.Offset, &format.Error{Offset: rec.Offset, Entry: cur.Path, Op: "read block", Err: err}) {
					return
				}
				continue
			}
			j := &decodeJob{bh: bh, payload: bytes.Clone(payload), done: make(chan struct{}),
				blk: codec.Block{Index: curBlock, Offset: curBlock * int64(cur.BlockSize), EntrySize: cur.Size, Params: cur.Params}}
			curBlock++
			if !send(event{kind: evBlock, off: rec.Offset, size: rec.Size, blk: j}) {
				return
			}
			select {
			case work <- j:
			case <-ar.stop:
				return
			}
		case format.TagEnd:
			var e format.End
			if cur == nil || cur.Type != format.TypeRegular {
				err = fmt.Errorf("%w: entry end outside a regular file", format.ErrCorrupt)
			} else {
				err = e.UnmarshalBody(rec.Body)
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
		case format.TagIndex:
			_ = curOff
			cur = nil
			idx, err := format.UnmarshalIndex(rec.Body)
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
	// Skip the rest of the current entry.
	if ar.cur != nil && ar.curErr == nil {
		if _, err := io.Copy(io.Discard, ar); err != nil && !ar.opts.Continue {
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
			ar.cur, ar.curOff = e.hdr, e.off
			ar.sum.Reset()
			ar.got, ar.nblocks = 0, 0
			ar.entries = append(ar.entries, format.IndexEntry{Offset: e.off, Stored: e.size, Header: *e.hdr})
			return e.hdr, nil
		case evBlock:
			ar.addStored(e.size)
			// A block with no entry being read: its entry's header was
			// damaged and already reported. Wait for the worker so the
			// pipeline stays in order, then drop it.
			<-e.blk.done
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
	if ar.cur == nil || ar.cur.Type != format.TypeRegular {
		return 0, io.EOF
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
		<-e.blk.done
		if e.blk.err != nil {
			return ar.entryErr(e.off, "decode block", e.blk.err)
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
		switch {
		case e.end.Size != uint64(ar.cur.Size) || ar.got != ar.cur.Size:
			return ar.entryErr(e.off, "check entry", fmt.Errorf("%w: content is %d bytes, header says %d", format.ErrCorrupt, ar.got, ar.cur.Size))
		case e.end.Blocks != ar.nblocks:
			return ar.entryErr(e.off, "check entry", fmt.Errorf("%w: %d blocks, expected %d", format.ErrCorrupt, ar.nblocks, e.end.Blocks))
		case sum != e.end.SHA256:
			return ar.entryErr(e.off, "check entry", fmt.Errorf("%w: SHA-256 of the content differs", format.ErrChecksum))
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
