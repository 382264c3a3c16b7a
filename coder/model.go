package coder

// A LogitModel predicts a sequence of bytes adaptively: Logits gives the
// log2 logits (8 fractional bits, see SetLogits) of the next byte, Update
// records the byte that was coded and the table it was coded with. The
// encoder and the decoder drive the same model through EncodeBytes and
// DecodeBytes, so they see identical predictions.
type LogitModel interface {
	Logits(dst []int32)
	Update(b byte, ft *FreqTable)
}

// EncodeBytes appends the range-coded form of src under m (256-symbol
// tables of totalBits) to dst.
func EncodeBytes(dst, src []byte, m LogitModel, totalBits uint) ([]byte, error) {
	var enc Encoder
	enc.Reset(dst)
	var ft FreqTable
	var lg [256]int32
	for _, s := range src {
		m.Logits(lg[:])
		if err := ft.SetLogits(lg[:], totalBits); err != nil {
			return nil, err
		}
		enc.Encode(&ft, int(s))
		m.Update(s, &ft)
	}
	return enc.Finish()
}

// DecodeBytes decodes n bytes coded by EncodeBytes with the same model.
func DecodeBytes(data []byte, n int, m LogitModel, totalBits uint) ([]byte, error) {
	var dec Decoder
	if err := dec.Init(data); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	var ft FreqTable
	var lg [256]int32
	for k := range out {
		m.Logits(lg[:])
		if err := ft.SetLogits(lg[:], totalBits); err != nil {
			return nil, err
		}
		s := dec.Decode(&ft)
		if err := dec.Err(); err != nil {
			return nil, err
		}
		out[k] = byte(s)
		m.Update(byte(s), &ft)
	}
	if err := dec.Finish(); err != nil {
		return nil, err
	}
	return out, nil
}
