package fake

import "strings"

// A crash-looping service creates a task every few virtual seconds, and
// catching up a day of them creates hundreds of thousands (issue #17 item
// 3): a task, its containers and the backing array of its history are one
// allocation, and its ID and ARNs are slices of one string.

// taskHistoryCap is the history a task has room for without growing: a
// task's life from PENDING to STOPPED, with a health change and the awsvpc
// steps, takes up to nine entries.
const taskHistoryCap = 9

// taskStorage holds a task and the storage it starts with.
type taskStorage struct {
	t          task
	h          [taskHistoryCap]historyEntry
	one        container     // the container of a one-container task
	containers []*container  // t.containers' backing array
	onePtr     [1]*container // containers' backing array for one container
	more       []container   // the containers of a task with several
}

// newTaskStorage allocates a task's storage for n containers.
func newTaskStorage(n int) *taskStorage {
	st := &taskStorage{}
	if n == 1 {
		st.containers = st.onePtr[:0:1]
	} else {
		st.containers = make([]*container, 0, n)
		st.more = make([]container, n)
	}
	return st
}

// container returns the storage of container i.
func (st *taskStorage) container(i int) *container {
	if st.more == nil {
		return &st.one
	}
	return &st.more[i]
}

// taskIDs are the identifiers of a new task, slices of one string.
type taskIDs struct {
	s              string
	id, arn        string
	eni, privateIP string
	contLen        int // the length of each container ARN; they follow arn in s
}

// containerARN returns container i's ARN.
func (ids *taskIDs) containerARN(i int) string {
	start := len(ids.arn) + i*ids.contLen
	return ids.s[start : start+ids.contLen]
}

// taskIDsLocked draws a new task's identifiers from the seeded source in
// the order the fake always has: the task ID, then (awsvpc) the network
// interface and private IP, then one UUID per container; the ARNs read
// arn:aws:ecs:<region>:<account>:task/<cluster>/<id> and
// ...:container/<cluster>/<id>/<uuid>.
func (e *ECS) taskIDsLocked(c *cluster, containers int, awsvpc bool, az string) taskIDs {
	prefix := len("arn:aws:ecs:") + len(c.region) + 1 + len(e.cfg.account) + 1
	contLen := prefix + len("container/") + len(c.name) + 1 + 32 + 1 + 36
	var sb strings.Builder
	sb.Grow(prefix + len("task/") + len(c.name) + 1 + 32 + containers*contLen)
	var scratch [64]byte
	sb.Write(e.appendARNPrefix(scratch[:0], c.region))
	sb.WriteString("task/")
	sb.WriteString(c.name)
	sb.WriteByte('/')
	idStart := sb.Len()
	var id [32]byte
	sb.Write(e.appendHex(id[:0], 32))
	arnEnd := sb.Len()
	ids := taskIDs{contLen: contLen}
	if awsvpc {
		ids.eni = e.uuid()
		ids.privateIP = e.allocTaskIPLocked(az)
	}
	for range containers {
		sb.Write(e.appendARNPrefix(scratch[:0], c.region))
		sb.WriteString("container/")
		sb.WriteString(c.name)
		sb.WriteByte('/')
		sb.Write(id[:])
		sb.WriteByte('/')
		sb.Write(e.appendUUID(scratch[:0]))
	}
	ids.s = sb.String()
	ids.arn = ids.s[:arnEnd]
	ids.id = ids.s[idStart:arnEnd]
	return ids
}

// appendARNPrefix appends arn:aws:ecs:<region>:<account>: (see arn).
func (e *ECS) appendARNPrefix(b []byte, region string) []byte {
	b = append(b, "arn:aws:ecs:"...)
	b = append(b, region...)
	b = append(b, ':')
	b = append(b, e.cfg.account...)
	return append(b, ':')
}
