package archive

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
)

// settle waits until count stops changing (50 ms without a change).
func settle(count func() int64) {
	for last := int64(-1); ; last = count() {
		time.Sleep(50 * time.Millisecond)
		if count() == last {
			return
		}
	}
}

// waits reports whether f blocks for a while (and leaves it running).
func waits(f func()) (done chan struct{}, blocked bool) {
	done = make(chan struct{})
	go func() {
		f()
		close(done)
	}()
	select {
	case <-done:
		return done, false
	case <-time.After(20 * time.Millisecond):
		return done, true
	}
}

// The queue hands out the largest waiting job first (the earliest of
// equals), also among jobs pushed after a pop, and after close drains
// what is left.
func TestJobQueue(t *testing.T) {
	q := newJobQueue[string]()
	for i, n := range []int{10, 40, 20, 40, 30} {
		q.push(string(rune('a'+i)), n)
	}
	var got string
	j, _ := q.pop() // b (40, earlier than d)
	got += j
	q.push("f", 50)
	q.close()
	for j, ok := q.pop(); ok; j, ok = q.pop() {
		got += j
	}
	if want := "bfdeca"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

// Coders blocked in pop all return once the queue is closed; discard
// drops what is queued, and later pushes.
func TestJobQueueClose(t *testing.T) {
	q := newJobQueue[int]()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if j, ok := q.pop(); ok {
				t.Errorf("pop on an empty closed queue = %v", j)
			}
		}()
	}
	time.Sleep(10 * time.Millisecond)
	q.close()
	wg.Wait()

	q = newJobQueue[int]()
	q.push(1, 5)
	q.discard()
	q.push(2, 5)
	if j, ok := q.pop(); ok {
		t.Errorf("pop after discard = %v", j)
	}
}

// The budget lets one job of any size in when none is held, waits while
// the next does not fit, and stop wakes the waiter with false.
func TestByteBudget(t *testing.T) {
	b := newByteBudget(100)
	if !b.acquire(500) {
		t.Fatal("first acquire failed")
	}
	var ok bool
	done, blocked := waits(func() { ok = b.acquire(10) })
	if !blocked {
		t.Fatal("acquire over the budget did not wait")
	}
	b.release(500)
	<-done
	if !ok {
		t.Fatal("acquire after release failed")
	}
	done, blocked = waits(func() { ok = b.acquire(95) })
	if !blocked {
		t.Fatal("acquire over the budget did not wait")
	}
	b.stop()
	<-done
	if ok {
		t.Fatal("acquire after stop succeeded")
	}
}

// The Reader decodes ahead of its consumer only up to lookahead bytes of
// blocks, and delivers every block in order.
func TestReaderLookahead(t *testing.T) {
	defer func(n int) { lookahead = n }(lookahead)
	lookahead = 10 * 4096
	data := make([]byte, 200*4096)
	for i := range data {
		data[i] = byte(i*i>>7 ^ i>>3)
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{Jobs: 2, BlockSize: 4096, NoModel: true})
	h := &format.Header{Path: "f", Type: format.TypeRegular, Mode: 0o644, ModTime: time.Unix(1_700_000_000, 0), Size: int64(len(data))}
	if err := w.WriteEntry(h, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before := blocksDecoded.Load()
	r, err := NewReader(bytes.NewReader(buf.Bytes()), ReaderOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	settle(func() int64 { return blocksDecoded.Load() }) // the decoders run as far ahead as they may
	if n := blocksDecoded.Load() - before; n > 10 {
		t.Errorf("%d blocks of 4096 bytes decoded ahead of the reader, want at most 10 (lookahead %d)", n, lookahead)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("content: %d bytes, %v", len(got), err)
	}
}

// The Writer reads ahead of its coders only up to lookahead bytes of
// blocks beyond one per coder, and writes every block in order.
func TestWriterLookahead(t *testing.T) {
	defer func(n int) { lookahead = n }(lookahead)
	lookahead = 10 * 4096
	hold := make(chan struct{})
	testHookCode = func() { <-hold }
	defer func() { testHookCode = nil }()
	data := make([]byte, 200*4096)
	for i := range data {
		data[i] = byte(i*i>>7 ^ i>>3)
	}
	var buf bytes.Buffer
	// KeepCodec: the entry streams from the reader (no spooling for
	// dedup or planning).
	w := NewWriter(&buf, WriterOptions{Jobs: 2, BlockSize: 4096, KeepCodec: true})
	h := &format.Header{Path: "f", Type: format.TypeRegular, Mode: 0o644, ModTime: time.Unix(1_700_000_000, 0), Size: int64(len(data)), Codec: format.CodecZstd}
	var read atomic.Int64
	var n int64
	cr := &countingReader{r: bytes.NewReader(data), n: &n, f: func(n int64) { read.Store(n) }}
	done := make(chan error, 1)
	go func() { done <- w.WriteEntry(h, cr) }()
	settle(read.Load) // the reading runs as far ahead as it may
	if n := read.Load(); n > 12*4096 {
		t.Errorf("%d bytes read ahead of 2 held coders, want at most %d (lookahead %d + a block per coder)", n, 12*4096, lookahead)
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()), ReaderOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("content: %d bytes, %v", len(got), err)
	}
}
