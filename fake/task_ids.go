package fake

// A task's identifiers, drawn from the seeded identifier source (arn.go) in
// a fixed order (the determinism digests pin them): one string per task,
// its ID, and the container UUIDs kept as packed digits until shown. The
// task's ARN is made from its ID and cluster when first read (arn): most
// of a crash loop's tasks are never shown to anyone (issue #17 item 3).
//
// A task's ID is drawn when the task is created, but made a string only
// when something reads it (task.id), together with the IDs of the tasks
// created since: a crash loop starts a cohort of a hundred tasks at a
// time, and their IDs were a hundred 32-byte strings, 648,000 allocations
// in BenchmarkCatchUp's virtual day; they are now one string per batch,
// each task's ID a substring of it. The digits wait in their cluster's
// idBatch, not in the task's storage (which is reused), and the string is
// a copy of them, so no ID shares memory with anything written later; a
// task's storage is reused only once its ID is made (idPending:
// task_alloc.go reusable), so the batch never holds a task that was
// reused.

// idBatchCap is the most task IDs an idBatch holds: the string made for
// them, 2 KiB, stays as long as any task of the batch is remembered or
// its storage waits on the free list (task_alloc.go) to be reused.
const idBatchCap = 64

// idBatch holds the IDs drawn for a cluster's newest tasks, not yet made
// strings: task i's 32 hex digits are hex[32*i:32*i+32].
type idBatch struct {
	hex   [idBatchCap * 32]byte
	tasks [idBatchCap]*task
	n     int
}

// drawLocked draws the next task's ID (two draws, as appendHex draws 32
// digits) into b, making the IDs held first when b is full; claim must
// follow, with the task.
func (b *idBatch) drawLocked(e *ECS) {
	if b.n == idBatchCap {
		b.makeStrings()
	}
	e.appendHex(b.hex[32*b.n:32*b.n], 32)
}

// claim gives the ID drawLocked drew last to t, just created (t.idText
// is "").
func (b *idBatch) claim(t *task) {
	b.tasks[b.n] = t
	b.n++
	t.idPending = true
}

// makeStrings makes the IDs b holds strings, substrings of one, and empties b.
func (b *idBatch) makeStrings() {
	s := string(b.hex[:32*b.n])
	for i, t := range b.tasks[:b.n] {
		t.idText = s[32*i : 32*i+32]
		t.idPending = false
		b.tasks[i] = nil
	}
	b.n = 0
}

// id returns t's ID, 32 hex digits, made a string on first read (with
// the rest of its cluster's idBatch). Every read of a task's ID goes
// through here, under e.mu like every read of a task.
func (t *task) id() string {
	if t.idText == "" {
		t.c.ids.makeStrings()
	}
	return t.idText
}

// taskIDs are the identifiers of a new task but its ID.
type taskIDs struct {
	eni, privateIP string
}

// taskIDsLocked draws a new task's identifiers from the identifier source
// in a fixed order: the task ID (two draws, kept in c's idBatch for the
// task: claim), then (awsvpc) the network interface (two) and private IP
// (none); the container UUIDs follow (drawPackedHex, two draws per
// container).
func (e *ECS) taskIDsLocked(c *cluster, awsvpc bool, az string) taskIDs {
	c.ids.drawLocked(e)
	var ids taskIDs
	if awsvpc {
		ids.eni = e.uuid()
		ids.privateIP = e.allocTaskIPLocked(az)
	}
	return ids
}

// arn returns t's ARN, arn:aws:ecs:<region>:<account>:task/<cluster>/<id>
// in its cluster's region, made on first use and kept in t.arnMemo (which
// createTaskLocked clears with the rest of a reused storage). Every read
// of a task's ARN goes through here, under e.mu like every read of a task.
func (t *task) arn() string {
	if t.arnMemo == "" {
		var buf [160]byte
		b := t.c.appendARNPrefix(buf[:0])
		b = append(b, "task/"...)
		b = append(b, t.c.name...)
		b = append(b, '/')
		t.arnMemo = string(append(b, t.id()...))
	}
	return t.arnMemo
}

// appendARNPrefix appends arn:aws:ecs:<region>:<account>: of c's ARN
// (CreateCluster builds it with arn: ...:cluster/<name>).
func (c *cluster) appendARNPrefix(b []byte) []byte {
	return append(b, c.arn[:len(c.arn)-len("cluster/")-len(c.name)]...)
}

// unpackHex writes the hex digits packed in src (drawPackedHex) to dst,
// 2*len(src) bytes long.
func unpackHex(dst, src []byte) {
	for i, v := range src {
		dst[2*i], dst[2*i+1] = hexDigits[v>>4], hexDigits[v&15]
	}
}

// containerARN returns c's ARN; t is its task.
func (t *task) containerARN(c *container) string {
	var buf [160]byte
	b := t.c.appendARNPrefix(buf[:0])
	b = append(b, "container/"...)
	b = append(b, t.c.name...)
	b = append(b, '/')
	b = append(b, t.id()...)
	b = append(b, '/')
	var h [32]byte
	unpackHex(h[:], c.uuid[:])
	return string(appendUUIDDigits(b, &h)) // as appendUUID shows them
}
