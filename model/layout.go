package model

import "fmt"

// Tensor describes one named float32 tensor inside a flat parameter buffer.
type Tensor struct {
	Name  string
	Shape []int
	Off   int // offset in float32 elements into the flat buffer
	Size  int // number of elements
}

// visitFn is called once per tensor of a parameter struct, in a fixed order.
// ptr points at the struct field that holds the tensor's view.
type visitFn func(name string, shape []int, ptr *[]float32)

// Layout is the ordered list of tensors of a model and the total size of the
// flat buffer that holds them.
type Layout struct {
	Tensors []Tensor
	Total   int
	index   map[string]int
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// layoutOf runs visit once to record names, shapes and offsets.
func layoutOf(visit func(visitFn)) *Layout {
	l := &Layout{index: map[string]int{}}
	visit(func(name string, shape []int, _ *[]float32) {
		if _, dup := l.index[name]; dup {
			panic("model: duplicate tensor name " + name)
		}
		n := numel(shape)
		l.index[name] = len(l.Tensors)
		l.Tensors = append(l.Tensors, Tensor{Name: name, Shape: append([]int(nil), shape...), Off: l.Total, Size: n})
		l.Total += n
	})
	return l
}

// bind points every field visited by visit at its slice of buf.
func bind(visit func(visitFn), buf []float32) {
	off := 0
	visit(func(name string, shape []int, ptr *[]float32) {
		n := numel(shape)
		*ptr = buf[off : off+n : off+n]
		off += n
	})
	if off != len(buf) {
		panic(fmt.Sprintf("model: bind: layout uses %d floats, buffer has %d", off, len(buf)))
	}
}

// Lookup returns the tensor with the given name.
func (l *Layout) Lookup(name string) (Tensor, bool) {
	i, ok := l.index[name]
	if !ok {
		return Tensor{}, false
	}
	return l.Tensors[i], true
}

// View returns the slice of buf that holds the named tensor.
func (l *Layout) View(buf []float32, name string) []float32 {
	t, ok := l.Lookup(name)
	if !ok {
		panic("model: no tensor " + name)
	}
	return buf[t.Off : t.Off+t.Size]
}
