package codec

import (
	"testing"

	"github.com/dcar-archiver/dcar/format"
)

func TestSniff(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		in   []byte
		mod  format.Modality
		comp bool
	}{
		{[]byte("hello, world\nthis is text\n"), format.ModalityText, false},
		{[]byte("caf\xc3\xa9 cr\xc3\xa8me"), format.ModalityText, false},
		{[]byte("P6\n3 2\n255\n\x00\x01\x02"), format.ModalityImage, false},
		{png, format.ModalityImage, false},
		{[]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), format.ModalityImage, true},
		{[]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), format.ModalityOther, true},
		{[]byte("BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00"), format.ModalityImage, false},
		{[]byte("abc\x00def"), format.ModalityOther, false},
		{[]byte("\xff\xfe\xfd"), format.ModalityOther, false},
		{nil, format.ModalityOther, false},
	}
	for _, tc := range tests {
		k := Sniff(tc.in)
		if k.Modality != tc.mod || k.Compressed != tc.comp {
			t.Errorf("Sniff(%q) = %+v, want modality %v compressed %v", tc.in, k, tc.mod, tc.comp)
		}
	}
}
