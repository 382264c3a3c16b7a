package pngre

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// ErrUnsupported reports a valid-looking PNG this package does not
// reconstruct (unused bits set, chunks out of order, ...): the caller
// falls back.
var ErrUnsupported = errors.New("pngre: unsupported PNG")

// ErrFormat reports malformed input: a PNG, deflate stream or side data
// that does not parse.
var ErrFormat = errors.New("pngre: malformed input")

var signature = [8]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// maxPixels bounds the bytes of the pixels, W*H*C (times 2 for 16-bit
// samples), so that a forged header cannot ask for more memory than the
// archive's block limit could ever hold pixels for.
const maxPixels = 1 << 28

// header is the part of IHDR this package needs.
type header struct {
	W, H      int
	ColorType byte
	C         int // channels: 1 gray or palette index, 2 gray+alpha, 3 RGB, 4 RGBA
	Depth     int // bits per sample: 8 or 16, or 1, 2 or 4 for gray and palette images

	// Interlaced is set for Adam7 (interlace method 1): the IDAT data
	// holds the seven passes of interlace.go one after the other.
	Interlaced bool
}

// sampleBytes is the width of one sample in Parts.Pixels: 2 for 16-bit
// images (most significant byte first, as in the file), else 1.
func (h header) sampleBytes() int {
	if h.Depth == 16 {
		return 2
	}
	return 1
}

// packedRow is the length of one row's samples as the file packs them.
func (h header) packedRow() int { return (h.W*h.C*h.Depth + 7) / 8 }

// bpp is the byte distance of the filters' left neighbour (PNG spec 9.2:
// the bytes of one pixel, at least 1).
func (h header) bpp() int { return max(1, h.C*h.Depth/8) }

// rowBytes is the filtered length of one row: filter byte + samples.
func (h header) rowBytes() int { return 1 + h.packedRow() }

// filteredLen is the length of the decompressed IDAT data: the rows of
// every non-empty pass.
func (h header) filteredLen() int {
	n := 0
	for _, p := range h.passes() {
		n += p.H * p.rowBytes()
	}
	return n
}

// rows is the number of filtered rows, each with its filter type: H, or
// the rows of all the non-empty passes of an interlaced image.
func (h header) rows() int {
	n := 0
	for _, p := range h.passes() {
		n += p.H
	}
	return n
}

// layout is a parsed PNG file: everything outside the IDAT data verbatim.
type layout struct {
	hdr    header
	pre    []byte // bytes after the signature up to the first IDAT chunk
	idat   []int  // data lengths of the consecutive IDAT chunks
	post   []byte // bytes after the last IDAT chunk (IEND, ..., trailing)
	stream []byte // concatenated IDAT data (the zlib stream and any trailer)
}

// wrap marks an error of package deflatere with this package's sentinel
// of the same meaning.
func wrap(err error) error {
	switch {
	case errors.Is(err, deflatere.ErrUnsupported):
		return fmt.Errorf("%w: %w", ErrUnsupported, err)
	case errors.Is(err, deflatere.ErrFormat):
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return err
}

func errf(base error, off int, format string, a ...any) error {
	return fmt.Errorf("%w: %s at byte %d", base, fmt.Sprintf(format, a...), off)
}

// parseHeader decodes IHDR data (13 bytes).
func parseHeader(d []byte, off int) (header, error) {
	if len(d) != 13 {
		return header{}, errf(ErrFormat, off, "IHDR length %d", len(d))
	}
	h := header{W: int(binary.BigEndian.Uint32(d)), H: int(binary.BigEndian.Uint32(d[4:])), ColorType: d[9], Depth: int(d[8])}
	depth, comp, filt, inter := d[8], d[10], d[11], d[12]
	if h.W == 0 || h.H == 0 || h.W > 1<<24 || h.H > 1<<24 {
		return h, errf(ErrUnsupported, off, "size %dx%d", h.W, h.H)
	}
	switch h.ColorType {
	case 0:
		h.C = 1
	case 2:
		h.C = 3
	case 4:
		h.C = 2
	case 3:
		h.C = 1 // the palette index
	case 6:
		h.C = 4
	default:
		return h, errf(ErrUnsupported, off, "color type %d", h.ColorType)
	}
	// The allowed bit depths of each colour type (PNG spec 11.2.2): 1, 2
	// and 4 bits only for gray and palette images, 16 for all but palette.
	low := depth == 1 || depth == 2 || depth == 4
	if !(depth == 8 || depth == 16 && h.ColorType != 3 || low && (h.ColorType == 0 || h.ColorType == 3)) {
		return h, errf(ErrUnsupported, off, "bit depth %d for color type %d", depth, h.ColorType)
	}
	if comp != 0 || filt != 0 {
		return h, errf(ErrUnsupported, off, "compression %d / filter method %d", comp, filt)
	}
	if inter > 1 { // 0 none, 1 Adam7 (PNG spec 8.2)
		return h, errf(ErrUnsupported, off, "interlace method %d", inter)
	}
	h.Interlaced = inter == 1
	if uint64(h.W)*uint64(h.H)*uint64(h.C)*uint64(h.sampleBytes()) > maxPixels {
		return h, errf(ErrUnsupported, off, "%dx%dx%d too large", h.W, h.H, h.C)
	}
	return h, nil
}

// parsePNG splits a PNG file into its layout. Every chunk CRC is checked
// (a file with a wrong CRC is not reconstructed: ErrUnsupported). The IDAT
// chunks must be consecutive.
func parsePNG(b []byte) (*layout, error) {
	if len(b) < 8 || [8]byte(b[:8]) != signature {
		return nil, errf(ErrFormat, 0, "no PNG signature")
	}
	l := &layout{}
	off := 8
	first, last := -1, -1 // byte range of the IDAT run
	seenHdr := false
	for off < len(b) {
		if len(b)-off < 12 {
			if first < 0 {
				return nil, errf(ErrFormat, off, "truncated chunk")
			}
			break // trailing bytes after the chunks: kept in post
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n > len(b)-off-12 || n < 0 {
			if first < 0 {
				return nil, errf(ErrFormat, off, "chunk length %d past the end", n)
			}
			break
		}
		typ := string(b[off+4 : off+8])
		data := b[off+8 : off+8+n]
		crc := binary.BigEndian.Uint32(b[off+8+n:])
		if crc32.ChecksumIEEE(b[off+4:off+8+n]) != crc {
			if typ == "IDAT" { // IDAT CRCs are recomputed: they must be right
				return nil, errf(ErrUnsupported, off, "IDAT CRC mismatch")
			}
		}
		switch {
		case !seenHdr:
			if typ != "IHDR" {
				return nil, errf(ErrFormat, off, "first chunk %q, want IHDR", typ)
			}
			h, err := parseHeader(data, off+8)
			if err != nil {
				return nil, err
			}
			l.hdr, seenHdr = h, true
		case typ == "PLTE" && first < 0 && l.hdr.C >= 3:
			// a suggested palette for a true-colour image: kept verbatim
		case typ == "IDAT":
			if first >= 0 && last != off {
				return nil, errf(ErrUnsupported, off, "IDAT chunks not consecutive")
			}
			if first < 0 {
				first = off
			}
			l.idat = append(l.idat, n)
			l.stream = append(l.stream, data...)
			last = off + 12 + n
		case typ == "IEND":
			if first < 0 {
				return nil, errf(ErrFormat, off, "IEND before IDAT")
			}
		}
		off += 12 + n
		if typ == "IEND" {
			break
		}
	}
	if first < 0 {
		return nil, errf(ErrFormat, off, "no IDAT chunk")
	}
	l.pre = b[8:first]
	l.post = b[last:]
	return l, nil
}

// appendChunk appends one chunk with its CRC.
func appendChunk(dst []byte, typ string, data []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	start := len(dst)
	dst = append(dst, typ...)
	dst = append(dst, data...)
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
}

// headerOf finds IHDR in the pre-IDAT bytes of a layout.
func headerOf(pre []byte) (header, error) {
	if len(pre) < 25 || string(pre[4:8]) != "IHDR" || binary.BigEndian.Uint32(pre) != 13 {
		return header{}, errf(ErrFormat, 8, "side data: no IHDR")
	}
	return parseHeader(pre[8:21], 16)
}
