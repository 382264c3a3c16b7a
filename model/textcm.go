package model

import (
	_ "embed"
	"math"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

// The text network inside the context-mixing model (codec model-text,
// version 2): bitcm's text model (version 6, bitcm.Text6ConfigCold;
// before it versions 4, 3 and 2) codes every binary decision, and the text network's distribution of each byte is one
// more input of its mixers (bitcm.Prior), with its own probability map
// and its confidence selecting mixer weights. The bitcm model with a
// prior has its own warm start, trained with the network it was trained
// beside; both are named by the codec's parameters.

// textPrior drives a textPredictor as a bitcm.Prior.
type textPrior struct {
	p  *textPredictor
	ft coder.FreqTable
	lg [256]int32
}

func (t *textPrior) Next() *coder.FreqTable {
	t.p.Logits(t.lg[:])
	if err := t.ft.SetLogits(t.lg[:], totalBits); err != nil {
		// SetLogits fails only for a table size out of range.
		panic(err)
	}
	return &t.ft
}

func (t *textPrior) Update(b byte) { t.p.Update(b, &t.ft) }

// TextPrior returns the text network q as a bitcm.Prior for a segment
// of n bytes. Unlike model-text version 1, its recurrent state runs
// through the whole segment instead of restarting every q.Seq bytes as
// in training: 0.66 % smaller on the text hold-out (4 novels,
// server.go, proc.go: 282,850 → 280,979 bytes; restarting every 512
// bytes 281,538).
func (q *QNet) TextPrior(n int) (bitcm.Prior, error) {
	p, err := q.newTextPredictor(n)
	if err != nil {
		return nil, err
	}
	p.seq = math.MaxInt
	return &textPrior{p: p}, nil
}

// EncodeTextCM codes a text segment with bitcm's byte model (cfg) whose
// mixers also take the text network q's prediction.
func (q *QNet) EncodeTextCM(src []byte, cfg bitcm.Config) ([]byte, error) {
	p, err := q.TextPrior(len(src))
	if err != nil {
		return nil, err
	}
	return bitcm.EncodePrior(src, cfg, p)
}

// DecodeTextCM decodes len(dst) bytes coded by EncodeTextCM into dst.
func (q *QNet) DecodeTextCM(dst, data []byte, cfg bitcm.Config) ([]byte, error) {
	p, err := q.TextPrior(len(dst))
	if err != nil {
		return nil, err
	}
	return bitcm.DecodePriorTo(dst, data, cfg, p)
}

// textCMWarm is the warm start of bitcm.TextConfigCold with the default
// network's text modality as its prior (dcartrain -warm-text-prior).
//
//go:embed weights/uni96b-a.textcm.dcwarm.zst
var textCMWarm []byte

// TextCMConfig returns the bitcm configuration (with its warm start)
// that model-text version 2 used first beside the default network's
// text modality: the version 2 text model.
func TextCMConfig() (bitcm.Config, error) { return textCMConfig() }

var textCMConfig = bitcm.EmbeddedConfig("model-text", bitcm.TextConfigCold(), textCMWarm)

// textCM3Warm is the warm start of bitcm.Text3ConfigCold with the
// default network's text modality as its prior (dcartrain
// -warm-text-prior).
//
//go:embed weights/uni96b-a.textcm3.dcwarm.zst
var textCM3Warm []byte

// TextCM3Config returns the bitcm configuration (with its warm start)
// that model-text version 2 wrote second beside the default network's
// text modality: the version 3 text model.
func TextCM3Config() (bitcm.Config, error) { return textCM3Config() }

var textCM3Config = bitcm.EmbeddedConfig("model-text (text model 3)", bitcm.Text3ConfigCold(), textCM3Warm)

// textCM4Warm is the warm start of bitcm.Text4ConfigCold with the
// default network's text modality as its prior (dcartrain
// -warm-text-prior).
//
//go:embed weights/uni96b-a.textcm4.dcwarm.zst
var textCM4Warm []byte

// TextCM4Config returns the bitcm configuration (with its warm start)
// that model-text version 2 wrote fourth beside the default network's text
// modality: the version 4 text model, whose prior probability of each
// decision is the network's mass of one child's subtree of the code
// tree over the node's.
func TextCM4Config() (bitcm.Config, error) { return textCM4Config() }

var textCM4Config = bitcm.EmbeddedConfig("model-text (text model 4)", bitcm.Text4ConfigCold(), textCM4Warm)

// textCM6Warm is the warm start of bitcm.Text6ConfigCold with the
// default network's text modality as its prior (dcartrain
// -warm-text-prior -warm-text-version 6).
//
//go:embed weights/uni96b-a.textcm6.dcwarm.zst
var textCM6Warm []byte

// TextCM6Config returns the bitcm configuration (with its warm start)
// that model-text version 2 wrote fifth beside the default network's
// text modality: the version 6 text model, which reads the text's word code
// while the network reads the text (bitcm spreads the network's
// distribution of the next text byte over the word code's bytes).
func TextCM6Config() (bitcm.Config, error) { return textCM6Config() }

var textCM6Config = bitcm.EmbeddedConfig("model-text (text model 6)", bitcm.Text6ConfigCold(), textCM6Warm)

// textCM7Warm is the warm start of bitcm.Text7ConfigCold with the
// default network's text modality as its prior (dcartrain
// -warm-text-prior -warm-text-version 7).
//
//go:embed weights/uni96b-a.textcm7.dcwarm.zst
var textCM7Warm []byte

// TextCM7Config returns the bitcm configuration (with its warm start)
// that model-text version 2 wrote sixth beside the default network's text
// modality: the version 7 text model (the word code, each transform
// byte as its code in transformTree) with the network reading the text.
func TextCM7Config() (bitcm.Config, error) { return textCM7Config() }

var textCM7Config = bitcm.EmbeddedConfig("model-text (text model 7)", bitcm.Text7ConfigCold(), textCM7Warm)

// textCM8Warm is the warm start of bitcm.Text8ConfigCold with the
// default network's text modality as its prior (dcartrain
// -warm-text-prior -warm-text-version 8).
//
//go:embed weights/uni96b-a.textcm8.dcwarm.zst
var textCM8Warm []byte

// TextCM8Config returns the bitcm configuration (with its warm start)
// that model-text version 2 writes beside the default network's text
// modality: the version 8 text model (version 7 with history maps per
// decision depth and a last probability map over an order-3 hash) with
// the network reading the text.
func TextCM8Config() (bitcm.Config, error) { return textCM8Config() }

var textCM8Config = bitcm.EmbeddedConfig("model-text (text model 8)", bitcm.Text8ConfigCold(), textCM8Warm)
