package bitcm

import (
	"sync"
	"unsafe"
)

// hugePage is the size of a transparent huge page on the platforms that
// have them (x86-64 and arm64 Linux with 4 KiB base pages).
const hugePage = 2 << 20

// allocTables returns n zeroed tables of size nodes each, carved from one
// allocation whose large middle part is aligned to hugePage and, where
// the system allows, backed by huge pages (adviseHuge). The tables are
// touched in random order as a segment is coded, so with 4 KiB pages
// every new page is a fault and most loads a TLB miss: huge pages take
// about 13-25 % off the text model's CPU time. Only placement changes;
// the contents, and so the coded bits, are the same. On 32-bit
// platforms each table is allocated apart.
//
// The returned buffer, if not nil, holds all the tables; freeTables
// hands it to the next model once its own is done with it.
func allocTables(n, size int) ([][]node, *[]node) {
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = size
	}
	return allocTablesOf(sizes)
}

// allocTablesOf is allocTables for tables of the given sizes.
func allocTablesOf(sizes []int) ([][]node, *[]node) {
	t := make([][]node, len(sizes))
	if unsafe.Sizeof(uintptr(0)) < 8 {
		// A 32-bit address space may have room for the tables
		// apart but not together.
		for i := range t {
			t[i] = make([]node, sizes[i])
		}
		return t, nil
	}
	total := 0
	for _, n := range sizes {
		total += n
	}
	var buf *[]node
	if total >= poolMin {
		buf = reuseTables(total)
	}
	if buf == nil {
		buf = hugeAligned(total)
	}
	b := *buf
	off := 0
	for i, n := range sizes {
		t[i] = b[off : off+n : off+n]
		off += n
	}
	return t, buf
}

// hugeAligned returns a zeroed buffer of total nodes aligned to hugePage
// and advised to be backed by huge pages.
func hugeAligned(total int) *[]node {
	const per = hugePage / int(unsafe.Sizeof(node(0)))
	buf := make([]node, total+per)
	// Skip to the first huge-page boundary.
	off := 0
	if a := uintptr(unsafe.Pointer(&buf[0])) % hugePage; a != 0 {
		off = int((hugePage - a) / unsafe.Sizeof(node(0)))
	}
	buf = buf[off : off+total]
	if total >= per {
		adviseHuge(unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), total*int(unsafe.Sizeof(node(0)))))
	}
	return &buf
}

// tablePool keeps the table buffers of finished models (*[]node) for
// the next models. A fresh buffer's pages are faulted in and zeroed by
// the kernel as the model first touches them, which on this project's
// test machines (virtual machines) cost 10-15 % of the text model's CPU
// time; clearing a buffer that is already mapped costs a few percent.
// The pool drops buffers at garbage collections like any sync.Pool.
// Buffers of fewer than poolMin nodes (16 MiB) are neither pooled nor
// taken from the pool: their faults cost little, and a small model
// should not hold a large buffer that a large one then has to allocate
// again.
var tablePool sync.Pool

const poolMin = 4 << 20

// reuseTables returns a pooled buffer of at least total nodes, its first
// total cleared, or nil. A smaller buffer is dropped.
func reuseTables(total int) *[]node {
	for {
		v := tablePool.Get()
		if v == nil {
			return nil
		}
		b := v.(*[]node)
		if cap(*b) < total {
			continue
		}
		*b = (*b)[:total]
		clear(*b)
		return b
	}
}

// freeTables hands a buffer from allocTables (nil: nothing) to later
// models; the caller's tables must not be used after.
func freeTables(b *[]node) {
	if b != nil && cap(*b) >= poolMin {
		*b = (*b)[:cap(*b)]
		tablePool.Put(b)
	}
}

// prefetchInt32 is prefetch for an entry of an int32 table (the match
// model's).
func prefetchInt32(p *int32) { prefetch((*node)(unsafe.Pointer(p))) }

// prefetch16 is prefetch for an entry of a uint16 table (an APM's).
func prefetch16(p *uint16) { prefetch((*node)(unsafe.Pointer(p))) }
