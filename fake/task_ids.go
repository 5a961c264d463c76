package fake

// A task's identifiers, drawn from the seeded identifier source (arn.go) in
// a fixed order (the determinism digests pin them): one string per task,
// its ARN, and the container UUIDs kept as packed digits until shown.

// taskIDs are the identifiers of a new task; id is a slice of arn.
type taskIDs struct {
	id, arn        string
	eni, privateIP string
}

// taskIDsLocked draws a new task's identifiers from the identifier source
// in a fixed order: the task ID (two draws), then (awsvpc) the network
// interface (two) and private IP (none); the container UUIDs follow
// (drawPackedHex, two draws per container). The ARN reads
// arn:aws:ecs:<region>:<account>:task/<cluster>/<id>; a container's
// ...:container/<cluster>/<id>/<uuid> is made when it is shown
// (containerARN), so a task costs one small string.
func (e *ECS) taskIDsLocked(c *cluster, awsvpc bool, az string) taskIDs {
	var buf [128]byte
	b := e.appendARNPrefix(buf[:0], c.region)
	b = append(b, "task/"...)
	b = append(b, c.name...)
	b = append(b, '/')
	idStart := len(b)
	b = e.appendHex(b, 32)
	ids := taskIDs{arn: string(b)}
	ids.id = ids.arn[idStart:]
	if awsvpc {
		ids.eni = e.uuid()
		ids.privateIP = e.allocTaskIPLocked(az)
	}
	return ids
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
	// t.arn is <prefix>task/<cluster>/<id> (taskIDsLocked).
	prefix := t.arn[:len(t.arn)-len("task/")-len(t.c.name)-1-len(t.id)]
	var buf [160]byte
	b := append(buf[:0], prefix...)
	b = append(b, "container/"...)
	b = append(b, t.c.name...)
	b = append(b, '/')
	b = append(b, t.id...)
	b = append(b, '/')
	var h [32]byte
	unpackHex(h[:], c.uuid[:])
	return string(appendUUIDDigits(b, &h)) // as appendUUID shows them
}

// appendARNPrefix appends arn:aws:ecs:<region>:<account>: (see arn).
func (e *ECS) appendARNPrefix(b []byte, region string) []byte {
	b = append(b, "arn:aws:ecs:"...)
	b = append(b, region...)
	b = append(b, ':')
	b = append(b, e.cfg.account...)
	return append(b, ':')
}
