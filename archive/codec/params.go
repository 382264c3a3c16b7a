package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/dcar-archiver/dcar/format"
)

// Parameters and payload parts shared by the content codecs.

// paramsVersion is the first byte of both codecs' parameters. A change to
// either model that changes its output needs a new version (or codec id):
// archives written with the old one must keep decoding.
const paramsVersion = 1

// ErrParams reports codec parameters this binary does not understand.
var ErrParams = errors.New("dcar: unknown codec parameters")

// ErrModelMismatch reports an entry coded by a model other than this
// binary's.
var ErrModelMismatch = errors.New("dcar: model differs")

// checkParams checks the version byte and the model fingerprint that
// start a ctx codec's parameters: the fingerprint must be one of known
// (the codec's models, oldest first); it returns its index.
func checkParams(p []byte, codec string, known ...[8]byte) (int, error) {
	if len(p) < 9 || p[0] != paramsVersion {
		return 0, fmt.Errorf("%w (%s version %d)", ErrParams, codec, firstByte(p))
	}
	have := make([]string, len(known))
	for i, fp := range known {
		if [8]byte(p[1:9]) == fp {
			return i, nil
		}
		have[i] = fmt.Sprintf("%x", fp)
	}
	return 0, fmt.Errorf("%w: %s model fingerprint %x in the archive, this dcar has %s", ErrModelMismatch, codec, p[1:9], strings.Join(have, ", "))
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// unpackStoredOrZstd decodes a packed part of a payload: byte 0x00 and n
// bytes verbatim, or byte 0x01 and one zstd frame decoding to n bytes.
// b must not be empty.
func unpackStoredOrZstd(b []byte, n int, what string) ([]byte, error) {
	switch b[0] {
	case 0:
		if len(b)-1 != n {
			return nil, fmt.Errorf("%w: %s length", format.ErrCorrupt, what)
		}
		return b[1:], nil
	case 1:
		return zstdC.Decompress(nil, b[1:], n, Block{})
	}
	return nil, fmt.Errorf("%w: %s method %d", format.ErrCorrupt, what, b[0])
}

// appendPacked appends a packed part of a payload (model-png's meta,
// cm-jpeg's side data): uvarint N, the part's length; uvarint L, then
// the L bytes packed (packResidual's methods, or a codec's own).
func appendPacked(dst []byte, n int, packed []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(n))
	dst = binary.AppendUvarint(dst, uint64(len(packed)))
	return append(dst, packed...)
}

// splitPacked reads what appendPacked wrote at the start of src: N in
// 1..most, L >= 1 within src. It returns N, the packed bytes and the
// rest of src; errors name the codec and the part. most bounds the
// memory the part takes, as its codec bounds the pixels: a part may be
// longer than the entry (a 241-byte PNG of 150 rows has 314 bytes of
// side data: a filter type per row), so most is not the entry's length
// (earlier builds bounded it so, wrote such entries and then could not
// read them back).
func splitPacked(src []byte, most int64, codec, what string) (int, []byte, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n == 0 || n > uint64(most) {
		return 0, nil, nil, fmt.Errorf("%w: %s %s length", format.ErrCorrupt, codec, what)
	}
	src = src[k:]
	l, k := binary.Uvarint(src)
	if k <= 0 || l == 0 || l > uint64(len(src)-k) {
		return 0, nil, nil, fmt.Errorf("%w: %s packed %s length", format.ErrCorrupt, codec, what)
	}
	return int(n), src[k : k+int(l)], src[k+int(l):], nil
}
