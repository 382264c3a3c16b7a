package bitcm

import "github.com/dcar-archiver/dcar/model/logistic"

// Probabilities inside the model are 12-bit (1..4095 = P(bit=1)*4096);
// the mixer works on their logits ("stretch" domain), integers in
// [-2047, 2047] = ln(p/(1-p)) in units of 1/256 (package logistic).

// wideMax bounds the logit of a wide mixer (±16 in units of 1/256).
const wideMax = logistic.WideMax

func squash16(x int32) int32 { return logistic.Squash16(x) }
func squash(x int32) int32   { return logistic.Squash(x) }
func stretch(p int32) int32  { return logistic.Stretch(p) }
