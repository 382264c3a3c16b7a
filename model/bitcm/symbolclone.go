package bitcm

import "github.com/dcar-archiver/dcar/internal/cacheline"

// Clone returns a model in m's state with tables of its own, so that one
// model primed on sample symbols can start many codings. m must be
// between symbols (after a symbol's eighth Update, or fresh).
func (m *SymbolModel) Clone() *SymbolModel {
	c := cacheline.New[SymbolModel]()
	*c = *m
	sizes := make([]int, len(m.tabs))
	for i, t := range m.tabs {
		sizes[i] = len(t)
	}
	c.tabs, c.buf = allocTablesOf(sizes)
	for i, t := range m.tabs {
		copy(c.tabs[i], t)
	}
	c.line = cloneLine(m.line)
	c.heads = cloneLine(m.heads)
	c.hash = cloneLine(m.hash)
	c.hms = cloneLine(m.hms)
	c.o0 = cloneLine(m.o0)
	c.mixers = m.mixers.clone()
	c.final = m.final.clone()
	c.nodes = cacheline.Make[*node](cap(m.nodes))[:0] // pointers into m's tables: predict sets them
	c.prior = nil
	return c
}

// Release hands m's tables to the next model that needs tables of their
// size; m must not be used after it.
func (m *SymbolModel) Release() {
	freeTables(m.buf)
	m.buf, m.tabs = nil, nil
}
