package archive

import "sync"

// jobQueue hands blocks to the coders, largest first. Blocks are written
// in order whatever order they are coded in, so the archive's bytes do
// not depend on it; the order only decides how well the coders share
// the work: when a folder ends with a few large files (a photo, a
// text of several MiB: one block each, each coded on one core), taking
// the largest waiting block first keeps both cores busy to the end
// instead of leaving one idle while the other codes the last large
// block alone (longest processing time first). Like the channel it
// replaces it holds at most max blocks, so memory stays bounded.
type jobQueue struct {
	mu       sync.Mutex
	nonEmpty sync.Cond
	nonFull  sync.Cond
	jobs     []*blockJob
	max      int
	closed   bool
}

func newJobQueue(max int) *jobQueue {
	q := &jobQueue{max: max}
	q.nonEmpty.L = &q.mu
	q.nonFull.L = &q.mu
	return q
}

// push waits for room and queues j.
func (q *jobQueue) push(j *blockJob) {
	q.mu.Lock()
	for len(q.jobs) >= q.max {
		q.nonFull.Wait()
	}
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
	q.nonEmpty.Signal()
}

// pop waits for a block and returns the largest queued (the earliest of
// equals), or nil once the queue is closed and empty.
func (q *jobQueue) pop() *blockJob {
	q.mu.Lock()
	for len(q.jobs) == 0 && !q.closed {
		q.nonEmpty.Wait()
	}
	if len(q.jobs) == 0 {
		q.mu.Unlock()
		return nil
	}
	k := 0
	for i, j := range q.jobs {
		if j.n > q.jobs[k].n {
			k = i
		}
	}
	j := q.jobs[k]
	q.jobs = append(q.jobs[:k], q.jobs[k+1:]...)
	q.mu.Unlock()
	q.nonFull.Signal()
	return j
}

// close wakes the coders waiting in pop: they drain what is queued and
// stop.
func (q *jobQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}
