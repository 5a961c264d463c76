package fake

// Filing stopped tasks waits for a reader. A task asked to stop leaves
// its lists under desired status RUNNING at once (ListTasks must not show
// it there), but its lists under STOPPED are read only by ListTasks
// desiredStatus=STOPPED and the storage checks: until one of them reads,
// the task waits in its cluster's stopFiling, in the order the tasks were
// asked to stop. A crash loop asks a task to stop every few virtual
// seconds and forgets it an hour later, and nobody lists them in between:
// filing each in its five STOPPED lists and taking it out of them an hour
// later, when that memory is cold, was a tenth of a task's life (issue #17
// item 3). The lists a reader sees are the same either way: a list holds
// its tasks in creation order (seq), whatever order they were filed in.

// filingState is where a task stands in its cluster's stopFiling.
type filingState uint8

const (
	// notFiling: stopFiling does not hold the task.
	notFiling filingState = iota
	// toFile: stopFiling holds the task, to be filed under STOPPED.
	toFile
	// filedOff: stopFiling still holds the task, which was unindexed
	// meanwhile (forgotten or orphaned): it is not to be filed.
	filedOff
)

// stopFiling holds a cluster's tasks waiting to be filed under STOPPED.
type stopFiling struct {
	tasks []*task // in the order they were asked to stop
	arr   []*task // the whole array tasks lies in (appendWindow)
	dead  int     // tasks filedOff
}

// deferStopFilingLocked queues t, just taken off its lists under RUNNING,
// for filing under STOPPED.
func (c *cluster) deferStopFilingLocked(t *task) {
	f := &c.stopFiling
	f.tasks, f.arr = appendWindow(f.tasks, f.arr, t, 16)
	t.filing = toFile
}

// fileStoppedLocked files every task of c waiting in stopFiling under its
// lists under STOPPED: callers that read c.taskIndex call it first.
func (e *ECS) fileStoppedLocked(c *cluster) {
	f := &c.stopFiling
	for i, t := range f.tasks {
		if t.filing == toFile {
			e.indexTaskLocked(t) // under t.desiredStatus, STOPPED
		}
		t.filing = notFiling
		f.tasks[i] = nil
	}
	f.tasks = f.tasks[:0]
	f.dead = 0
}

// fileOffLocked marks t, which stopFiling holds, not to be filed (it is
// being unindexed), and lets stopFiling drop its oldest entries that are
// not to be filed, or all of them once they are half of it: a dropped
// task is notFiling again (task_alloc.go reuses its storage only then).
func (c *cluster) fileOffLocked(t *task) {
	f := &c.stopFiling
	t.filing = filedOff
	f.dead++
	for f.dead > 0 && len(f.tasks) > 0 && f.tasks[0].filing == filedOff {
		f.tasks[0].filing = notFiling
		f.tasks[0] = nil
		f.tasks = f.tasks[1:]
		f.dead--
	}
	if f.dead*2 > len(f.tasks) {
		kept := f.tasks[:0]
		for _, x := range f.tasks {
			if x.filing == filedOff {
				x.filing = notFiling
				continue
			}
			kept = append(kept, x)
		}
		clear(f.tasks[len(kept):])
		f.tasks = kept
		f.dead = 0
	}
}
