package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
)

// writeMany writes n small files (every tenth under its own directory,
// every seventh with another owner) with NoModel, for the delta header
// tests.
func writeMany(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{Jobs: 1, NoModel: true, NoSolid: true})
	mt := time.Unix(1_700_000_000, 0)
	for i := range n {
		h := &format.Header{Path: fmt.Sprintf("tree/d%02d/file-%03d.txt", i/10, i), Type: format.TypeRegular, Mode: 0o644,
			ModTime: mt.Add(time.Duration(i%3) * time.Second), Uname: "alice", Gname: "staff", UID: 1000, GID: 50}
		if i%7 == 0 {
			h.Uname, h.UID = "bob", 1001
		}
		data := strings.Repeat(fmt.Sprintf("line %d\n", i), i%5)
		h.Size = int64(len(data))
		if err := w.WriteEntry(h, strings.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// headerRecords returns the offsets of arc's entry header records, and
// which of them are deltas.
func headerRecords(t *testing.T, arc []byte) (offs []int64, delta []bool) {
	t.Helper()
	s, err := format.NewScanner(bytes.NewReader(arc))
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		switch rec.Tag {
		case format.TagEntry, format.TagEntryDelta:
			offs = append(offs, rec.Offset)
			delta = append(delta, rec.Tag == format.TagEntryDelta)
		case format.TagIndex, format.TagIndexZ:
			return
		}
	}
}

// A version 6 archive writes most entry headers as deltas, a full one
// every format.DeltaRun + 1 at least; they read back as the headers
// written (the index, which holds full headers, agrees), from a file and
// from a stream.
func TestDeltaHeaders(t *testing.T) {
	const n = 150
	arc := writeMany(t, n)
	if arc[8] != format.VersionDelta {
		t.Fatalf("format version %d", arc[8])
	}
	offs, delta := headerRecords(t, arc)
	if len(offs) != n {
		t.Fatalf("%d header records, want %d", len(offs), n)
	}
	run, deltas := 0, 0
	for i, d := range delta {
		if i == 0 && d {
			t.Fatal("the first header is a delta")
		}
		if d {
			run++
			deltas++
		} else {
			run = 0
		}
		if run > format.DeltaRun {
			t.Fatalf("header %d: %d deltas in a row", i, run)
		}
	}
	if deltas < n*9/10 {
		t.Errorf("%d of %d headers are deltas", deltas, n)
	}
	idx, err := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []io.Reader{bytes.NewReader(arc), streamOnly{bytes.NewReader(arc)}} {
		ar, err := NewReader(r, ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			h, err := ar.Next()
			if err == io.EOF {
				if i != n {
					t.Fatalf("%d entries, want %d", i, n)
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(h.MarshalBody(nil), idx[i].Header.MarshalBody(nil)) {
				t.Fatalf("entry %d reads as %+v, the index says %+v", i, h, idx[i].Header)
			}
			io.Copy(io.Discard, ar)
		}
		ar.Close()
	}
	scanned, err := ScanIndex(bytes.NewReader(arc))
	if err != nil || len(scanned) != n || scanned[n-1].Header.Path != idx[n-1].Header.Path {
		t.Fatalf("ScanIndex: %d entries, %v", len(scanned), err)
	}
}

// readError reads every entry of arc and its content, and returns the
// first error (nil if it reads to the end).
func readError(t *testing.T, arc []byte) error {
	t.Helper()
	ar, err := NewReader(bytes.NewReader(arc), ReaderOptions{})
	if err != nil {
		return err
	}
	defer ar.Close()
	for {
		_, err := ar.Next()
		if err == nil {
			_, err = io.Copy(io.Discard, ar)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// A delta header in an archive of a version before 6 is damage.
func TestDeltaHeaderVersion(t *testing.T) {
	v5 := asVersion(t, writeMany(t, 5), format.VersionIndexZ)
	if err := readError(t, v5); !errors.Is(err, format.ErrCorrupt) {
		t.Errorf("%v, want ErrCorrupt", err)
	}
}

// Damage and delta headers: a damaged header loses the deltas after it
// up to the next full header (each reported, none misread: a delta
// names its predecessor's CRC), and nothing after that; damage in a
// block loses only its entry, the deltas after it still read against
// the intact header before.
func TestDeltaHeaderDamage(t *testing.T) {
	const n = 150
	arc := writeMany(t, n)
	offs, delta := headerRecords(t, arc)
	nextFull := func(i int) int {
		for j := i + 1; j < len(delta); j++ {
			if !delta[j] {
				return j
			}
		}
		return len(delta)
	}
	for _, c := range []struct {
		name  string
		entry int
		at    func(e int) int64 // the byte to damage
		lost  func(e int) int   // entries Verify cannot read
	}{
		{"delta header", 10, func(e int) int64 { return offs[e] + 3 }, func(e int) int { return nextFull(e) - e }},
		{"full header", nextFull(0), func(e int) int64 { return offs[e] + 3 }, func(e int) int { return nextFull(e) - e }},
		{"block", 12, func(e int) int64 { return offs[e+1] - 10 }, func(e int) int { return 0 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "full header" && (c.entry >= n || delta[c.entry]) {
				t.Fatalf("no full header after the first (entry %d)", c.entry)
			}
			bad := bytes.Clone(arc)
			bad[c.at(c.entry)] ^= 0x40
			rep, err := Verify(streamOnly{bytes.NewReader(bad)}, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := n - c.lost(c.entry); rep.Entries != want {
				t.Errorf("%d entries read, want %d (%d damage reports)", rep.Entries, want, len(rep.Damaged))
			}
			if len(rep.Damaged) == 0 {
				t.Fatal("no damage reported")
			}
			// The first report names the damaged entry (through the index).
			if want := fmt.Sprintf("file-%03d.txt", c.entry); !strings.HasSuffix(rep.Damaged[0].Entry, want) {
				t.Errorf("first report %q, want %s", rep.Damaged[0].Entry, want)
			}
		})
	}
}

// From format version 6 a part's end record holds no SHA-256 (its
// group's checks its content); any other entry's end without one, or a
// part's in an earlier version, is damage.
func TestPartEndNoSum(t *testing.T) {
	arc := writeSolid(t, WriterOptions{})
	s, err := format.NewScanner(bytes.NewReader(arc))
	if err != nil {
		t.Fatal(err)
	}
	var codec uint64
	parts, groups := 0, 0
	var prev *format.Header
	var rebuilt []byte // arc with every end record sum-less, framed again
	rebuilt = append(rebuilt, arc[:format.FileHeaderSize]...)
	for {
		rec, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		if rec.Tag == format.TagIndex || rec.Tag == format.TagIndexZ {
			break
		}
		body := rec.Body
		switch rec.Tag {
		case format.TagEntry, format.TagEntryDelta:
			var h format.Header
			if err := unmarshalHeader(&h, rec, prev, s.Version()); err != nil {
				t.Fatal(err)
			}
			prev, codec = &h, h.Codec
		case format.TagEnd:
			var e format.End
			if err := e.UnmarshalBody(rec.Body); err != nil {
				t.Fatal(err)
			}
			if e.NoSum != (codec == format.CodecPart) {
				t.Errorf("an end of codec %d: NoSum %v", codec, e.NoSum)
			}
			if codec == format.CodecPart {
				parts++
			} else if prev.Type == format.TypeGroup {
				groups++
			}
			e.NoSum = true
			body = e.MarshalBody(nil)
		}
		rebuilt = format.AppendRecord(rebuilt, rec.Tag, body)
	}
	if parts == 0 || groups == 0 {
		t.Fatalf("%d parts, %d groups", parts, groups)
	}
	// The first entry end of the rebuilt archive that is not a part's
	// (a file's or the group's) is refused; a version 5 archive (here
	// refused at its first delta header already).
	for _, c := range []struct {
		name, want string
		arc        []byte
	}{{"file end", "without a SHA-256", rebuilt}, {"version 5", "delta entry header", append(format.AppendFileHeader(nil, format.VersionIndexZ), arc[format.FileHeaderSize:]...)}} {
		if err := readError(t, c.arc); !errors.Is(err, format.ErrCorrupt) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrCorrupt (%s)", c.name, err, c.want)
		}
	}
}
