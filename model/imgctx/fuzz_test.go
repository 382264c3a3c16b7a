package imgctx

import (
	"bytes"
	"testing"
)

func FuzzDecodeStripe(f *testing.F) {
	src := synth("smooth", 6, 5, 3, 1)
	f.Add(EncodeStripe(src, 6, 5, 3), uint8(6), uint8(5), uint8(3))
	f.Add([]byte{0, 0, 0, 0}, uint8(1), uint8(1), uint8(1))
	f.Add([]byte{0xff, 0x12, 0x34, 0x56, 0x78, 0x9a}, uint8(3), uint8(2), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, w, h, ch uint8) {
		W, H, C := int(w%24), int(h%24), int(ch%6)
		out, err := DecodeStripeConfig(data, W, H, C, DefaultConfig)
		if err != nil {
			return
		}
		// Anything accepted must re-encode to the same bytes.
		if enc := EncodeStripe(out, W, H, C); !bytes.Equal(enc, data) {
			t.Fatalf("accepted input is not the encoding of its output")
		}
	})
}
