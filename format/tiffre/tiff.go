package tiffre

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

var (
	// ErrUnsupported reports a valid-looking TIFF this package does not
	// split (JPEG compression, planar samples, 1-bit, BigTIFF, ...): the
	// caller keeps the file as it is.
	ErrUnsupported = errors.New("tiffre: unsupported TIFF")
	// ErrFormat reports malformed input: a TIFF, a compressed strip or
	// tile, or side data that does not parse.
	ErrFormat = errors.New("tiffre: malformed input")
	// ErrNoRebuild reports a TIFF that parses and decodes but whose
	// strips or tiles this package's encoders do not reproduce exactly.
	ErrNoRebuild = errors.New("tiffre: TIFF does not rebuild exactly")
)

func errf(base error, off int, format string, a ...any) error {
	return fmt.Errorf("%w: %s at byte %d", base, fmt.Sprintf(format, a...), off)
}

// wrap marks an error of package deflatere with this package's sentinel
// of the same meaning.
func wrap(err error) error {
	switch {
	case errors.Is(err, deflatere.ErrUnsupported):
		return fmt.Errorf("%w: %w", ErrNoRebuild, err)
	case errors.Is(err, deflatere.ErrFormat):
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return err
}

// Limits: a side of at most maxSide pixels, at most maxSamples samples.
const (
	maxSide    = 65535
	maxSamples = 1 << 28
)

// Compression schemes (TIFF 6.0 section 3 and the Adobe Deflate and
// PackBits notes) that this package rebuilds.
const (
	compNone     = 1
	compLZW      = 5
	compDeflate  = 8
	compPackBits = 32773
	compDeflateX = 32946 // the old Deflate code, same coding
)

// maxRatio bounds how many bytes each compressed byte can stand for:
// PackBits 128 for 2, Deflate 258 for 2 bits (RFC 1951's longest match
// with one-bit codes: 1032:1), LZW a string at most one byte longer with
// each 9- to 12-bit code between clears (about 1400:1; 2048 here).
var maxRatio = map[int]int{compNone: 1, compPackBits: 64, compDeflate: 1032, compDeflateX: 1032, compLZW: 2048}

// geom is the sample layout of the image and how it is cut into
// chunks (strips or tiles).
type geom struct {
	W, H, C, Depth int
	Big            bool // "MM": 16-bit samples stored most significant byte first
	Comp           int  // compression scheme
	Pred           int  // predictor: 1 none, 2 horizontal differencing
	Tiled          bool
	Palette        bool // photometric interpretation 3: the one sample is a colour index
	TW, TH         int  // tiles: the tile size; strips: TW = W, TH = rows per strip (at most H)
}

func (g geom) bps() int    { return g.Depth / 8 }
func (g geom) across() int { return (g.W + g.TW - 1) / g.TW }
func (g geom) down() int   { return (g.H + g.TH - 1) / g.TH }
func (g geom) chunks() int { return g.across() * g.down() }

// rect returns chunk i's top-left pixel and its size as coded: a tile is
// always TW×TH (the part past the image edge is padding); a strip is W
// wide and the last one holds only the rows left.
func (g geom) rect(i int) (x0, y0, cw, ch int) {
	x0, y0 = (i%g.across())*g.TW, (i/g.across())*g.TH
	cw, ch = g.TW, g.TH
	if !g.Tiled {
		ch = min(g.TH, g.H-y0)
	}
	return
}

// rawLen is the number of decompressed bytes of chunk i.
func (g geom) rawLen(i int) int {
	_, _, cw, ch := g.rect(i)
	return cw * ch * g.C * g.bps()
}

// rowLen is the byte length of one row of a chunk: the unit a predictor
// and libtiff's PackBits encoder work on.
func (g geom) rowLen() int { return g.TW * g.C * g.bps() }

// padLen is the number of padding bytes of all tiles (0 for strips).
func (g geom) padLen() int {
	if !g.Tiled {
		return 0
	}
	return (g.across()*g.TW*g.down()*g.TH - g.W*g.H) * g.C * g.bps()
}

// check validates the geometry against the limits, so that memory stays
// a small multiple of the image size.
func (g geom) check(off int) error {
	if g.W < 1 || g.H < 1 || g.W > maxSide || g.H > maxSide {
		return errf(ErrUnsupported, off, "size %dx%d", g.W, g.H)
	}
	if g.C < 1 || g.C > 4 {
		return errf(ErrUnsupported, off, "%d samples per pixel", g.C)
	}
	if g.Depth != 8 && g.Depth != 16 {
		return errf(ErrUnsupported, off, "%d bits per sample", g.Depth)
	}
	if g.W*g.H*g.C > maxSamples {
		return errf(ErrUnsupported, off, "%dx%dx%d samples", g.W, g.H, g.C)
	}
	switch g.Comp {
	case compNone, compLZW, compDeflate, compDeflateX, compPackBits:
	default:
		return errf(ErrUnsupported, off, "compression %d", g.Comp)
	}
	if g.Pred != 1 && g.Pred != 2 {
		return errf(ErrUnsupported, off, "predictor %d", g.Pred)
	}
	if g.TW < 1 || g.TH < 1 {
		return errf(ErrFormat, off, "chunk size %dx%d", g.TW, g.TH)
	}
	if g.Tiled {
		// Tiles larger than the image rounded up to 16 would make the
		// padding, which the side data holds, unbounded by the image.
		if g.TW > max(16, (g.W+15)&^15) || g.TH > max(16, (g.H+15)&^15) {
			return errf(ErrUnsupported, off, "tile %dx%d for a %dx%d image", g.TW, g.TH, g.W, g.H)
		}
	} else if g.TW != g.W || g.TH > g.H {
		return errf(ErrFormat, off, "strip geometry")
	}
	return nil
}

// file is a parsed TIFF: its geometry and where each chunk's compressed
// bytes sit (in chunk index order).
type file struct {
	geom
	off, cnt []int
	// where the offsets and byte counts arrays sit, and their value sizes
	offArr, cntArr array
}

// array is where a tag's SHORT or LONG values sit in the file.
type array struct{ at, size int }

// order reads 16- and 32-bit values in the file's byte order.
type order struct {
	b   []byte
	big bool
}

func (o order) u16(p int) int {
	if o.big {
		return int(binary.BigEndian.Uint16(o.b[p:]))
	}
	return int(binary.LittleEndian.Uint16(o.b[p:]))
}

// u32 reads a LONG, clamped to 2^31 - 1 so that every GOARCH (int of
// 32 or 64 bits) reads the same value (nothing this package uses can be
// larger: offsets lie inside the file, sizes are bounded).
func (o order) u32(p int) int {
	v := binary.LittleEndian.Uint32(o.b[p:])
	if o.big {
		v = binary.BigEndian.Uint32(o.b[p:])
	}
	return int(min(v, math.MaxInt32))
}

// entry is one IFD entry (TIFF 6.0 section 2: "Image File Directory").
type entry struct {
	typ, count, at int // at: the offset of the values (inline or not)
}

// values reads an entry's BYTE, SHORT or LONG values, at most max of
// them (the values must lie inside the file, which bounds the count).
func (o order) values(e entry, max int, tag int) ([]int, error) {
	size := map[int]int{1: 1, 3: 2, 4: 4}[e.typ]
	if size == 0 {
		return nil, errf(ErrUnsupported, e.at, "tag %d of type %d", tag, e.typ)
	}
	if e.count < 1 || e.count > max || e.count > (len(o.b)-e.at)/size {
		return nil, errf(ErrFormat, e.at, "tag %d: %d values", tag, e.count)
	}
	v := make([]int, e.count)
	for i := range v {
		switch size {
		case 1:
			v[i] = int(o.b[e.at+i])
		case 2:
			v[i] = o.u16(e.at + 2*i)
		default:
			v[i] = o.u32(e.at + 4*i)
		}
	}
	return v, nil
}

// parse reads the header and the first IFD (TIFF 6.0 sections 2 and 8)
// and checks that the image is one this package handles.
func parse(b []byte) (*file, error) {
	if len(b) < 8 {
		return nil, errf(ErrFormat, 0, "no TIFF header")
	}
	o := order{b: b}
	switch string(b[:2]) {
	case "II":
	case "MM":
		o.big = true
	default:
		return nil, errf(ErrFormat, 0, "no TIFF byte order mark")
	}
	switch o.u16(2) {
	case 42:
	case 43:
		return nil, errf(ErrUnsupported, 2, "BigTIFF")
	default:
		return nil, errf(ErrFormat, 2, "TIFF version %d", o.u16(2))
	}
	ifd := o.u32(4)
	if ifd < 8 || ifd > len(b)-2 {
		return nil, errf(ErrFormat, 4, "IFD offset %d", ifd)
	}
	n := o.u16(ifd)
	if n == 0 || ifd+2+12*n > len(b) {
		return nil, errf(ErrFormat, ifd, "IFD of %d entries", n)
	}
	tags := make(map[int]entry, n)
	for i := 0; i < n; i++ {
		p := ifd + 2 + 12*i
		e := entry{typ: o.u16(p + 2), count: o.u32(p + 4), at: p + 8}
		size := map[int]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}[e.typ]
		if uint64(size)*uint64(e.count) > 4 {
			e.at = o.u32(p + 8)
		}
		tags[o.u16(p)] = e
	}
	// one reads a tag's single value, or def when it is absent.
	var err error
	one := func(tag, def int) int {
		e, ok := tags[tag]
		if !ok || err != nil {
			return def
		}
		var v []int
		if v, err = o.values(e, 1<<16, tag); err != nil {
			return def
		}
		return v[0]
	}
	f := &file{}
	g := &f.geom
	g.Big = o.big
	g.W, g.H = one(256, 0), one(257, 0)
	g.C = one(277, 1)
	g.Comp = one(259, 1)
	g.Pred = one(317, 1)
	photo := one(262, -1)
	planar := one(284, 1)
	fill := one(266, 1)
	format := one(339, 1)
	if err != nil {
		return nil, err
	}
	if e, ok := tags[258]; ok {
		bits, err := o.values(e, 1<<16, 258)
		if err != nil {
			return nil, err
		}
		g.Depth = bits[0]
		for _, v := range bits {
			if v != g.Depth {
				return nil, errf(ErrUnsupported, e.at, "unequal bits per sample")
			}
		}
	} else {
		g.Depth = 1
	}
	switch {
	case g.W < 1 || g.H < 1:
		return nil, errf(ErrFormat, ifd, "image size %dx%d", g.W, g.H)
	case planar != 1:
		return nil, errf(ErrUnsupported, ifd, "planar configuration %d", planar)
	case fill != 1:
		return nil, errf(ErrUnsupported, ifd, "fill order %d", fill)
	case format < 1 || format > 3:
		return nil, errf(ErrUnsupported, ifd, "sample format %d", format)
	}
	switch photo {
	case 0, 1, 2, 3, 5:
	default:
		return nil, errf(ErrUnsupported, ifd, "photometric interpretation %d", photo)
	}
	if photo == 3 && g.C != 1 || photo == 2 && g.C < 3 || photo == 5 && g.C != 4 {
		return nil, errf(ErrUnsupported, ifd, "%d samples for photometric interpretation %d", g.C, photo)
	}
	g.Palette = photo == 3
	offTag, cntTag := 273, 279
	if _, ok := tags[322]; ok {
		g.Tiled = true
		g.TW, g.TH = one(322, 0), one(323, 0)
		offTag, cntTag = 324, 325
	} else {
		g.TW, g.TH = g.W, min(g.H, one(278, math.MaxInt32))
	}
	if err != nil {
		return nil, err
	}
	if err := g.check(ifd); err != nil {
		return nil, err
	}
	eo, ok1 := tags[offTag]
	ec, ok2 := tags[cntTag]
	if !ok1 || !ok2 {
		return nil, errf(ErrUnsupported, ifd, "no strip or tile offsets and byte counts")
	}
	if eo.count != g.chunks() || ec.count != g.chunks() {
		return nil, errf(ErrUnsupported, ifd, "%d offsets and %d byte counts for %d chunks", eo.count, ec.count, g.chunks())
	}
	sizes := map[int]int{3: 2, 4: 4}
	f.offArr, f.cntArr = array{eo.at, sizes[eo.typ]}, array{ec.at, sizes[ec.typ]}
	if f.off, err = o.values(eo, g.chunks(), offTag); err != nil {
		return nil, err
	}
	if f.cnt, err = o.values(ec, g.chunks(), cntTag); err != nil {
		return nil, err
	}
	for i := range f.off {
		if f.cnt[i] == 0 {
			return nil, errf(ErrUnsupported, ec.at, "chunk %d is empty", i)
		}
		if f.off[i] > len(b) || f.cnt[i] > len(b)-f.off[i] {
			return nil, errf(ErrFormat, eo.at, "chunk %d at %d+%d past the end of the file", i, f.off[i], f.cnt[i])
		}
		// Before anything the size of the image is allocated, each chunk
		// must be able to hold its samples.
		if g.rawLen(i) > maxRatio[g.Comp]*f.cnt[i] {
			return nil, errf(ErrFormat, ec.at, "chunk %d: %d bytes cannot hold %d", i, f.cnt[i], g.rawLen(i))
		}
	}
	return f, nil
}

// fileOrder returns the chunk indices sorted by file offset, checking
// that no two chunks overlap.
func (f *file) fileOrder() ([]int, error) {
	idx := make([]int, len(f.off))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return f.off[idx[a]] < f.off[idx[b]] })
	for k := 1; k < len(idx); k++ {
		a, b := idx[k-1], idx[k]
		if f.off[a]+f.cnt[a] > f.off[b] {
			return nil, errf(ErrUnsupported, f.off[b], "chunks %d and %d overlap", a, b)
		}
	}
	return idx, nil
}

// derivable reports whether Join can write the offsets and byte counts
// arrays from where it lays the chunks: both are SHORT or LONG arrays
// that overlap neither each other nor any chunk (idx: the chunks in file
// order).
func (f *file) derivable(idx []int) bool {
	n := len(f.off)
	a, b := f.offArr, f.cntArr
	if a.size == 0 || b.size == 0 || a.at+a.size*n > b.at && b.at+b.size*n > a.at {
		return false
	}
	for _, r := range []array{a, b} {
		from, to := r.at, r.at+r.size*n
		k := sort.Search(n, func(k int) bool { return f.off[idx[k]]+f.cnt[idx[k]] > from })
		if k < n && f.off[idx[k]] < to {
			return false
		}
	}
	return true
}
