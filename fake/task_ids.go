package fake

// A task's identifiers, drawn from the seeded identifier source (arn.go) in
// a fixed order (the determinism digests pin them): one string per task,
// its ID, and the container UUIDs kept as packed digits until shown. The
// task's ARN is made from its ID and cluster when first read (arn): most
// of a crash loop's tasks are never shown to anyone (issue #17 item 3).

// taskIDs are the identifiers of a new task.
type taskIDs struct {
	id             string
	eni, privateIP string
}

// taskIDsLocked draws a new task's identifiers from the identifier source
// in a fixed order: the task ID (two draws), then (awsvpc) the network
// interface (two) and private IP (none); the container UUIDs follow
// (drawPackedHex, two draws per container).
func (e *ECS) taskIDsLocked(awsvpc bool, az string) taskIDs {
	var buf [32]byte
	ids := taskIDs{id: string(e.appendHex(buf[:0], 32))}
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
		t.arnMemo = string(append(b, t.id...))
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
	b = append(b, t.id...)
	b = append(b, '/')
	var h [32]byte
	unpackHex(h[:], c.uuid[:])
	return string(appendUUIDDigits(b, &h)) // as appendUUID shows them
}
