package bz2re

// rleWriter is libbzip2's first stage: runs of 4..255 equal bytes become
// the byte four times plus a count byte (run-4). libbzip2 tests "block
// full" before taking each input byte, while the byte just taken only
// opens or extends the pending run; a run is written into the block when
// it ends. So a block can exceed its nominal size by up to 4 bytes, and a
// run still open when the block fills is written into the next block,
// together with its share of that block's CRC.
type rleWriter struct {
	block []byte // this block's RLE'd bytes
	max   int    // libbzip2's nblockMAX: 100000*level - 19
	crc   uint32 // running CRC of the raw bytes written into block
	ch    int    // pending run byte, -1 when there is none
	run   int    // pending run length, 1..255
}

func (w *rleWriter) reset(level int) {
	w.max = 100000*level - 19
	if cap(w.block) < w.max+5 {
		w.block = make([]byte, 0, w.max+5)
	}
	w.block = w.block[:0]
	w.crc = crcInit
	w.ch = -1
	w.run = 0
}

// newBlock starts the next block of the same stream; the pending run stays.
func (w *rleWriter) newBlock() {
	w.block = w.block[:0]
	w.crc = crcInit
}

func (w *rleWriter) full() bool { return len(w.block) >= w.max }

func (w *rleWriter) flushRun() {
	ch := byte(w.ch)
	for i := 0; i < w.run; i++ {
		w.crc = crcByte(w.crc, ch)
	}
	if w.run < 4 {
		for i := 0; i < w.run; i++ {
			w.block = append(w.block, ch)
		}
	} else {
		w.block = append(w.block, ch, ch, ch, ch, byte(w.run-4))
	}
	w.ch = -1
	w.run = 0
}

// fill takes bytes from raw until the block is full or raw is used up and
// returns how many it took.
func (w *rleWriter) fill(raw []byte) int {
	i := 0
	for i < len(raw) && len(w.block) < w.max {
		b := int(raw[i])
		i++
		if b == w.ch && w.run < 255 {
			w.run++
			continue
		}
		if w.ch >= 0 {
			if w.run == 1 {
				// The common case, kept cheap.
				w.crc = crcByte(w.crc, byte(w.ch))
				w.block = append(w.block, byte(w.ch))
			} else {
				w.flushRun()
			}
		}
		w.ch = b
		w.run = 1
	}
	return i
}
