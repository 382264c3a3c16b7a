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

// GoldenCyrillicFiles is the content of testdata/golden-v11-cmbin.dcar:
// sentences of Russian words in UTF-8, which cm-bin's header set 5
// codes with the version 3 text model (header 0x05; bitcm.TreeSuits),
// and the records of GoldenBinFiles.
func GoldenCyrillicFiles() []GoldenFile {
	words := strings.Fields("съешь же ещё этих мягких французских булок да выпей чаю в чащах юга жил бы цитрус но фальшивый экземпляр")
	rng := rand.New(rand.NewPCG(11, 11))
	var text []byte
	for i := 0; len(text) < 12000; i++ {
		text = append(text, words[rng.IntN(len(words))]...)
		if i%9 == 8 {
			text = append(text, ".\n"...)
		} else {
			text = append(text, ' ')
		}
	}
	return []GoldenFile{{"golden/russian.txt", text}, GoldenBinFiles()[0]}
}

// GoldenX86Files is the content of testdata/golden-v3-cmbin.dcar: an
// x86-64 ELF file of made-up code (calls and RIP-relative loads of a few
// targets among a few instructions; cm-bin with the x86 filter) and the
// records of GoldenBinFiles (no filter).
func GoldenX86Files() []GoldenFile {
	elf := make([]byte, 64, 48<<10)
	copy(elf, "\x7fELF\x02\x01\x01")
	binary.LittleEndian.PutUint16(elf[16:], 2)  // executable
	binary.LittleEndian.PutUint16(elf[18:], 62) // x86-64
	rng := rand.New(rand.NewPCG(8, 6))
	targets := []int{0x400, 0x1800, 0x2f00, 0x9000, 0xb400}
	ops := [][]byte{{0x48, 0x89, 0xc3}, {0x48, 0x83, 0xec, 0x18}, {0xc3}, {0x90}, {0x31, 0xc0}, {0x48, 0x8b, 0x44, 0x24, 0x08}}
	for len(elf) < cap(elf)-16 {
		switch t := targets[rng.IntN(len(targets))]; rng.IntN(3) {
		case 0:
			elf = append(elf, 0xe8)
			elf = binary.LittleEndian.AppendUint32(elf, uint32(int32(t-(len(elf)+4))))
		case 1:
			elf = append(elf, 0x48, 0x8d, 0x05)
			elf = binary.LittleEndian.AppendUint32(elf, uint32(int32(t-(len(elf)+4))))
		default:
			elf = append(elf, ops[rng.IntN(len(ops))]...)
		}
	}
	return []GoldenFile{{"golden/prog", elf}, GoldenBinFiles()[0]}
}

// GoldenARM64Files is the content of testdata/golden-v4-cmbin.dcar: an
// AArch64 ELF file of made-up code (BLs and ADRPs of a few targets among
// a few instructions; cm-bin with the ARM64 filter).
func GoldenARM64Files() []GoldenFile {
	elf := make([]byte, 64, 48<<10)
	copy(elf, "\x7fELF\x02\x01\x01")
	binary.LittleEndian.PutUint16(elf[16:], 2)   // executable
	binary.LittleEndian.PutUint16(elf[18:], 183) // AArch64
	rng := rand.New(rand.NewPCG(8, 7))
	targets := []int{0x400, 0x1800, 0x2f00, 0x9000, 0xb400}
	ops := []uint32{0xd503201f, 0xa9bf7bfd, 0x910003fd, 0xd65f03c0, 0xf9400be0, 0x52800020}
	for len(elf) < cap(elf) {
		t, pc := targets[rng.IntN(len(targets))], len(elf)
		switch rng.IntN(3) {
		case 0: // BL
			elf = binary.LittleEndian.AppendUint32(elf, 0x94000000|uint32((t-pc)>>2)&0x3FFFFFF)
		case 1: // ADRP x0
			p := uint32((t>>12)-(pc>>12)) & 0x1FFFFF
			elf = binary.LittleEndian.AppendUint32(elf, 0x90000000|(p&3)<<29|(p>>2)<<5)
		default:
			elf = binary.LittleEndian.AppendUint32(elf, ops[rng.IntN(len(ops))])
		}
	}
	return []GoldenFile{{"golden/prog-arm64", elf}}
}
