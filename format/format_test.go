package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestValidPath(t *testing.T) {
	// Names are bytes, as on Unix: invalid UTF-8, backslashes, newlines
	// and control characters are valid (they were refused before, and one
	// such file name aborted a whole create).
	good := []string{"a", "a/b", "dir/file.txt", "ünï/文", "a..b", ".hidden", "a/.b", "a\\b", "\xff", "\xe9.txt", "new\nline", "tab\tx/\x01"}
	bad := []string{"", "/a", "a/", "a//b", "./a", "a/.", "..", "../a", "a/../b", "a/..", "a\x00b", strings.Repeat("x", MaxPathLen+1)}
	for _, p := range good {
		if !ValidPath(p) {
			t.Errorf("ValidPath(%q) = false", p)
		}
	}
	for _, p := range bad {
		if ValidPath(p) {
			t.Errorf("ValidPath(%q) = true", p)
		}
	}
}

func TestDisplayPath(t *testing.T) {
	for in, want := range map[string]string{
		"plain/ünï 文.txt":  "plain/ünï 文.txt",
		"a\\b":             `a\\b`,
		"\xe9.txt":         `\xe9.txt`,
		"new\nline\ttab\r": `new\nline\ttab\r`,
		"bell\x07":         `bell\x07`,
		"\u200b":           `\xe2\x80\x8b`, // zero-width space: not printable
		"\ufffd":           "\ufffd",       // a real U+FFFD stays
		"\xef\xbf":         `\xef\xbf`,     // a truncated one does not
	} {
		if got := DisplayPath(in); got != want {
			t.Errorf("DisplayPath(%q) = %q, want %q", in, got, want)
		}
	}
	// One-to-one: an escaped name never displays like a raw one.
	if DisplayPath("\xe9") == DisplayPath(`\xe9`) {
		t.Error("DisplayPath is not one-to-one")
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	hs := []Header{
		{Path: "a/b.txt", Type: TypeRegular, Mode: 0o4755, ModTime: time.Unix(-5, 999999999), UID: 1 << 40, GID: 7,
			Uname: "me", Gname: "us", Size: 1 << 33, Modality: ModalityText, MIME: "text/plain", Codec: CodecZstd,
			Params: []byte{1, 2, 3}, BlockSize: MaxBlockSize},
		{Path: "d", Type: TypeDir, Mode: 0o700, ModTime: time.Unix(0, 0)},
		{Path: "l", Type: TypeSymlink, Mode: 0o777, ModTime: time.Unix(1e9, 1), Link: "/abs/target"},
		{Path: "h", Type: TypeHardlink, ModTime: time.Unix(1e9, 1), Link: "a/b.txt"},
	}
	for _, h := range hs {
		var got Header
		if err := got.UnmarshalBody(h.MarshalBody(nil)); err != nil {
			t.Fatalf("%s: %v", h.Path, err)
		}
		if !got.ModTime.Equal(h.ModTime) {
			t.Errorf("%s: mtime %v, want %v", h.Path, got.ModTime, h.ModTime)
		}
		got.ModTime, h.ModTime = time.Time{}, time.Time{}
		if len(h.Params) == 0 {
			h.Params = []byte{}
		}
		if !reflect.DeepEqual(got, h) {
			t.Errorf("got %+v, want %+v", got, h)
		}
	}
}

func TestHeaderRejects(t *testing.T) {
	base := Header{Path: "f", Type: TypeRegular, Size: 10, BlockSize: 4096}
	cases := map[string]func(h *Header){
		"bad path":        func(h *Header) { h.Path = "../x" },
		"type":            func(h *Header) { h.Type = 9 },
		"mode":            func(h *Header) { h.Mode = 0o17777 },
		"dir with size":   func(h *Header) { h.Type = TypeDir },
		"link on file":    func(h *Header) { h.Link = "x" },
		"symlink no link": func(h *Header) { h.Type, h.Size, h.BlockSize = TypeSymlink, 0, 0 },
		"block size":      func(h *Header) { h.BlockSize = MaxBlockSize + 1 },
		"no block size":   func(h *Header) { h.BlockSize = 0 },
		"modality":        func(h *Header) { h.Modality = 7 },
		"hardlink escape": func(h *Header) { h.Type, h.Size, h.BlockSize, h.Link = TypeHardlink, 0, 0, "../x" },
	}
	for name, mod := range cases {
		h := base
		mod(&h)
		var got Header
		if err := got.UnmarshalBody(h.MarshalBody(nil)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Every proper prefix of a valid body is rejected.
	b := base.MarshalBody(nil)
	for i := range b {
		var got Header
		if err := got.UnmarshalBody(b[:i]); err == nil {
			t.Errorf("prefix of %d bytes accepted", i)
		}
	}
}

func TestScannerRecords(t *testing.T) {
	b := AppendFileHeader(nil, 1)
	b = AppendRecord(b, TagEntry, []byte("hello"))
	b = AppendRecord(b, TagEnd, nil)
	s, err := NewScanner(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Next()
	if err != nil || r.Tag != TagEntry || string(r.Body) != "hello" || r.Offset != FileHeaderSize {
		t.Fatalf("%+v %v", r, err)
	}
	if r, err = s.Next(); err != nil || r.Tag != TagEnd {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := s.Next(); err == nil {
		t.Fatal("no EOF")
	}
	bad := bytes.Clone(b)
	bad[len(bad)-9] ^= 1
	s, _ = NewScanner(bytes.NewReader(bad))
	if _, err := s.Next(); !errors.Is(err, ErrChecksum) {
		t.Fatalf("damaged record: %v", err)
	}
	// Oversized lengths fail before allocation.
	huge := AppendFileHeader(nil, 1)
	huge = append(huge, TagEnd, 0xff, 0xff, 0xff, 0xff, 0x0f)
	s, _ = NewScanner(bytes.NewReader(huge))
	if _, err := s.Next(); !errors.Is(err, ErrLimit) {
		t.Fatalf("huge record: %v", err)
	}
}

func TestFooter(t *testing.T) {
	f := Footer{IndexOffset: 1234, IndexSize: 99}
	b := AppendFooter(nil, f)
	if len(b) != FooterSize {
		t.Fatal(len(b))
	}
	got, err := ParseFooter(b)
	if err != nil || got != f {
		t.Fatalf("%+v %v", got, err)
	}
	b[3] ^= 1
	if _, err := ParseFooter(b); err == nil {
		t.Fatal("damaged footer accepted")
	}
}

func FuzzUnmarshal(f *testing.F) {
	h := Header{Path: "a/b", Type: TypeRegular, Size: 3, BlockSize: 3, Codec: 1}
	f.Add(h.MarshalBody(nil))
	f.Add(MarshalIndex(nil, []IndexEntry{{Offset: 16, Stored: 40, Header: h}}))
	rec := AppendIndexRecord(nil, VersionIndexZ, []IndexEntry{{Offset: 16, Stored: 40, Header: h}, {Offset: 56, Stored: 40, Header: h}})
	_, k := binary.Uvarint(rec[1:])
	f.Add(rec[1+k : len(rec)-4]) // the compressed index's body
	piece := Header{Path: "a/big", Type: TypeRegular, Size: 3, BlockSize: 3, Codec: 1, FileSize: 10, PieceOffset: 4}
	f.Add(piece.MarshalBody(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		var h Header
		if h.UnmarshalBody(b) == nil {
			var h2 Header
			if err := h2.UnmarshalBody(h.MarshalBody(nil)); err != nil {
				t.Fatalf("re-encoded header rejected: %v", err)
			}
		}
		UnmarshalIndex(b)
		UnmarshalIndexZ(b)
		ParseBlock(b)
		var e End
		e.UnmarshalBody(b)
		if len(b) >= FooterSize {
			ParseFooter(b[:FooterSize])
		}
	})
}

func TestFrameRecord(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 70000} {
		body := bytes.Repeat([]byte{7}, n)
		buf := append(make([]byte, RecordReserve), body...)
		if got, want := FrameRecord(buf, TagBlock), AppendRecord(nil, TagBlock, body); !bytes.Equal(got, want) {
			t.Errorf("body of %d bytes: FrameRecord differs from AppendRecord", n)
		}
	}
}

func TestModelBody(t *testing.T) {
	fp := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	for _, c := range []struct {
		file []byte
		ref  bool
		form byte
		want []byte
	}{
		{[]byte("a model file"), false, ModelCarried, []byte("a model file")},
		{nil, true, ModelReferenced, fp[:]},
	} {
		form, payload, err := ParseModelBody(AppendModelBody(nil, c.file, fp, c.ref))
		if err != nil || form != c.form || !bytes.Equal(payload, c.want) {
			t.Errorf("ref %v: form %d payload %q err %v", c.ref, form, payload, err)
		}
	}
	for _, b := range [][]byte{nil, {ModelReferenced, 1, 2}, {7, 0}} {
		if _, _, err := ParseModelBody(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%x: %v, want ErrCorrupt", b, err)
		}
	}
}

// The compressed index (version 5) holds the same rows as the plain one;
// each version's reader takes only its own kind, and a damaged or
// lying compressed index fails as corrupt or over the limit.
func TestIndexZ(t *testing.T) {
	var rows []IndexEntry
	for i := range 300 {
		h := Header{Path: fmt.Sprintf("src/pkg%d/file%d.go", i/10, i), Type: TypeRegular, Size: int64(100 + i), BlockSize: 4096, Codec: 21, Mode: 0o644}
		rows = append(rows, IndexEntry{Offset: int64(16 + 200*i), Stored: 200, Header: h})
	}
	plain, z := AppendIndexRecord(nil, 4, rows), AppendIndexRecord(nil, VersionIndexZ, rows)
	if plain[0] != TagIndex || z[0] != TagIndexZ || len(z) >= len(plain)/3 {
		t.Fatalf("plain index %d bytes (tag %#x), compressed %d (tag %#x)", len(plain), plain[0], len(z), z[0])
	}
	for _, c := range []struct {
		rec []byte
		v   int
	}{{plain, 4}, {z, VersionIndexZ}} {
		s, err := NewScanner(bytes.NewReader(append(AppendFileHeader(nil, c.v), c.rec...)))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseIndex(rec.Tag, rec.Body, c.v)
		if err != nil || len(got) != len(rows) || got[299].Header.Path != rows[299].Header.Path || got[299].Offset != rows[299].Offset {
			t.Fatalf("version %d: %d rows, %v", c.v, len(got), err)
		}
		other := 4
		if c.v == 4 {
			other = VersionIndexZ
		}
		if _, err := ParseIndex(rec.Tag, rec.Body, other); !errors.Is(err, ErrCorrupt) {
			t.Errorf("an index record %#x in a version %d archive: %v", rec.Tag, other, err)
		}
	}
	_, hk := binary.Uvarint(z[1:])
	body := z[1+hk : len(z)-4]
	if _, err := UnmarshalIndexZ(body); err != nil {
		t.Fatal(err)
	}
	n, k := binary.Uvarint(body)
	for name, b := range map[string][]byte{
		"length too short": append(binary.AppendUvarint(nil, n-1), body[k:]...),
		"length too long":  append(binary.AppendUvarint(nil, n+1), body[k:]...),
		"frame cut":        body[:len(body)-3],
		"frame damaged":    append(append([]byte{}, body[:len(body)-8]...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
	} {
		if _, err := UnmarshalIndexZ(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := UnmarshalIndexZ(append(binary.AppendUvarint(nil, MaxIndexBody+1), body[k:]...)); !errors.Is(err, ErrLimit) {
		t.Errorf("an index over the limit: %v", err)
	}
}

// Every pair of headers round-trips as a delta against the other, from
// one sharing everything to one sharing nothing; a delta read against
// any other predecessor, or with a path longer than the limit or
// reserved bits, is refused.
func TestDeltaHeader(t *testing.T) {
	hs := []Header{
		{Path: "a/b.txt", Type: TypeRegular, Mode: 0o4755, ModTime: time.Unix(-5, 999999999), UID: 1 << 40, GID: 7,
			Uname: "me", Gname: "us", Size: 1 << 33, Modality: ModalityText, MIME: "text/plain", Codec: CodecZstd,
			Params: []byte{1, 2, 3}, BlockSize: MaxBlockSize},
		{Path: "a/b.txt2", Type: TypeRegular, Mode: 0o4755, ModTime: time.Unix(-5, 999999999), UID: 1 << 40, GID: 7,
			Uname: "me", Gname: "us", Size: 5, Modality: ModalityText, MIME: "text/plain", Codec: CodecZstd,
			Params: []byte{1, 2, 3}, BlockSize: MaxBlockSize},
		{Path: "a", Type: TypeDir, Mode: 0o700, ModTime: time.Unix(0, 0)},
		{Path: "l", Type: TypeSymlink, Mode: 0o777, ModTime: time.Unix(1e9, 1), Link: "/abs/target"},
		{Path: "a/b.txt3", Type: TypeHardlink, ModTime: time.Unix(1e9, 1), Link: "a/b.txt"},
		{Path: "a/big", Type: TypeRegular, Size: 3, BlockSize: 3, Codec: 1, FileSize: 10, PieceOffset: 4},
		{Path: "dcar-group/1", Type: TypeGroup, Size: 9, BlockSize: 9, Codec: 2},
	}
	for i := range hs {
		for j := range hs {
			h, prev := &hs[i], &hs[j]
			d := h.MarshalDelta(nil, prev)
			var got Header
			if err := got.UnmarshalDelta(d, prev); err != nil {
				t.Fatalf("%s after %s: %v", h.Path, prev.Path, err)
			}
			if !bytes.Equal(got.MarshalBody(nil), h.MarshalBody(nil)) {
				t.Fatalf("%s after %s reads back as %+v", h.Path, prev.Path, got)
			}
			// After itself: the CRC, an empty suffix, Same, Link, Size and
			// the flags, nothing else.
			if want := 4 + 3 + len(appendString(nil, h.Link)) + len(binary.AppendUvarint(nil, uint64(h.Size))) + len(h.appendFlags(nil)); i == j && len(d) != want {
				t.Errorf("%s after itself: %d bytes of delta, want %d", h.Path, len(d), want)
			}
			if other := &hs[(j+1)%len(hs)]; !bytes.Equal(other.MarshalBody(nil), prev.MarshalBody(nil)) {
				if err := got.UnmarshalDelta(d, other); !errors.Is(err, ErrCorrupt) {
					t.Errorf("%s after %s read against %s: %v", h.Path, prev.Path, other.Path, err)
				}
			}
		}
	}
	prev := &hs[2] // "a"
	crc := binary.LittleEndian.AppendUint32(nil, CRC(prev.MarshalBody(nil)))
	var h Header
	long := append(binary.AppendUvarint(bytes.Clone(crc), 1), appendString(nil, strings.Repeat("x", MaxPathLen))...)
	if err := h.UnmarshalDelta(append(long, 0), prev); !errors.Is(err, ErrLimit) {
		t.Errorf("a delta path of %d bytes: %v", MaxPathLen+1, err)
	}
	past := append(binary.AppendUvarint(bytes.Clone(crc), 2), appendString(nil, "b")...)
	if err := h.UnmarshalDelta(append(past, 0), prev); !errors.Is(err, ErrLimit) {
		t.Errorf("a delta keeping 2 bytes of a 1-byte path: %v", err)
	}
	d := hs[3].MarshalDelta(nil, prev)
	d[4+1+2] |= 0x80 // the Same field's reserved bits (path "l": shared 0, suffix 1 byte)
	if err := h.UnmarshalDelta(append(d[:4+1+2+1:4+1+2+1], append([]byte{0x01}, d[4+1+2+1:]...)...), prev); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reserved bits: %v", err)
	}
}

// FuzzDeltaHeader reads any bytes as a delta header after any full one:
// no panic, and a delta that reads re-encodes to one that reads the same.
func FuzzDeltaHeader(f *testing.F) {
	a := Header{Path: "src/a.go", Type: TypeRegular, Mode: 0o644, Size: 3, BlockSize: 3, Codec: 21, Uname: "u", MIME: "text/x-go"}
	b := Header{Path: "src/b.go", Type: TypeRegular, Mode: 0o644, Size: 9, BlockSize: 9, Codec: 26, Params: []byte{1, 2}, Uname: "u"}
	f.Add(a.MarshalBody(nil), b.MarshalDelta(nil, &a))
	f.Add(b.MarshalBody(nil), a.MarshalDelta(nil, &b))
	f.Fuzz(func(t *testing.T, full, delta []byte) {
		var prev, h Header
		if prev.UnmarshalBody(full) != nil {
			return
		}
		if h.UnmarshalDelta(delta, &prev) != nil {
			return
		}
		var h2 Header
		if err := h2.UnmarshalDelta(h.MarshalDelta(nil, &prev), &prev); err != nil || !bytes.Equal(h2.MarshalBody(nil), h.MarshalBody(nil)) {
			t.Fatalf("re-encoded delta: %v", err)
		}
	})
}
