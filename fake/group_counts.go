package fake

import "github.com/ecsdeploy/ecsdeploy/fake/internal/samestr"

// Placement counts a cluster's placed, not yet stopped tasks per task
// group ("service:NAME", "family:NAME", or a RunTask group), per AZ and
// per instance: spread strategies and distinctInstance read them, and
// every task placed and released updates them. They are kept in slices
// indexed by small integers rather than in maps keyed by the group's and
// the AZ's names: a crash-looping service (BenchmarkCatchUp) places and
// releases a task every few virtual seconds, and with maps each task cost
// five look-ups hashing strings (about 9% of a catch-up's instructions,
// measured with cachegrind). A group's number (task.gid) is found once per
// placement (c.groupMemo), an AZ's once per instance (instance.azID).
//
// Group numbers are reused: a group whose last counted task is released
// leaves the table, so that a client running tasks under ever new group
// names does not grow it without bound (the maps dropped their entries at
// zero too). A released task's gid is stale and never read again. AZ
// numbers are never reused: a cluster knows the AZs of the instances ever
// registered in it and of the fake's configuration.

// taskGroup is one task group of a cluster and its counts.
type taskGroup struct {
	name  string
	live  int     // the tasks counted: the sum of perAZ
	perAZ []int32 // by AZ number (cluster.azIDs)
}

// groupTable is a cluster's task groups and AZs, numbered.
type groupTable struct {
	groupIDs map[string]int32
	groups   []taskGroup
	free     []int32 // numbers of groups that left the table
	// memoName and memoID are the group found last: a placement finds
	// its group once per task, under the same string.
	memoName string
	memoID   int32
	azIDs    map[string]int32
}

// groupID returns the number of group, or -1 when no task of it is
// counted.
func (g *groupTable) groupID(group string) int32 {
	if g.memoName != "" && samestr.Same(g.memoName, group) {
		return g.memoID
	}
	id, ok := g.groupIDs[group]
	if !ok {
		return -1
	}
	g.memoName, g.memoID = group, id
	return id
}

// internGroup returns the number of group, giving it one if it has none.
func (g *groupTable) internGroup(group string) int32 {
	if id := g.groupID(group); id >= 0 {
		return id
	}
	if g.groupIDs == nil {
		g.groupIDs = map[string]int32{}
	}
	var id int32
	if n := len(g.free); n > 0 {
		id = g.free[n-1]
		g.free = g.free[:n-1]
	} else {
		id = int32(len(g.groups))
		g.groups = append(g.groups, taskGroup{})
	}
	g.groups[id].name = group
	g.groupIDs[group] = id
	g.memoName, g.memoID = group, id
	return id
}

// azID returns the number of AZ az, giving it one if it has none.
func (g *groupTable) azID(az string) int32 {
	id, ok := g.azIDs[az]
	if !ok {
		if g.azIDs == nil {
			g.azIDs = map[string]int32{}
		}
		id = int32(len(g.azIDs))
		g.azIDs[az] = id
	}
	return id
}

// inAZ returns how many tasks of group gid (-1: none) are counted in AZ az
// (-1: an AZ the cluster does not know).
func (g *groupTable) inAZ(gid, az int32) int {
	if gid < 0 || az < 0 {
		return 0
	}
	if per := g.groups[gid].perAZ; int(az) < len(per) {
		return int(per[az])
	}
	return 0
}

// inAZNamed is inAZ for an AZ known by its name.
func (g *groupTable) inAZNamed(gid int32, az string) int {
	if gid < 0 {
		return 0
	}
	id, ok := g.azIDs[az]
	if !ok {
		return 0
	}
	return g.inAZ(gid, id)
}

// addToAZ counts one more task of group gid in AZ az.
func (g *groupTable) addToAZ(gid, az int32) {
	tg := &g.groups[gid]
	if int(az) >= len(tg.perAZ) {
		tg.perAZ = append(tg.perAZ, make([]int32, int(az)+1-len(tg.perAZ))...)
	}
	tg.perAZ[az]++
	tg.live++
}

// takeFromAZ counts one task of group gid fewer in AZ az; the group leaves
// the table when it was its last.
func (g *groupTable) takeFromAZ(gid, az int32) {
	tg := &g.groups[gid]
	tg.perAZ[az]--
	if tg.live--; tg.live > 0 {
		return
	}
	delete(g.groupIDs, tg.name)
	if g.memoID == gid {
		g.memoName, g.memoID = "", 0
	}
	clear(tg.perAZ)
	tg.name, tg.perAZ = "", tg.perAZ[:0]
	g.free = append(g.free, gid)
}

// groupCount returns how many tasks of group gid (-1: none) are placed on
// in and not yet stopped.
func (in *instance) groupCount(gid int32) int {
	if gid < 0 || int(gid) >= len(in.groupN) {
		return 0
	}
	return int(in.groupN[gid])
}

// addGroup counts one more task of group gid on in.
func (in *instance) addGroup(gid int32) {
	if int(gid) >= len(in.groupN) {
		in.groupN = append(in.groupN, make([]int32, int(gid)+1-len(in.groupN))...)
	}
	in.groupN[gid]++
}

// groupNames returns the groups with a task placed on in and not yet
// stopped (the cluster query language's task:group), in no set order.
func (in *instance) groupNames() []string {
	var out []string
	for gid, n := range in.groupN {
		if n > 0 {
			out = append(out, in.cluster.groupTable.groups[gid].name)
		}
	}
	return out
}

// countGroupLocked counts t, of group gid, in AZ az and on inst (nil: on
// no instance).
func countGroupLocked(t *task, gid, az int32, inst *instance) {
	t.gid, t.azID = gid, az
	t.c.groupTable.addToAZ(gid, az)
	if inst != nil {
		inst.addGroup(gid)
	}
}
