package archive

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// ReadIndex reads the index of a seekable archive of the given size
// through its footer, without reading the entries.
func ReadIndex(r io.ReaderAt, size int64) ([]IndexEntry, error) {
	if size < format.FileHeaderSize+format.FooterSize {
		return nil, &format.Error{Op: "read footer", Err: format.ErrTruncated}
	}
	var fh [format.FileHeaderSize]byte
	if _, err := r.ReadAt(fh[:], 0); err != nil {
		return nil, &format.Error{Op: "read file header", Err: err}
	}
	version, err := format.ParseFileHeader(fh[:])
	if err != nil {
		return nil, err
	}
	var fb [format.FooterSize]byte
	at := size - format.FooterSize
	if _, err := r.ReadAt(fb[:], at); err != nil {
		return nil, &format.Error{Offset: at, Op: "read footer", Err: err}
	}
	f, err := format.ParseFooter(fb[:])
	if err != nil {
		return nil, &format.Error{Offset: at, Op: "read footer", Err: err}
	}
	if f.IndexOffset+f.IndexSize != at {
		return nil, &format.Error{Offset: at, Op: "read footer", Err: fmt.Errorf("%w: index does not end at the footer", format.ErrCorrupt)}
	}
	s, err := format.NewScanner(io.MultiReader(io.NewSectionReader(r, 0, format.FileHeaderSize), io.NewSectionReader(r, f.IndexOffset, f.IndexSize)))
	if err != nil {
		return nil, err
	}
	rec, err := s.Next()
	if err != nil {
		if fe := (*format.Error)(nil); errors.As(err, &fe) {
			fe.Offset += f.IndexOffset - format.FileHeaderSize
		}
		return nil, err
	}
	if rec.Tag != format.IndexTag(version) || rec.Size != f.IndexSize {
		return nil, &format.Error{Offset: f.IndexOffset, Op: "read index", Err: fmt.Errorf("%w: footer does not point at the index", format.ErrCorrupt)}
	}
	idx, err := format.ParseIndex(rec.Tag, rec.Body, version)
	if err != nil {
		return nil, &format.Error{Offset: f.IndexOffset, Op: "read index", Err: err}
	}
	for _, e := range idx {
		if err := e.Header.CheckVersion(version); err != nil {
			return nil, &format.Error{Offset: f.IndexOffset, Entry: e.Header.Path, Op: "read index", Err: err}
		}
	}
	return idx, nil
}

// ScanIndex rebuilds the index by reading every record of a stream
// (for pipes, or when the footer is damaged). Payloads are checked by
// their CRCs but not decoded. After damage it resynchronises on the next
// intact entry header and goes on, so it returns every entry it could
// find, with the first problem as its error (a truncated archive, whose
// index is missing, lists all its entries before the cut).
func ScanIndex(r io.Reader) ([]IndexEntry, error) {
	s, err := format.NewScanner(r)
	if err != nil {
		return nil, err
	}
	var out []format.IndexEntry
	var first error
	var prev *format.Header // the last entry header read intact (delta headers read against it)
	damaged := func(err error) {
		if len(out) > 0 {
			if fe := (*format.Error)(nil); errors.As(err, &fe) && fe.Entry == "" {
				fe.Entry = out[len(out)-1].Header.Path
			}
		}
		if first == nil {
			first = err
		}
	}
	for {
		rec, err := s.Next()
		if err == io.EOF {
			if first == nil {
				first = &format.Error{Offset: s.Offset(), Op: "read record", Err: fmt.Errorf("%w: no index and footer", format.ErrTruncated)}
			}
			return out, first
		}
		if err == nil && (rec.Tag == format.TagEntry || rec.Tag == format.TagEntryDelta) {
			var h format.Header
			if err = unmarshalHeader(&h, rec, prev, s.Version()); err == nil {
				out = append(out, format.IndexEntry{Offset: rec.Offset, Stored: rec.Size, Header: h})
				prev = &h
				continue
			}
			err = &format.Error{Offset: rec.Offset, Op: "read entry header", Err: err}
		}
		if err == nil {
			switch rec.Tag {
			case format.TagBlock, format.TagEnd:
				if len(out) == 0 {
					err = &format.Error{Offset: rec.Offset, Op: "read record", Err: fmt.Errorf("%w: record before any entry", format.ErrCorrupt)}
				} else {
					out[len(out)-1].Stored += rec.Size
				}
			case format.TagIndex, format.TagIndexZ:
				if _, err = s.ReadFooter(); err == nil {
					return out, first
				}
			}
		}
		if err == nil {
			continue
		}
		damaged(err)
		// Resync stops at the next intact entry header (full or delta) or
		// index record.
		if _, rerr := s.Resync(); rerr != nil {
			return out, first
		}
	}
}

// Damage is one problem found by Verify.
type Damage struct {
	Entry  string // "" when the damage is not inside a known entry
	Offset int64
	Err    error
}

// VerifyReport summarises Verify.
type VerifyReport struct {
	Entries int      // entries whose headers were read
	Bytes   int64    // content bytes decoded and checked
	Damaged []Damage // every problem found, in archive order
}

// Verify decodes every entry and checks every checksum without writing
// anything. It goes on after damage and reports every damaged entry. A
// same entry (deduplicated content) is checked against its original: its
// SHA-256 must be the one the original's content verified with.
func Verify(r io.Reader, jobs int, progress func(int64)) (*VerifyReport, error) {
	return VerifyModels(r, jobs, progress, nil)
}

// VerifyModels is Verify for an archive that may refer to one of the
// domain models given (ReaderOptions.Models). An archive whose domain
// model is missing is not damaged: VerifyModels fails with an error
// wrapping ErrModelMissing.
func VerifyModels(r io.Reader, jobs int, progress func(int64), models []*domain.Model) (*VerifyReport, error) {
	ar, err := NewReader(r, ReaderOptions{Jobs: jobs, Continue: true, verify: true, Models: models})
	if err != nil {
		return nil, err
	}
	defer ar.Close()
	rep := &VerifyReport{}
	add := func(err error) {
		d := Damage{Err: err}
		var fe *format.Error
		if errors.As(err, &fe) {
			d.Entry, d.Offset = fe.Entry, fe.Offset
		}
		rep.Damaged = append(rep.Damaged, d)
	}
	buf := make([]byte, 256<<10)
	for {
		h, err := ar.Next()
		if errors.Is(err, ErrModelMissing) {
			return nil, err
		}
		if err == io.EOF || (err != nil && ar.fatal != nil) {
			if err != io.EOF && (len(rep.Damaged) == 0 || rep.Damaged[len(rep.Damaged)-1].Err != err) {
				add(err)
			}
			for i := range rep.Damaged {
				d := &rep.Damaged[i]
				d.Err = Locate(d.Err, ar.rawIndex)
				var fe *format.Error
				if errors.As(d.Err, &fe) {
					d.Entry = fe.Entry
				}
			}
			return rep, nil
		}
		if err != nil {
			add(err)
			continue
		}
		rep.Entries++
		if h.Type != format.TypeRegular {
			continue
		}
		for {
			n, err := ar.Read(buf)
			rep.Bytes += int64(n)
			if progress != nil {
				progress(rep.Bytes)
			}
			if err == io.EOF {
				if h.Codec == format.CodecSame {
					rep.Bytes += h.Size // checked by reference, not read
				}
				break
			}
			if err != nil {
				add(err)
				break
			}
		}
	}
}

// Locate names the entry an error's offset falls in, using an index read
// from the archive's tail: a damaged entry header cannot name itself.
// Errors that already name an entry, or offsets outside every entry,
// are returned as they are.
func Locate(err error, idx []IndexEntry) error {
	var fe *format.Error
	if !errors.As(err, &fe) || fe.Entry != "" || fe.Offset < format.FileHeaderSize {
		return err
	}
	for _, e := range idx {
		if fe.Offset >= e.Offset && fe.Offset < e.Offset+e.Stored {
			fe.Entry = e.Header.Path
			break
		}
	}
	return err
}

// BlockCodecs reads the block headers of entry e of a seekable archive,
// skipping the payloads, and returns how many raw bytes each codec
// coded. A model entry's blocks that zstd coded smaller, or that no
// codec shrank, are kept as zstd or store: this is where they show.
func BlockCodecs(r io.ReaderAt, e IndexEntry) (map[uint64]int64, error) {
	out := map[uint64]int64{}
	end := e.Offset + e.Stored
	var buf [format.RecordReserve + 2*binary.MaxVarintLen64]byte
	for off := e.Offset; off < end; {
		n, err := r.ReadAt(buf[:], off)
		if n == 0 {
			return nil, &format.Error{Offset: off, Op: "read block header", Err: err}
		}
		b := buf[:n]
		head, body, err := format.ParseFrame(b)
		if err == nil && int64(head+body+format.RecordTrailerLen) > end-off {
			err = fmt.Errorf("%w: record runs past the entry", format.ErrCorrupt)
		}
		if err != nil {
			return nil, &format.Error{Offset: off, Op: "read block header", Err: err}
		}
		if b[0] == format.TagBlock {
			// The buffer holds the body's first bytes: both uvarints.
			h, _, err := format.ParseBlock(b[head:min(len(b), head+body)])
			if err != nil {
				return nil, &format.Error{Offset: off, Op: "read block header", Err: err}
			}
			out[h.Codec] += int64(h.RawLen)
		}
		off += int64(head + body + format.RecordTrailerLen)
	}
	return out, nil
}

// ModelRecord reads the model record of the archive r (which has random
// access): the fingerprint of the domain model the archive was coded
// with and whether the archive carries the model's file. ok is false
// for an archive without one (before format version 4, or coded with
// shipped models only).
func ModelRecord(r io.ReaderAt) (fp [8]byte, carried, ok bool, err error) {
	var fh [format.FileHeaderSize]byte
	if _, err := r.ReadAt(fh[:], 0); err != nil {
		return fp, false, false, &format.Error{Op: "read file header", Err: err}
	}
	v, err := format.ParseFileHeader(fh[:])
	if err != nil || v < format.VersionModel {
		return fp, false, false, err
	}
	rec, err := format.ReadRecordAt(r, format.FileHeaderSize)
	if err != nil || rec.Tag != format.TagModel {
		return fp, false, false, err
	}
	form, payload, err := format.ParseModelBody(rec.Body)
	switch {
	case err == nil && form == format.ModelReferenced:
		return [8]byte(payload), false, true, nil
	case err == nil && len(payload) > 32:
		// The fingerprint is the start of the model file's SHA-256
		// trailer (checked when a Reader parses it).
		return [8]byte(payload[len(payload)-32:]), true, true, nil
	case err == nil:
		err = fmt.Errorf("%w: carried model of %d bytes", format.ErrCorrupt, len(payload))
	}
	return fp, false, false, &format.Error{Offset: rec.Offset, Op: "read model record", Err: err}
}
