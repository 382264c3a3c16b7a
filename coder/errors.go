package coder

import "errors"

var (
	// ErrTruncated is reported by the Decoder when it needs a byte beyond
	// the end of its input. A stream that has been cut short always
	// produces this error (or ErrCorrupt) no later than the decoding of
	// its last symbol, because a valid stream holds exactly the bytes the
	// decoder reads.
	ErrTruncated = errors.New("coder: truncated input")

	// ErrCorrupt is reported by the Decoder when the input cannot have been
	// produced by the Encoder: the initial code value is outside the
	// initial range, a decoded target lies in the unused top slack of the
	// range (target >= total), or the final code value does not match
	// the encoder's flush.
	ErrCorrupt = errors.New("coder: corrupt input")

	// ErrTrailingData is returned by Decoder.Finish when the decoded
	// stream ended before the end of the input.
	ErrTrailingData = errors.New("coder: trailing data after end of stream")

	// ErrInvalidFreq reports an invalid frequency argument or table: a
	// zero frequency, cumulative frequencies that exceed the total,
	// totalBits > MaxTotalBits, an alphabet that is empty or larger than
	// the total, an uninitialised FreqTable, or Consume without Target.
	ErrInvalidFreq = errors.New("coder: invalid frequency table")

	// ErrSymbol is reported by Encoder.Encode for a symbol outside the
	// table's alphabet.
	ErrSymbol = errors.New("coder: symbol out of range")
)
