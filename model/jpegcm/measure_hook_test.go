package jpegcm

func init() { bitCost = bitCostTest; report = (*Model).reportTest }

func (m *Model) reportTest() {
	lastCosts = map[string]float64{"nz": m.nzM.cost, "zero": m.zM.cost, "exp": m.eM.cost, "sign": m.sM.cost, "mant": m.mM.cost, "dc": m.dcM.cost, "e-zero": m.ezM.cost, "e-exp": m.eeM.cost, "e-mant": m.emM.cost, "e-sign": m.esM.cost}
}
