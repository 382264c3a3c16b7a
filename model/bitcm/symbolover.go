package bitcm

// NewSymbolModelOver returns a model for about n symbols that starts
// from base's state: a primed model (one that has read sample symbols)
// shared read-only by many models at once. The new model takes base's
// mixers, history maps, order-0 table and symbol count, and has hashed
// tables of its own, sized for n as NewSymbolModel sizes them, over
// base's: a line its own tables do not hold is taken from base's
// tables when they hold it (a copy, which the new model then updates),
// else started fresh. So a model over a large primed one costs its own
// size, not a copy of base's tables. base must be between symbols and
// have nctx contexts; it must not change while models over it run.
func NewSymbolModelOver(n int, base *SymbolModel) *SymbolModel {
	m := NewSymbolModel(n, base.nctx, base.cfg)
	m.base = base
	copy(m.hms, base.hms)
	copy(m.o0, base.o0)
	for j := range m.mixers.w {
		copy(m.mixers.w[j], base.mixers.w[j])
	}
	m.mixers.lr16 = base.mixers.lr16
	copy(m.final.w, base.final.w)
	m.final.lr16 = base.final.lr16
	if m.n = base.n; m.n > 0 {
		m.schedule()
	}
	return m
}

// fetch copies into dst the line of context i for hash k (checksum chk)
// from m's tables, and reports whether m has it.
func (m *SymbolModel) fetch(i int, k, chk uint32, dst []node) bool {
	a := int((k & (uint32(1)<<m.tbits - 1) &^ 1) * lineLen)
	t := m.tabs[i]
	switch {
	case t[a]>>16 == chk:
	case t[a+lineLen]>>16 == chk:
		a += lineLen
	default:
		return false
	}
	copy(dst, t[a:a+lineLen])
	return true
}

// Release hands m's tables to the next model that needs tables of their
// size; m must not be used after it.
func (m *SymbolModel) Release() {
	freeTables(m.buf)
	m.buf, m.tabs = nil, nil
}
