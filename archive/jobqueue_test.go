package archive

import (
	"sync"
	"testing"
	"time"
)

// The queue hands out the largest waiting block first (the earliest of
// equals), holds at most max, and after close drains what is left.
func TestJobQueue(t *testing.T) {
	q := newJobQueue(4)
	for i, n := range []int{10, 40, 20, 40} {
		q.push(&blockJob{n: n, path: string(rune('a' + i))})
	}
	pushed := make(chan struct{})
	go func() {
		q.push(&blockJob{n: 30, path: "e"}) // waits for room
		close(pushed)
	}()
	select {
	case <-pushed:
		t.Fatal("push into a full queue did not wait")
	case <-time.After(20 * time.Millisecond):
	}
	var got string
	got += q.pop().path // b (40, earlier than d)
	<-pushed
	q.close()
	for j := q.pop(); j != nil; j = q.pop() {
		got += j.path
	}
	if want := "bdeca"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

// Coders blocked in pop all return once the queue is closed.
func TestJobQueueClose(t *testing.T) {
	q := newJobQueue(2)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if j := q.pop(); j != nil {
				t.Errorf("pop on an empty closed queue = %v", j)
			}
		}()
	}
	time.Sleep(10 * time.Millisecond)
	q.close()
	wg.Wait()
}
