package jpegcm

func init() { bitCost = bitCostTest; report = (*Model).reportTest }

func (m *Model) reportTest() {
	lastCosts = map[string]float64{"nz": m.nzM.Cost, "zero": m.zM.Cost, "exp": m.eM.Cost, "sign": m.sM.Cost, "mant": m.mM.Cost, "dc": m.dcM.Cost, "e-zero": m.ezM.Cost, "e-exp": m.eeM.Cost, "e-mant": m.emM.Cost, "e-sign": m.esM.Cost}
}
