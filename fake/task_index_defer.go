package fake

// Filing tasks in the index lists waits for a reader. The lists
// (task_index.go) are read only by ListTasks and the storage check; a task
// created, or asked to stop, waits in its cluster's filing queue until one
// of them reads, and is then filed under its desired status of that time.
// A crash loop creates a task every few virtual seconds, asks it to stop a
// minute later and forgets it an hour after that, and nobody lists its
// tasks meanwhile: filing each in five lists under RUNNING, moving it to
// five under STOPPED and taking it out of those an hour later, when that
// memory was cold, was a fifth of a task's life (issue #17 item 3). The
// lists a reader sees are the same either way: a list holds its tasks in
// creation order (seq), whatever order they were filed in, and a task
// leaves its lists (reindexTaskLocked, unindexTaskLocked) as soon as it
// must not be listed there any more.
//
// The queue stays bounded when nobody ever lists: it holds each task at
// most once, the tasks to be filed are tasks the cluster remembers
// (bounded by retention), and entries not to be filed are dropped from
// the front at once or all together once they are half of the queue
// (fileOffLocked), so it holds at most twice the tasks the cluster
// remembers. The cost: a forgotten task whose entry is not yet dropped is
// not reused (task_alloc.go reusable) but left to the collector.

// filingState is where a task stands in its cluster's filing queue.
type filingState uint8

const (
	// notFiling: the queue does not hold the task.
	notFiling filingState = iota
	// toFile: the queue holds the task, to be filed under its desired
	// status when a reader needs the lists.
	toFile
	// filedOff: the queue still holds the task, which was unindexed
	// meanwhile (forgotten or orphaned): it is not to be filed.
	filedOff
)

// filingQueue holds a cluster's tasks waiting to be filed.
type filingQueue struct {
	tasks []*task // in the order they were queued
	arr   []*task // the whole array tasks lies in (appendWindow)
	dead  int     // tasks filedOff
}

// deferFilingLocked queues t, in no list, for filing.
func (c *cluster) deferFilingLocked(t *task) {
	q := &c.filing
	q.tasks, q.arr = appendWindow(q.tasks, q.arr, t, 16)
	t.filing = toFile
}

// fileDeferredLocked files every task of c waiting to be filed, under its
// desired status: callers that read c.taskIndex call it first.
func (e *ECS) fileDeferredLocked(c *cluster) {
	q := &c.filing
	for i, t := range q.tasks {
		if t.filing == toFile {
			e.fileNowLocked(t)
		}
		t.filing = notFiling
		q.tasks[i] = nil
	}
	q.tasks = q.tasks[:0]
	q.dead = 0
}

// fileOffLocked marks t, which the queue holds, not to be filed (it is
// being unindexed), and lets the queue drop its oldest entries that are
// not to be filed, or all of them once they are half of it: a dropped task
// is notFiling again (task_alloc.go reuses its storage only then).
func (c *cluster) fileOffLocked(t *task) {
	q := &c.filing
	t.filing = filedOff
	q.dead++
	for len(q.tasks) > 0 && q.tasks[0].filing == filedOff {
		q.tasks[0].filing = notFiling
		q.tasks[0] = nil
		q.tasks = q.tasks[1:]
		q.dead--
	}
	if q.dead*2 > len(q.tasks) {
		kept := q.tasks[:0]
		for _, x := range q.tasks {
			if x.filing == filedOff {
				x.filing = notFiling
				continue
			}
			kept = append(kept, x)
		}
		clear(q.tasks[len(kept):])
		q.tasks = kept
		q.dead = 0
	}
}
