package codec

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

// GoldenFile is one file of a golden archive's content.
type GoldenFile struct {
	Name string
	Data []byte
}

// GoldenBinFiles is the content of testdata/golden-v1-cmbin.dcar: a
// table of fixed-length records (the binary model with stride 16 wins)
// and words separated by spaces, NULs and newlines (the text model
// wins), neither of which sniffs as text.
func GoldenBinFiles() []GoldenFile {
	var rec, fields []byte
	for i := range 256 {
		rec = binary.LittleEndian.AppendUint32(rec, uint32(1000+3*i))
		rec = binary.LittleEndian.AppendUint32(rec, uint32(i*i))
		rec = binary.LittleEndian.AppendUint16(rec, uint16(50000-i*7))
		rec = append(rec, byte(i), byte(i%3), 0, 0, 0xff, 0x7f)
	}
	words := strings.Fields("the archive keeps every byte of every file it is given and gives them back " +
		"exactly as they were on any machine or it says loudly which entry failed and where")
	rng := rand.New(rand.NewPCG(7, 7)) // PCG's output is fixed by its specification
	for i := range 600 {
		fields = append(fields, words[rng.IntN(len(words))]...)
		fields = append(fields, " \x00\n"[min(i%7, 2)])
	}
	return []GoldenFile{{"golden/records.bin", rec}, {"golden/fields.bin", fields}}
}
