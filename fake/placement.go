package fake

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// placementRequest asks to start count tasks of one task definition. The
// service scheduler builds one per placement round.
type placementRequest struct {
	count       int
	group       string
	startedBy   string
	launchType  types.LaunchType
	constraints []types.PlacementConstraint
	strategies  []types.PlacementStrategy
	// targets, when set (StartTask), are the only instances considered;
	// strategies are ignored and constraints still apply.
	targets   []*instance
	overrides *types.TaskOverride
	tags      []types.Tag
	// capacityProvider names the provider the tasks run on ("" for a
	// launch type; capacity_place.go).
	capacityProvider string
	// pool, when not nil, are the only instances considered (an Auto
	// Scaling group provider's instances); strategies still apply.
	pool []*instance
	// wait makes createTaskLocked leave the task in PROVISIONING without an
	// instance, waiting for capacity (capacity_scaling.go).
	wait bool
}

// needs is what one task of a definition takes from an instance.
type needs struct {
	cpu, mem    int
	static      []int // static host ports
	dynamic     int   // number of dynamic host ports
	awsvpc      bool
	containers  []containerNeeds
	constraints []expr
	distinct    bool
}

type containerNeeds struct {
	cpu, mem, memRes int
	ports            []portNeed
}

type portNeed struct {
	containerPort int32
	hostPort      int32 // 0: dynamic
	protocol      types.TransportProtocol
}

// needsFor computes resources, ports and parsed constraints for a request;
// it fails (InvalidParameterException) on a bad expression or override.
func needsFor(td *taskDef, req *placementRequest) (*needs, error) {
	n := &needs{awsvpc: td.def.NetworkMode == types.NetworkModeAwsvpc}
	ov := map[string]types.ContainerOverride{}
	if req.overrides != nil {
		for _, co := range req.overrides.ContainerOverrides {
			ov[aws.ToString(co.Name)] = co
		}
	}
	sumCPU, sumMem := 0, 0
	for _, cd := range td.def.ContainerDefinitions {
		cn := containerNeeds{cpu: int(cd.Cpu), mem: int(aws.ToInt32(cd.Memory)), memRes: int(aws.ToInt32(cd.MemoryReservation))}
		if co, ok := ov[aws.ToString(cd.Name)]; ok {
			if co.Cpu != nil {
				cn.cpu = int(*co.Cpu)
			}
			if co.Memory != nil {
				cn.mem = int(*co.Memory)
			}
			if co.MemoryReservation != nil {
				cn.memRes = int(*co.MemoryReservation)
			}
		}
		if cn.cpu < 0 || cn.mem < 0 || cn.memRes < 0 {
			return nil, errInvalidParam("overrides: container cpu and memory must not be negative.")
		}
		sumCPU += cn.cpu
		if cn.memRes > 0 {
			sumMem += cn.memRes
		} else {
			sumMem += cn.mem
		}
		for _, pm := range cd.PortMappings {
			cp := aws.ToInt32(pm.ContainerPort)
			hp := aws.ToInt32(pm.HostPort)
			switch td.def.NetworkMode {
			case types.NetworkModeAwsvpc:
				hp = cp
			case types.NetworkModeHost:
				hp = cp
				n.static = append(n.static, int(hp))
			default:
				if hp > 0 {
					n.static = append(n.static, int(hp))
				} else {
					n.dynamic++
				}
			}
			cn.ports = append(cn.ports, portNeed{containerPort: cp, hostPort: hp, protocol: pm.Protocol})
		}
		n.containers = append(n.containers, cn)
	}
	n.cpu, n.mem = td.cpu, td.mem
	if req.overrides != nil {
		if s := aws.ToString(req.overrides.Cpu); s != "" {
			v, ok := parseUnits(s, "vcpu")
			if !ok {
				return nil, errInvalidParam("overrides.cpu: invalid value %q.", s)
			}
			n.cpu = v
		}
		if s := aws.ToString(req.overrides.Memory); s != "" {
			v, ok := parseUnits(s, "gb")
			if !ok {
				return nil, errInvalidParam("overrides.memory: invalid value %q.", s)
			}
			n.mem = v
		}
	}
	if n.cpu == 0 {
		n.cpu = sumCPU
	}
	if n.mem == 0 {
		n.mem = sumMem
	}
	cons := append([]types.PlacementConstraint(nil), req.constraints...)
	for _, tc := range td.def.PlacementConstraints {
		cons = append(cons, types.PlacementConstraint{Type: types.PlacementConstraintType(tc.Type), Expression: tc.Expression})
	}
	for i, pc := range cons {
		switch pc.Type {
		case types.PlacementConstraintTypeDistinctInstance:
			if aws.ToString(pc.Expression) != "" {
				return nil, errInvalidParam("placementConstraints[%d]: distinctInstance takes no expression.", i)
			}
			n.distinct = true
		case types.PlacementConstraintTypeMemberOf:
			x, err := parseExpr(aws.ToString(pc.Expression))
			if err != nil {
				return nil, errInvalidParam("placementConstraints[%d].expression: %v", i, err)
			}
			n.constraints = append(n.constraints, x)
		default:
			return nil, errInvalidParam("placementConstraints[%d].type: must be distinctInstance or memberOf.", i)
		}
	}
	return n, nil
}

// validateStrategies checks types and fields of placement strategies.
func validateStrategies(ss []types.PlacementStrategy) error {
	if len(ss) > 5 {
		return errInvalidParam("placementStrategy: at most 5 strategies are allowed.")
	}
	for i, s := range ss {
		f := aws.ToString(s.Field)
		switch s.Type {
		case types.PlacementStrategyTypeRandom:
		case types.PlacementStrategyTypeBinpack:
			if !strings.EqualFold(f, "cpu") && !strings.EqualFold(f, "memory") {
				return errInvalidParam("placementStrategy[%d].field: binpack field must be cpu or memory.", i)
			}
		case types.PlacementStrategyTypeSpread:
			if !strings.EqualFold(f, "instanceId") && !strings.EqualFold(f, "host") && !strings.HasPrefix(f, "attribute:") {
				return errInvalidParam("placementStrategy[%d].field: spread field must be instanceId, host or attribute:<name>.", i)
			}
		default:
			return errInvalidParam("placementStrategy[%d].type: must be random, spread or binpack.", i)
		}
	}
	return nil
}

// portsFree reports whether the instance can give the task its ports.
func portsFree(in *instance, n *needs) bool {
	for i, p := range n.static {
		if in.ports[p] {
			return false
		}
		for _, q := range n.static[:i] {
			if q == p {
				return false
			}
		}
	}
	return n.dynamic == 0 || (dynPortMax-dynPortMin+1)-in.dynUsed >= n.dynamic
}

// placeOneLocked picks an instance for one task: resources first (CPU,
// memory, ports), then constraints, then strategies in order as tie
// breakers. It returns nil and the failure when nothing fits. It looks at
// each instance once (O(instances) per task).
func (e *ECS) placeOneLocked(c *cluster, n *needs, req *placementRequest) (*instance, *types.Failure) {
	cands := c.instances
	if req.pool != nil {
		cands = req.pool
	}
	if req.targets != nil {
		cands = req.targets
	}
	var (
		best     *instance
		bestKey  [5]int
		lastFail = "AGENT"
		failArn  string
		// memberOfFailed: a memberOf expression excluded an instance that
		// had the resources ("API failure reasons": "MemberOf placement
		// constraint unsatisfied"; ATTRIBUTE is for requiresAttributes).
		memberOfFailed bool
		random         = false
	)
	strategies := req.strategies
	if req.targets != nil {
		strategies = nil
	}
	for _, s := range strategies {
		random = random || s.Type == types.PlacementStrategyTypeRandom
	}
	gid := c.groupID(req.group) // -1: no task of the group is counted
	// Per-attribute group counts for spread attribute:X (one pass).
	spreadCounts := make([]map[string]int, len(strategies))
	for i, s := range strategies {
		f := aws.ToString(s.Field)
		if s.Type == types.PlacementStrategyTypeSpread && strings.HasPrefix(f, "attribute:") {
			name := strings.TrimPrefix(f, "attribute:")
			if name == "ecs.availability-zone" {
				continue // AZ spread reads the group's AZ counts directly
			}
			m := map[string]int{}
			for _, in := range c.instances {
				if in.status != "INACTIVE" {
					m[in.attrs[name]] += in.groupCount(gid)
				}
			}
			spreadCounts[i] = m
		}
	}
	stage := 0 // furthest stage reached by any instance: 1 cpu ok, 2 mem ok, 3 ports ok, 4 constraints ok
	reasons := [...]string{"RESOURCE:CPU", "RESOURCE:MEMORY", "RESOURCE:PORTS", "ATTRIBUTE"}
	note := func(s int, in *instance) {
		if s >= stage {
			if s > stage || failArn == "" {
				failArn = in.arn
			}
			stage = s
		}
	}
	// Classify strategies once so the per-instance loop does no string work.
	const (
		kBinCPU = iota
		kBinMem
		kSpreadInst
		kSpreadAZ
		kSpreadAttr
		kRandom
	)
	kinds := make([]int, len(strategies))
	attrNames := make([]string, len(strategies))
	for i, s := range strategies {
		f := aws.ToString(s.Field)
		switch {
		case s.Type == types.PlacementStrategyTypeRandom:
			kinds[i] = kRandom
		case s.Type == types.PlacementStrategyTypeBinpack && strings.EqualFold(f, "cpu"):
			kinds[i] = kBinCPU
		case s.Type == types.PlacementStrategyTypeBinpack:
			kinds[i] = kBinMem
		case strings.EqualFold(f, "instanceId") || strings.EqualFold(f, "host"):
			kinds[i] = kSpreadInst
		case f == "attribute:ecs.availability-zone":
			kinds[i] = kSpreadAZ
		default:
			kinds[i] = kSpreadAttr
			attrNames[i] = strings.TrimPrefix(f, "attribute:")
		}
	}
	tied := e.placeBuf[:0]
	for _, in := range cands {
		if in.status != "ACTIVE" || !in.connected {
			continue
		}
		if in.cpuFree < n.cpu {
			note(0, in)
			continue
		}
		if in.memFree < n.mem {
			note(1, in)
			continue
		}
		if !portsFree(in, n) {
			note(2, in)
			continue
		}
		ok := !n.distinct || in.groupCount(gid) == 0
		member := true
		for _, x := range n.constraints {
			member = member && x.eval(in)
		}
		if !ok || !member {
			note(3, in)
			memberOfFailed = memberOfFailed || !member
			continue
		}
		note(4, in)
		var key [5]int
		for i, k := range kinds {
			switch k {
			case kBinCPU:
				key[i] = in.cpuFree
			case kBinMem:
				key[i] = in.memFree
			case kSpreadInst:
				key[i] = in.groupCount(gid)
			case kSpreadAZ:
				key[i] = c.inAZ(gid, in.azID)
			case kSpreadAttr:
				key[i] = spreadCounts[i][in.attrs[attrNames[i]]]
			}
		}
		switch {
		case best == nil || key != bestKey && less(key, bestKey):
			best, bestKey = in, key
			tied = append(tied[:0], in)
		case key == bestKey && random:
			tied = append(tied, in)
		}
	}
	if random && len(tied) > 1 {
		best = tied[e.rng.IntN(len(tied))]
	}
	clear(tied)
	e.placeBuf = tied[:0]
	if best != nil {
		return best, nil
	}
	if stage < len(reasons) {
		lastFail = reasons[stage]
	}
	if stage == 3 && memberOfFailed {
		lastFail = memberOfUnsatisfied
	}
	if failArn == "" {
		// No ACTIVE, connected instance at all.
		lastFail = "AGENT"
	}
	return nil, &types.Failure{Arn: aws.String(failArn), Reason: aws.String(lastFail)}
}

// memberOfUnsatisfied is the failure reason of a task no instance's
// attributes let through a memberOf constraint.
const memberOfUnsatisfied = "MemberOf placement constraint unsatisfied."

func less(a, b [5]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// pickFargateAZ returns the configured AZ with the fewest tasks of group.
func (e *ECS) pickFargateAZ(c *cluster, group string) string {
	best, bestN := "", -1
	gid := c.groupID(group)
	for _, az := range e.cfg.azs {
		n := c.inAZNamed(gid, az)
		if bestN < 0 || n < bestN {
			best, bestN = az, n
		}
	}
	return best
}

// startTasksLocked places and launches up to req.count tasks of td in c.
// It is the entry point the service scheduler uses: it returns the tasks
// started and a failure for each task that could not be placed
// (RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:PORTS, ATTRIBUTE, AGENT).
// Requests are validated first, so an error means nothing changed.
func (e *ECS) startTasksLocked(c *cluster, td *taskDef, req placementRequest, now time.Time) ([]*task, []types.Failure, error) {
	if err := validateStrategies(req.strategies); err != nil {
		return nil, nil, err
	}
	n, err := needsFor(td, &req)
	if err != nil {
		return nil, nil, err
	}
	fargate := req.launchType == types.LaunchTypeFargate
	var started []*task
	var failures []types.Failure
	for i := 0; i < req.count; i++ {
		var inst *instance
		az := ""
		if fargate {
			az = e.pickFargateAZ(c, req.group)
		} else {
			var f *types.Failure
			inst, f = e.placeOneLocked(c, n, &req)
			if f != nil {
				failures = append(failures, *f)
				continue
			}
			az = inst.az()
		}
		started = append(started, e.createTaskLocked(c, td, n, &req, inst, az, now))
	}
	return started, failures, nil
}

// createTaskLocked builds a task on inst (nil on Fargate), reserves its
// resources and starts its lifecycle.
func (e *ECS) createTaskLocked(c *cluster, td *taskDef, n *needs, req *placementRequest, inst *instance, az string, now time.Time) *task {
	defs := td.def.ContainerDefinitions
	storage := e.taskFree.get(len(defs))
	containers := storage.containers(len(defs))
	ids := e.taskIDsLocked(c, n.awsvpc, az) // t's ID waits in c.ids (claim, below)
	e.seq++
	e.created++
	t := &storage.t
	*t = task{
		seq: e.seq, c: c, td: td,
		group: req.group, startedBy: req.startedBy, launchType: req.launchType,
		awsvpc: n.awsvpc, createdAt: now, desiredStatus: statusRunning, health: types.HealthStatusUnknown,
		cpu: n.cpu, mem: n.mem, version: 0, capacityProvider: req.capacityProvider,
		history: storage.h[:0], containers: containers,
		st: storage, room: uint8(min(len(defs), maxFreeContainers+1)), // get(n) gives room for n
	}
	c.ids.claim(t) // its ID is made a string when first read (task_ids.go)
	if req.overrides != nil || ids.eni != "" || ids.privateIP != "" {
		r := t.needRare()
		r.overrides, r.eni, r.privateIP = req.overrides, ids.eni, ids.privateIP
	}
	for i := range defs {
		cd, cn := &defs[i], &n.containers[i] // not copies: a definition is large
		ct := storage.container(i)
		*ct = container{
			name: aws.ToString(cd.Name), image: aws.ToString(cd.Image),
			essential: aws.ToBool(cd.Essential), lastStatus: statusPending,
			cpu: cn.cpu, mem: cn.mem, memRes: cn.memRes,
		}
		if cd.HealthCheck != nil {
			ct.hasHealthCheck = true
			ct.health = types.HealthStatusUnknown
			iv := aws.ToInt32(cd.HealthCheck.Interval)
			if iv <= 0 {
				iv = 30
			}
			ct.healthInterval = time.Duration(iv) * time.Second
		}
		e.drawPackedHex(ct.uuid[:]) // as appendUUID draws it
		t.containers = append(t.containers, ct)
	}
	bindLocked(t, n, inst, az, req.group)
	td.live++ // until the task stops (releaseLocked)
	t.fate = e.taskFree.sharedFate(e.fateLocked(t))
	e.tasks.add(t) // filed by ID when a look-up needs it (task_table.go)
	c.appendTaskLocked(t)
	if len(req.tags) > 0 {
		e.tags[t.arn()] = mergeTags(nil, req.tags)
	}
	if req.wait {
		e.setStatusLocked(t, statusProvisioning, now, "") // waits for capacity: capacity_scaling.go
		c.deferFilingLocked(t)                            // listed while it waits; filed by instance once placed (fileOnInstanceLocked)
		return t
	}
	e.launchLocked(t, now)
	c.deferFilingLocked(t) // filed when a reader needs the lists (task_index_defer.go)
	return t
}

// bindLocked ties t to inst in az: the group's counts (group_counts.go)
// and, on an instance, its resources and host ports. inst is nil on Fargate and for a
// task waiting for capacity; a later call places the waiting task (after
// leaveAZGroupLocked). Tasks outside awsvpc get their network bindings,
// with the requested host port until an instance assigns one.
func bindLocked(t *task, n *needs, inst *instance, az, group string) {
	t.inst, t.az = inst, az
	azID := int32(0)
	if inst != nil {
		azID = inst.azID
	} else {
		azID = t.c.azID(az)
	}
	countGroupLocked(t, t.c.internGroup(group), azID, inst)
	if inst != nil {
		inst.cpuFree -= n.cpu
		inst.memFree -= n.mem
		t.instIdx = int32(len(inst.tasks))
		inst.tasks = append(inst.tasks, t)
	}
	if n.awsvpc {
		return
	}
	for i, ct := range t.containers {
		ct.bindings = ct.bindings[:0]
		for _, p := range n.containers[i].ports {
			hp := p.hostPort
			if inst != nil {
				if hp == 0 {
					hp = int32(allocDynamic(inst))
				} else {
					inst.ports[int(hp)] = true
					if int(hp) >= dynPortMin {
						inst.dynUsed++
					}
				}
				t.ports = append(t.ports, int(hp))
			}
			proto := p.protocol
			if proto == "" {
				proto = types.TransportProtocolTcp
			}
			ct.bindings = append(ct.bindings, types.NetworkBinding{BindIP: aws.String("0.0.0.0"),
				ContainerPort: aws.Int32(p.containerPort), HostPort: aws.Int32(hp), Protocol: proto})
		}
	}
}

// allocDynamic takes the next free port from the dynamic range.
func allocDynamic(in *instance) int {
	for range dynPortMax - dynPortMin + 1 {
		p := in.nextDyn
		in.nextDyn++
		if in.nextDyn > dynPortMax {
			in.nextDyn = dynPortMin
		}
		if !in.ports[p] {
			in.ports[p] = true
			in.dynUsed++
			return p
		}
	}
	return 0
}
