package gifre

import (
	"errors"
	"fmt"
)

// ErrUnsupported reports a GIF this package does not split (an unknown
// version, a minimum code size outside 1-8, more pixel data than the
// image holds, more than maxPixels pixels): the caller stores the file
// another way.
var ErrUnsupported = errors.New("gifre: unsupported GIF")

// ErrFormat reports malformed input: a GIF, LZW code stream, side data
// or pixel set that does not parse or does not fit together.
var ErrFormat = errors.New("gifre: malformed input")

// ErrNoRebuild reports a GIF that parses and decodes, but whose code
// stream the rebuild does not reproduce byte for byte.
var ErrNoRebuild = errors.New("gifre: GIF does not rebuild exactly")

// maxPixels bounds the pixels of all frames together, so that a forged
// descriptor cannot ask for more memory than the archive could ever hold
// pixels for. It is a variable only so that the fuzz tests can lower it.
var maxPixels = 1 << 28

func errf(base error, off int, format string, a ...any) error {
	return fmt.Errorf("%w: %s at byte %d", base, fmt.Sprintf(format, a...), off)
}

// Block introducers and the trailer (GIF89a sections 20, 23 and 27).
const (
	extIntroducer   = 0x21
	imageSeparator  = 0x2c
	trailer         = 0x3b
	headerLen       = 6 + 7 // header (section 17) and logical screen descriptor (section 18)
	descriptorLen   = 10    // image descriptor with its separator (section 20)
	maxMinCodeSize  = 8     // pixel indices are bytes
	colourTableFlag = 0x80
	interlaceFlag   = 0x40
)

// imageDesc is one image descriptor and its table-based image data.
type imageDesc struct {
	w, h       int
	palette    []byte // the colour table in effect (local, else global), or nil
	interlaced bool
	minCode    int   // the LZW minimum code size byte (section 22)
	dataOff    int   // offset of the first data sub-block (just after the minimum code size byte)
	blocks     []int // data sub-block lengths
	data       []byte
}

// layout is a parsed GIF file. skel is the skeleton: the file with the
// data sub-blocks of every image removed (their block terminator kept),
// which is itself a GIF whose images have empty data.
type layout struct {
	skel   []byte
	images []imageDesc
}

// le16 reads a little-endian unsigned 16-bit field (section 4).
func le16(b []byte) int { return int(b[0]) | int(b[1])<<8 }

// tableLen is the byte length of the colour table a packed field's low
// three bits announce (sections 18 and 20): 3 * 2^(n+1).
func tableLen(packed byte) int { return 3 << (packed&7 + 1) }

// parse walks the block structure of a GIF (GIF89a sections 17-27; a
// GIF87a file is the same without extensions). Everything outside image
// data is kept verbatim in the skeleton, including unknown extensions
// and whatever follows the trailer; a file that ends where a block
// could start (no trailer) parses too. With skeleton set, b is a
// skeleton and every image must have empty data.
func parse(b []byte, skeleton bool) (*layout, error) {
	if len(b) < 6 || string(b[:3]) != "GIF" {
		return nil, errf(ErrUnsupported, 0, "not a GIF signature")
	}
	if v := string(b[3:6]); v != "87a" && v != "89a" {
		return nil, errf(ErrUnsupported, 3, "version %q", v)
	}
	if len(b) < headerLen {
		return nil, errf(ErrFormat, len(b), "truncated logical screen descriptor")
	}
	pos := headerLen
	var global []byte
	if b[10]&colourTableFlag != 0 {
		n := tableLen(b[10])
		if len(b)-pos < n {
			return nil, errf(ErrFormat, pos, "truncated global colour table")
		}
		global = b[pos : pos+n]
		pos += n
	}
	l := &layout{}
	if !skeleton {
		l.skel = make([]byte, 0, 64)
	}
	mark, pixels := 0, 0
	for pos < len(b) {
		switch b[pos] {
		case trailer:
			pos = len(b) // the trailer and any bytes after it stay verbatim
		case extIntroducer:
			if len(b)-pos < 2 {
				return nil, errf(ErrFormat, pos, "truncated extension")
			}
			end, err := skipBlocks(b, pos+2)
			if err != nil {
				return nil, err
			}
			pos = end
		case imageSeparator:
			if len(b)-pos < descriptorLen {
				return nil, errf(ErrFormat, pos, "truncated image descriptor")
			}
			d := b[pos : pos+descriptorLen]
			im := imageDesc{w: le16(d[5:]), h: le16(d[7:]), palette: global, interlaced: d[9]&interlaceFlag != 0}
			if pixels += im.w * im.h; pixels > maxPixels {
				return nil, errf(ErrUnsupported, pos, "more than %d pixels", maxPixels)
			}
			pos += descriptorLen
			if d[9]&colourTableFlag != 0 {
				n := tableLen(d[9])
				if len(b)-pos < n {
					return nil, errf(ErrFormat, pos, "truncated local colour table")
				}
				im.palette = b[pos : pos+n]
				pos += n
			}
			if pos >= len(b) {
				return nil, errf(ErrFormat, pos, "truncated image data")
			}
			if im.minCode = int(b[pos]); im.minCode < 1 || im.minCode > maxMinCodeSize {
				return nil, errf(ErrUnsupported, pos, "LZW minimum code size %d", im.minCode)
			}
			pos++
			im.dataOff = pos
			if skeleton {
				if pos >= len(b) || b[pos] != 0 {
					return nil, errf(ErrFormat, pos, "skeleton image with data")
				}
				pos++
			} else {
				end, err := im.collect(b, pos)
				if err != nil {
					return nil, err
				}
				l.skel = append(append(l.skel, b[mark:pos]...), 0)
				pos, mark = end, end
			}
			l.images = append(l.images, im)
		default:
			return nil, errf(ErrFormat, pos, "block introducer 0x%02x", b[pos])
		}
	}
	if skeleton {
		l.skel = b
	} else {
		l.skel = append(l.skel, b[mark:]...)
	}
	return l, nil
}

// skipBlocks returns the offset after the data sub-blocks starting at pos
// and their block terminator (section 15).
func skipBlocks(b []byte, pos int) (int, error) {
	for {
		if pos >= len(b) {
			return 0, errf(ErrFormat, pos, "truncated data sub-blocks")
		}
		n := int(b[pos])
		pos++
		if n == 0 {
			return pos, nil
		}
		pos += n
	}
}

// collect reads the image data sub-blocks starting at pos into im.blocks
// and im.data and returns the offset after the block terminator.
func (im *imageDesc) collect(b []byte, pos int) (int, error) {
	end, err := skipBlocks(b, pos)
	if err != nil {
		return 0, err
	}
	if end > len(b) {
		return 0, errf(ErrFormat, len(b), "truncated image data")
	}
	im.data = make([]byte, 0, end-pos)
	for b[pos] != 0 {
		n := int(b[pos])
		im.blocks = append(im.blocks, n)
		im.data = append(im.data, b[pos+1:pos+1+n]...)
		pos += 1 + n
	}
	return end, nil
}
