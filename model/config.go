package model

import "fmt"

// Config holds the hyper-parameters of the unified image+text model and the
// switches of the four DualComp parts (for ablations):
//
//	Vocab     part 1 unified tokenization: VocabUnified (on) / VocabShared or VocabUnmasked (off)
//	Switching part 2 modality switching: per-modality time-mix r/k/v + mix/decay vectors (off = shared)
//	MoE       part 3 modality-routing MoE: shared FFN + per-modality expert (off = one FFN)
//	HiRA      part 4 HiRA rank factor r for the time-mix r/k/v maps (0 = off)
type Config struct {
	D         int       // model width; multiple of HeadSize
	Layers    int       // number of RWKV-7 blocks
	HeadSize  int       // time-mix head size N (16)
	FFN       int       // channel-mix hidden width per token (MoE: split between shared and expert)
	HiRA      int       // HiRA rank factor r (branch width r·In); 0 disables HiRA
	Vocab     VocabMode // part 1
	TextVocab int       // text tokenizer size (256 = bytes)
	Switching bool      // part 2
	MoE       bool      // part 3
}

// DefaultConfig returns the full DualComp configuration for width d.
func DefaultConfig(d, layers int) Config {
	return Config{D: d, Layers: layers, HeadSize: 16, FFN: 4 * d, HiRA: 4,
		Vocab: VocabUnified, TextVocab: 256, Switching: true, MoE: true}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	switch {
	case c.HeadSize <= 0 || c.HeadSize > 64 || c.D <= 0 || c.D%c.HeadSize != 0:
		return fmt.Errorf("model: width %d must be a positive multiple of head size %d", c.D, c.HeadSize)
	case c.Layers <= 0 || c.Layers > 64:
		return fmt.Errorf("model: bad layer count %d", c.Layers)
	case c.FFN <= 0 || (c.MoE && c.FFN < 2):
		return fmt.Errorf("model: bad FFN width %d", c.FFN)
	case c.HiRA < 0 || c.HiRA > 64:
		return fmt.Errorf("model: bad HiRA factor %d", c.HiRA)
	case c.D > 1<<14 || c.FFN > 1<<16:
		return fmt.Errorf("model: width too large")
	}
	if _, err := NewVocab(c.Vocab, c.TextVocab); err != nil {
		return err
	}
	return nil
}

// Heads is the number of time-mix heads.
func (c Config) Heads() int { return c.D / c.HeadSize }

// TimeMixSets is the number of per-modality time-mix parameter sets.
func (c Config) TimeMixSets() int {
	if c.Switching {
		return NumModalities
	}
	return 1
}

// FFNWidths returns the hidden width of the shared FFN and of each modality
// expert (0 when MoE is off). The split keeps per-token compute equal.
func (c Config) FFNWidths() (shared, expert int) {
	if !c.MoE {
		return c.FFN, 0
	}
	return c.FFN / 2, c.FFN - c.FFN/2
}

func (c Config) String() string {
	return fmt.Sprintf("d=%d layers=%d head=%d ffn=%d hira=%d vocab=%s text=%d switching=%v moe=%v",
		c.D, c.Layers, c.HeadSize, c.FFN, c.HiRA, c.Vocab, c.TextVocab, c.Switching, c.MoE)
}
