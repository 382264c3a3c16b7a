package bmpre

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrUnsupported reports a BMP this package does not split (not 1, 4 or
// 8 bits per pixel, a compression other than BI_RGB, BI_RLE8 or BI_RLE4,
// an empty or oversized image, pixel data inside the headers, RLE codes
// that write outside the padded image): the caller stores the file
// another way.
var ErrUnsupported = errors.New("bmpre: unsupported BMP")

// ErrFormat reports malformed input: a BMP, RLE stream, side data or
// pixel set that does not parse or does not fit together.
var ErrFormat = errors.New("bmpre: malformed input")

// ErrNoRebuild reports a BMP that parses and decodes, but whose pixel
// data the rebuild does not reproduce byte for byte.
var ErrNoRebuild = errors.New("bmpre: BMP does not rebuild exactly")

// maxPixels bounds W*H so that a forged header cannot ask for more
// memory than an archive could hold pixels for. It is a variable only so
// that the fuzz tests can lower it.
var maxPixels = 1 << 28

// maxSide bounds the width and the height.
const maxSide = 65535

func errf(base error, off int, format string, a ...any) error {
	return fmt.Errorf("%w: %s at byte %d", base, fmt.Sprintf(format, a...), off)
}

// Compression values of the info header's biCompression field.
const (
	biRGB  = 0
	biRLE8 = 1
	biRLE4 = 2
)

const (
	fileHeaderLen = 14 // BITMAPFILEHEADER
	coreHeaderLen = 12 // BITMAPCOREHEADER (OS/2 1.x)
	minInfoLen    = 16 // the shortest OS/2 2.x header: size, width, height, planes, bit count
	maxInfoLen    = 124
)

// header is what the file header, the info header and the colour table
// tell about a BMP's pixel data.
type header struct {
	w, h      int  // h positive
	topDown   bool // a negative height in a BITMAPINFOHEADER or later
	bpp       int  // 1, 4 or 8
	comp      int  // biRGB, biRLE8 or biRLE4
	offBits   int  // where the pixel data starts
	sizeImage int  // biSizeImage, 0 if absent
	palette   []byte
}

func le16(b []byte) int { return int(binary.LittleEndian.Uint16(b)) }
func le32(b []byte) int { return int(binary.LittleEndian.Uint32(b)) }

// stride is the byte length of an uncompressed row: W*bpp bits rounded
// up to a multiple of 32.
func (h *header) stride() int { return (h.w*h.bpp + 31) / 32 * 4 }

// rowPixels is the number of pixels a padded row holds: the bound of
// the positions RLE codes may write in a row.
func (h *header) rowPixels() int { return h.stride() * 8 / h.bpp }

// parseHeader reads the BITMAPFILEHEADER, the info header (the 12-byte
// core header of OS/2 1.x, or 16 to 124 bytes: BITMAPINFOHEADER, the
// OS/2 2.x header, BITMAPV4HEADER, BITMAPV5HEADER) and the colour table
// that follows it. b is either a whole file or, with pre set, exactly
// the bytes before the pixel data (the side data's copy).
func parseHeader(b []byte, pre bool) (*header, error) {
	if len(b) < 2 || b[0] != 'B' || b[1] != 'M' {
		return nil, errf(ErrUnsupported, 0, "not a BMP signature")
	}
	if len(b) < fileHeaderLen+4 {
		return nil, errf(ErrFormat, len(b), "truncated header")
	}
	h := &header{offBits: le32(b[10:])}
	hsize := le32(b[14:])
	if hsize != coreHeaderLen && (hsize < minInfoLen || hsize > maxInfoLen) {
		return nil, errf(ErrUnsupported, 14, "info header size %d", hsize)
	}
	if len(b) < fileHeaderLen+hsize {
		return nil, errf(ErrFormat, len(b), "truncated info header")
	}
	ih := b[fileHeaderLen : fileHeaderLen+hsize]
	entry := 4 // RGBQUAD
	clrUsed := 0
	if hsize == coreHeaderLen {
		h.w, h.h, h.bpp = le16(ih[4:]), le16(ih[6:]), le16(ih[10:])
		entry = 3 // RGBTRIPLE
	} else {
		w, ht := int64(int32(le32(ih[4:]))), int64(int32(le32(ih[8:])))
		if ht < 0 {
			ht, h.topDown = -ht, true
		}
		if w <= 0 || w > maxSide || ht > maxSide {
			return nil, errf(ErrUnsupported, 18, "size %dx%d", w, ht)
		}
		h.w, h.h, h.bpp = int(w), int(ht), le16(ih[14:])
		if hsize >= 20 {
			h.comp = le32(ih[16:])
		}
		if hsize >= 24 {
			h.sizeImage = le32(ih[20:])
		}
		if hsize >= 36 {
			clrUsed = le32(ih[32:])
		}
	}
	if h.w == 0 || h.h == 0 {
		return nil, errf(ErrUnsupported, 18, "empty image %dx%d", h.w, h.h)
	}
	if h.w*h.h > maxPixels {
		return nil, errf(ErrUnsupported, 18, "%dx%d is more than %d pixels", h.w, h.h, maxPixels)
	}
	if h.bpp != 1 && h.bpp != 4 && h.bpp != 8 {
		return nil, errf(ErrUnsupported, 28, "%d bits per pixel", h.bpp)
	}
	switch {
	case h.comp == biRGB:
	case h.comp == biRLE8 && h.bpp == 8, h.comp == biRLE4 && h.bpp == 4:
		// A top-down RLE image is not allowed by the format, but its
		// rows are split like those of any other top-down image.
	default:
		return nil, errf(ErrUnsupported, 30, "compression %d at %d bits per pixel", h.comp, h.bpp)
	}
	palOff := fileHeaderLen + hsize
	if h.offBits < palOff {
		return nil, errf(ErrUnsupported, 10, "pixel data offset %d inside the headers", h.offBits)
	}
	if h.offBits > len(b) || (pre && h.offBits != len(b)) {
		return nil, errf(ErrFormat, 10, "pixel data offset %d in %d bytes", h.offBits, len(b))
	}
	n := clrUsed
	if n == 0 || n > 1<<h.bpp {
		n = 1 << h.bpp
	}
	n = min(n, (h.offBits-palOff)/entry)
	h.palette = make([]byte, 3*n)
	for i := range n {
		q := b[palOff+i*entry:]
		h.palette[3*i], h.palette[3*i+1], h.palette[3*i+2] = q[2], q[1], q[0]
	}
	return h, nil
}

// imageRow is the row of Pix (top row first) that file row y holds.
func (h *header) imageRow(y int) int {
	if h.topDown {
		return y
	}
	return h.h - 1 - y
}
