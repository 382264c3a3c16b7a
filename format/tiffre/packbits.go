package tiffre

// PackBits (TIFF 6.0 section 9): a header byte n, then n+1 literal
// bytes (n in 0..127), or one byte repeated 257-n times (n in
// 129..255); n = 128 is a no-op. The data fixes the stream but for the
// packet boundaries; the canonical boundaries are those libtiff's
// PackBitsEncode writes, row by row (tif_packbits.c breaks a strip or
// tile into rows so that no packet spans two). A chunk that departs from
// them keeps its header bytes in the side data: with the data they fix
// the stream.

// packBitsDecode decodes chunk into dst (exactly len(dst) bytes) and
// returns the header bytes and how many bytes of chunk the packets
// took. base is the chunk's offset in the file, for messages.
func packBitsDecode(dst, chunk []byte, base int) (headers []byte, used int, err error) {
	out, p := 0, 0
	for out < len(dst) {
		if p >= len(chunk) {
			return nil, 0, errf(ErrFormat, base+p, "PackBits data ends after %d of %d bytes", out, len(dst))
		}
		h := chunk[p]
		headers = append(headers, h)
		p++
		switch {
		case h < 128:
			n := int(h) + 1
			if n > len(chunk)-p {
				return nil, 0, errf(ErrFormat, base+p, "PackBits literal past the end")
			}
			if n > len(dst)-out {
				return nil, 0, errf(ErrUnsupported, base+p, "PackBits data longer than %d bytes", len(dst))
			}
			copy(dst[out:], chunk[p:p+n])
			out += n
			p += n
		case h > 128:
			n := 257 - int(h)
			if p >= len(chunk) {
				return nil, 0, errf(ErrFormat, base+p, "PackBits run past the end")
			}
			if n > len(dst)-out {
				return nil, 0, errf(ErrUnsupported, base+p, "PackBits data longer than %d bytes", len(dst))
			}
			for i := 0; i < n; i++ {
				dst[out+i] = chunk[p]
			}
			out += n
			p++
		}
	}
	return headers, p, nil
}

// packBitsHeaders rebuilds a PackBits stream from its header bytes and
// data, appending to dst.
func packBitsHeaders(dst, data, headers []byte) ([]byte, error) {
	p := 0
	for _, h := range headers {
		dst = append(dst, h)
		switch {
		case h < 128:
			n := int(h) + 1
			if n > len(data)-p {
				return nil, errf(ErrFormat, 0, "side data: PackBits headers exceed the data")
			}
			dst = append(dst, data[p:p+n]...)
			p += n
		case h > 128:
			n := 257 - int(h)
			if n > len(data)-p {
				return nil, errf(ErrFormat, 0, "side data: PackBits headers exceed the data")
			}
			dst = append(dst, data[p])
			p += n
		}
	}
	if p != len(data) {
		return nil, errf(ErrFormat, 0, "side data: PackBits headers cover %d of %d bytes", p, len(data))
	}
	return dst, nil
}

// packBits appends libtiff's PackBits coding of data, row by row, to dst.
func packBits(dst, data []byte, row int) []byte {
	for len(data) > 0 {
		n := min(row, len(data))
		dst = packBitsRow(dst, data[:n])
		data = data[n:]
	}
	return dst
}

// packBitsRow is libtiff's PackBitsEncode state machine on one row: a
// run of two after a literal, followed by a single byte, is merged into
// the literal.
func packBitsRow(op, bp []byte) []byte {
	const (
		base = iota
		literal
		run
		literalRun
	)
	state, last := base, 0 // last: index in op of the open literal's header
	for len(bp) > 0 {
		b := bp[0]
		n := 1
		for n < len(bp) && bp[n] == b {
			n++
		}
		bp = bp[n:]
	again:
		switch state {
		case base, run:
			if n > 1 {
				state = run
				if n > 128 {
					op = append(op, 0x81, b) // -127
					n -= 128
					goto again
				}
				op = append(op, byte(1-n), b)
			} else {
				last = len(op)
				op = append(op, 0, b)
				state = literal
			}
		case literal:
			if n > 1 {
				state = literalRun
				if n > 128 {
					op = append(op, 0x81, b)
					n -= 128
					goto again
				}
				op = append(op, byte(1-n), b)
			} else {
				op[last]++
				if op[last] == 127 {
					state = base
				}
				op = append(op, b)
			}
		case literalRun:
			// literal, run of two, single byte: one literal
			if n == 1 && op[len(op)-2] == 0xff && op[last] < 126 {
				op[last] += 2
				if op[last] == 127 {
					state = base
				} else {
					state = literal
				}
				op[len(op)-2] = op[len(op)-1]
			} else {
				state = run
			}
			goto again
		}
	}
	return op
}
