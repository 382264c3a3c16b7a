package bitcm

// Config selects the model's contexts and rates. Every field is clamped
// by normalized, so any Config gives a working model; encoder and
// decoder must use the same one (its Fingerprint is stored).
type Config struct {
	Orders    []int  // hashed order-n contexts, each 2..8
	Word      bool   // context: current word (letters, case folded) + last byte
	Word2     bool   // context: current word + previous word
	MatchMin  int    // match model minimum length (0 = off)
	TableBits uint   // log2 of the lines per hashed context, at most
	Limit     uint32 // counter visit limit (learning rate floor 1/(Limit+1.5))
	MixLR     int32
	FinalLR   int32
}

func DefaultConfig() Config {
	return Config{
		Orders:    []int{2, 3, 4, 6},
		Word:      true,
		Word2:     true,
		MatchMin:  7,
		TableBits: 20,
		Limit:     255,
		MixLR:     16,
		FinalLR:   2,
	}
}

func (c Config) normalized() Config {
	o := make([]int, 0, len(c.Orders))
	for _, v := range c.Orders {
		o = append(o, min(max(v, 2), 8))
	}
	c.Orders = o
	if c.MatchMin != 0 {
		c.MatchMin = min(max(c.MatchMin, 3), 32)
	}
	c.TableBits = min(max(c.TableBits, 10), 22)
	c.Limit = min(max(c.Limit, 1), 255)
	c.MixLR = min(max(c.MixLR, 1), 1024)
	c.FinalLR = min(max(c.FinalLR, 1), 1024)
	return c
}
