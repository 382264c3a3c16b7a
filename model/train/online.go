package train

import (
	"math"

	"github.com/dcar-archiver/dcar/model"
)

// EvaluateOnline measures (float, cross-entropy only) the effect of
// adapting the head online while coding: after each sample the head's
// bias (lrBias) and matrix (lrHead) take one SGD step on that sample's
// log-loss, starting from the trained values for every set. It returns
// the total bits. An experiment for the integer codec's design.
func (n *Net) EvaluateOnline(s *Set, t int, lrBias, lrHead float64) float64 {
	st := n.NewStepper()
	W3 := append([]float32(nil), n.W3...)
	B3 := append([]float32(nil), n.B3...)
	H := n.Cfg.H
	var delta, dz [256]float32
	var do [model.NOut]float32
	var tot float64
	for _, c := range Chunks(s, t) {
		st.Reset()
		for i := c[0]; i < c[0]+c[1]; i++ {
			feat := s.Feat[i*model.NF : (i+1)*model.NF]
			aux := s.Aux[i*NAux : (i+1)*NAux]
			st.DeltaHead(delta[:], feat, aux, W3, B3)
			nll := lossRow(dz[:], delta[:], s.Bias[i*256:(i+1)*256], int(s.Tgt[i]), true)
			tot += nll / math.Ln2
			clear(do[:])
			renderBack(do[:], dz[:], aux)
			for k := 0; k < model.NOut; k++ {
				g := do[k]
				B3[k] -= float32(lrBias) * g
				if lrHead != 0 {
					row := W3[k*H : (k+1)*H]
					f := float32(lrHead) * g
					for j, h := range st.h2 {
						row[j] -= f * h
					}
				}
			}
		}
	}
	return tot
}
