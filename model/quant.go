package model

import "math"

// FakeQuantInt8 rounds every matrix (2-D tensor) of m to symmetric int8 with
// one scale per row (scale = max|row|/127) and back to float32, in place,
// then re-merges. It measures what int8 weights cost in bits before an
// integer inference path exists; activations stay float. The embedding is
// included when withEmb is set. Returns the number of tensors quantised.
func FakeQuantInt8(m *Model, withEmb bool) int {
	n := 0
	for _, t := range m.Layout.Tensors {
		if len(t.Shape) != 2 || (t.Name == "emb" && !withEmb) {
			continue
		}
		rows, cols := t.Shape[0], t.Shape[1]
		w := m.Data[t.Off : t.Off+t.Size]
		for r := 0; r < rows; r++ {
			row := w[r*cols : (r+1)*cols]
			var mx float32
			for _, v := range row {
				mx = max(mx, float32(math.Abs(float64(v))))
			}
			if mx == 0 {
				continue
			}
			s := mx / 127
			for i, v := range row {
				row[i] = float32(math.Round(float64(v/s))) * s
			}
		}
		n++
	}
	m.Prepare(&GoMatMul{})
	return n
}
