package archive

import "sync"

// lookahead is how many raw bytes of blocks the Writer reads ahead of
// its coders (beyond one block per coder) and the Reader decodes ahead
// of its consumer. Blocks are coded largest first (jobQueue), so the
// further ahead the queue sees, the better the cores share the work: a
// folder whose largest file comes last (a text of several MiB, a photo)
// has it coded from the start, beside the small ones, instead of alone
// at the end while the other cores idle. 64 MiB is 16 default blocks:
// little beside the models' own memory (a text model's tables are
// several hundred MiB per coder).
var lookahead = 64 << 20 // a variable for tests

// jobQueue hands jobs to the coders, largest first. Blocks are written
// (and delivered) in order whatever order they are coded in, so the
// archive's bytes do not depend on it; the order only decides how well
// the coders share the work (longest processing time first). It does
// not bound what it holds: its producer does (byteBudget).
type jobQueue[J any] struct {
	mu       sync.Mutex
	nonEmpty sync.Cond
	jobs     []J
	sizes    []int
	closed   bool
}

func newJobQueue[J any]() *jobQueue[J] {
	q := &jobQueue[J]{}
	q.nonEmpty.L = &q.mu
	return q
}

// push queues j, of size n; after discard it drops j.
func (q *jobQueue[J]) push(j J, n int) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.jobs = append(q.jobs, j)
	q.sizes = append(q.sizes, n)
	q.mu.Unlock()
	q.nonEmpty.Signal()
}

// pop waits for a job and returns the largest queued (the earliest of
// equals); ok is false once the queue is closed and empty.
func (q *jobQueue[J]) pop() (j J, ok bool) {
	q.mu.Lock()
	for len(q.jobs) == 0 && !q.closed {
		q.nonEmpty.Wait()
	}
	if len(q.jobs) == 0 {
		q.mu.Unlock()
		return j, false
	}
	k := 0
	for i, n := range q.sizes {
		if n > q.sizes[k] {
			k = i
		}
	}
	j = q.jobs[k]
	q.jobs = append(q.jobs[:k], q.jobs[k+1:]...)
	q.sizes = append(q.sizes[:k], q.sizes[k+1:]...)
	q.mu.Unlock()
	return j, true
}

// close wakes the coders waiting in pop: they drain what is queued and
// stop.
func (q *jobQueue[J]) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// discard drops every queued job and closes the queue: the coders stop
// after the jobs they hold.
func (q *jobQueue[J]) discard() {
	q.mu.Lock()
	clear(q.jobs)
	q.jobs, q.sizes = q.jobs[:0], q.sizes[:0]
	q.closed = true
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// byteBudget bounds the raw bytes of blocks in flight between a
// producer and its consumers (the Writer's reading and its coders and
// hasher; the Reader's dispatching and its Read/Next): acquire waits
// until n more fit (one block always fits when none is in flight),
// release returns them. stop wakes every waiter for good.
type byteBudget struct {
	mu      sync.Mutex
	room    sync.Cond
	used    int
	max     int
	stopped bool
}

func newByteBudget(max int) *byteBudget {
	b := &byteBudget{max: max}
	b.room.L = &b.mu
	return b
}

// acquire waits until n bytes fit and takes them; it reports false if
// the budget was stopped instead.
func (b *byteBudget) acquire(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+n > b.max && !b.stopped {
		b.room.Wait()
	}
	if b.stopped {
		return false
	}
	b.used += n
	return true
}

func (b *byteBudget) release(n int) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.room.Broadcast()
}

func (b *byteBudget) stop() {
	b.mu.Lock()
	b.stopped = true
	b.mu.Unlock()
	b.room.Broadcast()
}
