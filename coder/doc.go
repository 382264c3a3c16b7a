// Package coder implements the entropy coder of dcar: a range coder
// that turns the model's predictions into bytes, and an exact,
// machine-independent conversion from the model's logits to the integer
// frequency tables the coder needs.
//
// # Range coder
//
// Encoder and Decoder are mirror images in the style of the LZMA range
// coder. The interval [low, low+range) is kept in a 32-bit window with
// range in [2^24, 2^32) before every operation (bytes are shifted out,
// respectively in, while range < 2^24, at the start of an operation).
// The encoder's low is 64 bits wide so that a carry out of the window
// can be added to the bytes already shifted out; those bytes are held
// back as one cache byte plus a count of 0xFF bytes until a byte below
// 0xFF or a carry makes them final, so arbitrarily long carry chains cost
// O(1) per byte.
//
// Two kinds of operation can be mixed freely in one stream:
//
//   - Multi-symbol: a symbol with cumulative frequency cum and frequency
//     freq out of a total 1<<totalBits (totalBits <= 16; typically 16
//     or 15) narrows the interval to [low + r*cum, low + r*(cum+freq))
//     with r = range>>totalBits >= 2^8 (Encode with a FreqTable, or
//     EncodeFreq with Target/Consume on the decoding side).
//   - Binary: a decision with probability p0/2^16 of a zero bit, 16-bit
//     precision (p0 = 0 counts as 1), narrowing to [low, low+bound) for
//     0 and [low+bound, low+range) for 1 with bound = (range>>16)*p0.
//
// # Stream format
//
// A stream is the big-endian digits of a number in [0, 1) that lies in
// the final interval: the encoder emits every byte shifted out of low
// except the first, which is always 0, and then flushes the four bytes of
// low itself. The decoder reads four bytes up front and one more each
// time it shifts, so a valid stream is exactly as long as the decoder
// needs: the empty stream (no symbols) is 00 00 00 00, and the overhead
// of the flush is at most four bytes. The decoder therefore never reads
// ahead, and it can check its input strictly:
//
//   - reading past the end gives ErrTruncated, so every proper prefix of
//     a stream fails before its symbols are all decoded;
//   - a target in the slack above the last symbol (possible only in
//     input the encoder did not write) gives ErrCorrupt;
//   - Finish requires the final code value to be 0 (the encoder flushes
//     low exactly) and every byte to be consumed (else ErrTrailingData).
//
// Any input accepted by Finish is byte-for-byte the encoding of the
// decoded symbols. Errors are sticky, every operation does bounded work
// and nothing panics on bad input.
//
// # Logits
//
// FreqTable.SetLogits converts logits to a table with total exactly
// 1<<totalBits and every frequency >= 1. A logit is an int32 in log2
// units with LogitFracBits = 8 fractional bits: logit x means weight
// 2^(x/256), so the model maps a natural-log logit z to round(z*256/ln 2).
// Only differences matter, and a logit 20 bits (5120 units) or more
// below the largest counts as weight 0, so its symbol gets the minimum
// frequency of 1.
//
// The conversion uses only integers: a 256-entry table of 2^(-f/256)
// with 31-bit precision, shifted for the integer part (expanded once into
// a 20-bit lookup table), a 64-bit sum, one 64-bit division for a
// reciprocal, a multiply-shift per symbol for max(1, round(share)), and a
// fix-up that moves the rounding difference onto the most likely symbol
// (lowest index on ties), with a deterministic fallback for large flat
// alphabets. Every machine, GOARCH and build tag therefore builds
// identical tables, which the golden tests pin. For byte alphabets the
// tables are within about 1e-5 bits per symbol of the exact distribution
// unless the minimum frequency dominates.
//
// On amd64 (without the purego build tag) the passes of the conversion
// run in AVX-512 or AVX2 assembly, chosen at start-up with
// golang.org/x/sys/cpu: the maximum and its first index (VPMAXSD), the
// weights (the 256-entry table gathered with VPGATHERDD and shifted with
// VPSRLVD) with their 64-bit sum, the rounded shares (64-bit products
// with VPMULUDQ) with their running sum, and the fix-up. It computes
// exactly the integers of the Go code, which remains the reference and
// runs with purego and on other GOARCHes; differential tests and a fuzz
// target (logits_simd_test.go) compare the two bit for bit, and the
// golden tests run with every implementation. For a byte alphabet this
// makes the conversion about four times faster (about 0.17 µs instead
// of 0.7 µs on a 2.3 GHz Sapphire Rapids core with AVX-512).
//
// # Cost and allocation
//
// Besides the flush, a symbol costs at most log2(1+2^-8) (< 0.006) bits
// more than its ideal -log2(freq/total), because the slack
// range - r<<totalBits is never used; about 0.001 bits on average.
//
// Encoder, Decoder and FreqTable reuse their buffers; in the steady
// state coding and table construction do not allocate.
package coder
