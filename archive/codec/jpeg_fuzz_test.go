package codec

import (
	"bytes"
	"os"
	"testing"
)

// FuzzCMJPEGDecompress: a cm-jpeg payload from a damaged archive fails
// cleanly (or decodes to something the CRC then rejects), never panics,
// within the memory jpegMaxBlocks allows.
func FuzzCMJPEGDecompress(f *testing.F) {
	data, err := os.ReadFile("../../testdata/golden-jpeg/q80-422-rst.jpg")
	if err != nil {
		f.Fatal(err)
	}
	ch, ok := planJPEG(Kind{MIME: "image/jpeg"}, bytes.NewReader(data), int64(len(data)))
	if !ok {
		f.Fatal("not planned")
	}
	b := Block{EntrySize: int64(len(data)), Params: ch.Params}
	enc, err := cmJPEG{}.Compress(nil, data, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		cmJPEG{}.Decompress(nil, src, len(data), b)
	})
}
