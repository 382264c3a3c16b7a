package pixels

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrUnsupported is returned for files that are not a supported
// uncompressed 8- or 16-bit image; such
// files go to another codec.
var ErrUnsupported = errors.New("pixels: unsupported image")

// ErrCorrupt is returned when a layout or the streams do not fit together.
var ErrCorrupt = errors.New("pixels: corrupt layout")

// Limits on what Parse accepts, to bound memory.
const (
	MaxSide   = 1 << 16
	MaxPixels = 1 << 28
)

// Layout says where the samples of an image lie in its file: row y starts
// at byte Rows[y] and holds W pixels of C interleaved samples; file sample
// c of a pixel is canonical channel Perm[c] (BMP stores B,G,R: Perm maps
// it to R,G,B).
type Layout struct {
	W, H, C int
	Perm    [4]uint8
	Rows    []int64

	// Bytes is the width of a sample: 1, or 2 for 16-bit samples (0 is
	// read as 1). Split and Join hand out 16-bit samples as two bytes,
	// most significant first, whatever the file's byte order.
	Bytes int

	// LittleEndian is set when the file stores 16-bit samples least
	// significant byte first (a TIFF file in Intel "II" order); Split and
	// Join swap their bytes.
	LittleEndian bool
}

// Samples is the number of samples of the image.
func (l *Layout) Samples() int { return l.W * l.H * l.C }

// SampleBytes is the width of a sample in bytes: 1, or 2 for 16-bit
// samples. Split's samples are Samples()*SampleBytes() bytes.
func (l *Layout) SampleBytes() int {
	if l.Bytes == 2 {
		return 2
	}
	return 1
}

func (l *Layout) rowBytes() int64 { return int64(l.W * l.C * l.SampleBytes()) }

// check validates l against a file of size bytes: rows in increasing
// order, inside the file, not overlapping.
func (l *Layout) check(size int64) error {
	if l.W <= 0 || l.H <= 0 || l.C < 1 || l.C > 4 || l.W > MaxSide || l.H > MaxSide || l.W*l.H > MaxPixels {
		return fmt.Errorf("%w: %dx%dx%d", ErrCorrupt, l.W, l.H, l.C)
	}
	if l.Bytes < 0 || l.Bytes > 2 || l.LittleEndian && l.Bytes != 2 {
		return fmt.Errorf("%w: %d-byte samples, little endian %v", ErrCorrupt, l.Bytes, l.LittleEndian)
	}
	if len(l.Rows) != l.H {
		return fmt.Errorf("%w: %d row offsets for %d rows", ErrCorrupt, len(l.Rows), l.H)
	}
	var seen uint8
	for c := 0; c < l.C; c++ {
		if int(l.Perm[c]) >= l.C || seen&(1<<l.Perm[c]) != 0 {
			return fmt.Errorf("%w: channel permutation %v", ErrCorrupt, l.Perm[:l.C])
		}
		seen |= 1 << l.Perm[c]
	}
	// Rows need not be in file order (BMP is bottom-up), but they must
	// not overlap: sort a copy of the offsets.
	sorted := append([]int64(nil), l.Rows...)
	sortInt64(sorted)
	for i, off := range sorted {
		if off < 0 || off+l.rowBytes() > size {
			return fmt.Errorf("%w: row at %d outside a file of %d bytes", ErrCorrupt, off, size)
		}
		if i > 0 && sorted[i-1]+l.rowBytes() > off {
			return fmt.Errorf("%w: overlapping rows", ErrCorrupt)
		}
	}
	return nil
}

func sortInt64(a []int64) {
	// insertion sort on nearly sorted data (rows come in file order or
	// reversed); fall back to a heap-free shell sort for the general case.
	for gap := len(a) / 2; gap > 0; gap /= 2 {
		for i := gap; i < len(a); i++ {
			for j := i; j >= gap && a[j-gap] > a[j]; j -= gap {
				a[j-gap], a[j] = a[j], a[j-gap]
			}
		}
	}
}

// Split separates data into samples (raster order, canonical channels;
// 16-bit samples as two bytes, most significant first) and the remaining
// bytes in file order.
func (l *Layout) Split(data []byte) (pix, rest []byte, err error) {
	if err := l.check(int64(len(data))); err != nil {
		return nil, nil, err
	}
	pix = make([]byte, l.Samples()*l.SampleBytes())
	rb := int(l.rowBytes())
	for y, off := range l.Rows {
		row := data[off : off+int64(rb)]
		dst := pix[y*rb : (y+1)*rb]
		l.permute(dst, row, false)
	}
	rest = make([]byte, 0, len(data)-len(pix))
	sorted := append([]int64(nil), l.Rows...)
	sortInt64(sorted)
	var at int64
	for _, off := range sorted {
		rest = append(rest, data[at:off]...)
		at = off + int64(rb)
	}
	rest = append(rest, data[at:]...)
	return pix, rest, nil
}

// Join is the inverse of Split.
func (l *Layout) Join(pix, rest []byte) ([]byte, error) {
	size := int64(len(pix) + len(rest))
	if len(pix) != l.Samples()*l.SampleBytes() {
		return nil, fmt.Errorf("%w: %d sample bytes for a %dx%dx%d image of %d-byte samples", ErrCorrupt, len(pix), l.W, l.H, l.C, l.SampleBytes())
	}
	if err := l.check(size); err != nil {
		return nil, err
	}
	out := make([]byte, size)
	rb := int(l.rowBytes())
	sorted := append([]int64(nil), l.Rows...)
	sortInt64(sorted)
	var at, from int64
	for _, off := range sorted {
		n := off - at
		copy(out[at:off], rest[from:from+n])
		from += n
		at = off + int64(rb)
	}
	copy(out[at:], rest[from:])
	for y, off := range l.Rows {
		l.permute(out[off:off+int64(rb)], pix[y*rb:(y+1)*rb], true)
	}
	return out, nil
}

// permute copies one row between file order and canonical order: the
// channel permutation and, for little-endian 16-bit samples, the byte
// swap (its own inverse).
func (l *Layout) permute(dst, src []byte, toFile bool) {
	identity := true
	for c := 0; c < l.C; c++ {
		if int(l.Perm[c]) != c {
			identity = false
		}
	}
	if l.SampleBytes() == 2 {
		l.permute16(dst, src, toFile, identity)
		return
	}
	if identity {
		copy(dst, src)
		return
	}
	C := l.C
	for x := 0; x < l.W; x++ {
		for c := 0; c < C; c++ {
			if toFile {
				dst[x*C+c] = src[x*C+int(l.Perm[c])]
			} else {
				dst[x*C+int(l.Perm[c])] = src[x*C+c]
			}
		}
	}
}

// permute16 is permute for rows of 16-bit samples.
func (l *Layout) permute16(dst, src []byte, toFile, identity bool) {
	if identity && !l.LittleEndian {
		copy(dst, src)
		return
	}
	C := l.C
	for x := 0; x < l.W; x++ {
		for c := 0; c < C; c++ {
			// byte offsets of file sample c and of its canonical channel
			from, to := 2*(x*C+c), 2*(x*C+int(l.Perm[c]))
			if toFile {
				from, to = to, from
			}
			hi, lo := src[from], src[from+1]
			if l.LittleEndian {
				hi, lo = lo, hi
			}
			dst[to], dst[to+1] = hi, lo
		}
	}
}

// Layout encoding versions: 1 for 8-bit samples (the form every decoder
// reads), 2 for 16-bit samples, which UnmarshalLayout and decoders older
// than it refuse.
const (
	layout8  = 1
	layout16 = 2
)

// MarshalBinary encodes the layout compactly: rows at a constant stride
// (the usual case) take a few bytes whatever the height.
//
//	byte     version: 1 (8-bit samples) or 2 (16-bit samples)
//	version 2 only: byte 2 (the sample width), byte 0 (big endian) or 1 (little endian)
//	uvarint  W, H
//	5 bytes  C, Perm[0..3]
//	uvarint  Rows[0]
//	byte 0, varint stride: Rows[y] = Rows[0] + y*stride
//	or byte 1, H-1 varints: Rows[y] - Rows[y-1]
func (l *Layout) MarshalBinary() []byte {
	b := []byte{layout8}
	if l.SampleBytes() == 2 {
		b = []byte{layout16, 2, 0}
		if l.LittleEndian {
			b[2] = 1
		}
	}
	b = binary.AppendUvarint(b, uint64(l.W))
	b = binary.AppendUvarint(b, uint64(l.H))
	b = append(b, byte(l.C), l.Perm[0], l.Perm[1], l.Perm[2], l.Perm[3])
	b = binary.AppendUvarint(b, uint64(l.Rows[0]))
	stride := int64(0)
	if l.H > 1 {
		stride = l.Rows[1] - l.Rows[0]
	}
	regular := true
	for y := 1; y < l.H; y++ {
		if l.Rows[y]-l.Rows[y-1] != stride {
			regular = false
			break
		}
	}
	if regular {
		b = append(b, 0)
		return binary.AppendVarint(b, stride)
	}
	b = append(b, 1)
	for y := 1; y < l.H; y++ {
		b = binary.AppendVarint(b, l.Rows[y]-l.Rows[y-1])
	}
	return b
}

// UnmarshalLayout decodes MarshalBinary's output (version 1: 8-bit
// samples; version 2: 16-bit, which decoders that predate it refuse);
// fileSize bounds the rows. It never allocates more than the height
// implies, and the height is bounded by MaxSide.
func UnmarshalLayout(b []byte, fileSize int64) (*Layout, error) {
	return unmarshalLayout(b, fileSize, true)
}

func unmarshalLayout(b []byte, fileSize int64, wide bool) (*Layout, error) {
	fail := func() (*Layout, error) { return nil, fmt.Errorf("%w: bad layout encoding", ErrCorrupt) }
	if len(b) < 1 || b[0] != layout8 && !(wide && b[0] == layout16) {
		return fail()
	}
	sb, little := 1, false
	if b[0] == layout16 {
		if len(b) < 3 || b[1] != 2 || b[2] > 1 {
			return fail()
		}
		sb, little = 2, b[2] == 1
		b = b[2:]
	}
	b = b[1:]
	uv := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	w, ok1 := uv()
	h, ok2 := uv()
	if !ok1 || !ok2 || w == 0 || h == 0 || w > MaxSide || h > MaxSide || len(b) < 5 {
		return fail()
	}
	l := &Layout{W: int(w), H: int(h), C: int(b[0]), Bytes: sb, LittleEndian: little}
	copy(l.Perm[:], b[1:5])
	b = b[5:]
	first, ok := uv()
	if !ok || len(b) < 1 || first > uint64(fileSize) {
		return fail()
	}
	mode := b[0]
	b = b[1:]
	l.Rows = make([]int64, l.H)
	l.Rows[0] = int64(first)
	sv := func() (int64, bool) {
		v, n := binary.Varint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	switch mode {
	case 0:
		s, ok := sv()
		if !ok {
			return fail()
		}
		for y := 1; y < l.H; y++ {
			l.Rows[y] = l.Rows[y-1] + s
		}
	case 1:
		for y := 1; y < l.H; y++ {
			d, ok := sv()
			if !ok {
				return fail()
			}
			l.Rows[y] = l.Rows[y-1] + d
		}
	default:
		return fail()
	}
	if len(b) != 0 {
		return fail()
	}
	if err := l.check(fileSize); err != nil {
		return nil, err
	}
	return l, nil
}

// GatherRow copies one row from file order (fileRow, as found at Rows[y])
// into canonical channel order.
func (l *Layout) GatherRow(dst, fileRow []byte) { l.permute(dst, fileRow, false) }

// ScatterRow copies one row in canonical order back into file order.
func (l *Layout) ScatterRow(fileRow, src []byte) { l.permute(fileRow, src, true) }

// RowBytes is the number of bytes of one row of samples (two per 16-bit
// sample), in the file and in canonical order alike.
func (l *Layout) RowBytes() int { return l.W * l.C * l.SampleBytes() }
