package fake

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Task lifecycle states (lastStatus).
const (
	statusProvisioning   = "PROVISIONING"
	statusPending        = "PENDING"
	statusActivating     = "ACTIVATING"
	statusRunning        = "RUNNING"
	statusDeactivating   = "DEACTIVATING"
	statusStopping       = "STOPPING"
	statusDeprovisioning = "DEPROVISIONING"
	statusStopped        = "STOPPED"
)

// TaskStateChange is one entry of a task's state history.
type TaskStateChange struct {
	// At is the virtual time of the change.
	At time.Time `json:"at"`
	// LastStatus and DesiredStatus after the change.
	LastStatus    string `json:"lastStatus"`
	DesiredStatus string `json:"desiredStatus"`
	// HealthStatus after the change.
	HealthStatus string `json:"healthStatus"`
	// Reason says why (stoppedReason, container exit, health).
	Reason string `json:"reason,omitempty"`
}

// container is one container of a task.
type container struct {
	name, image string
	// uuid is the UUID of the container's ARN, its 32 hex digits packed
	// two to a byte (task.containerARN).
	uuid [16]byte
	// runtime is the container's runtime ID, its 64 hex digits packed
	// two to a byte (hasRuntime: drawn); runtimeID renders it.
	runtime          [32]byte
	hasRuntime       bool
	essential        bool
	hasHealthCheck   bool
	hasExitCode      bool // exitCode is set
	exitCode         int32
	healthInterval   time.Duration
	lastStatus       string
	health           types.HealthStatus
	reason           string
	bindings         []types.NetworkBinding
	cpu, mem, memRes int
}

// task is one task and everything the service scheduler needs about it.
type task struct {
	// The fields the planner's snapshot reads for every task on every
	// pass (scheduler.go snapshotLocked) come first, together: at 10,000
	// tasks a pass reads fewer cache lines per task.
	// idText is the task's ID, "" until made (id, in task_ids.go).
	idText        string
	startedBy     string
	lastStatus    string
	desiredStatus string
	health        types.HealthStatus
	startedAt     time.Time
	stoppedAt     time.Time
	stopCode      types.TaskStopCode
	stoppedReason string
	az            string
	inst          *instance // nil on Fargate
	// svc is the service that owns the task (nil for standalone tasks);
	// failureCounted and healthyCounted are the planner's marks.
	svc            *service
	failureCounted bool
	healthyCounted bool
	// snapNoted is the low 32 bits of service.snaps when t was last
	// marked changed for the next snapshot (scheduler_snapshot.go
	// noteChanged: marked once per snapshot, and listed in
	// service.snapChanged while few are; a snapshot that walks every row
	// rewrites only the marked ones). 32 bits fit in the padding after
	// the flags: the task's storage stays in its size class.
	snapNoted uint32
	// seenStopped is the number (service.snaps) of the last planner
	// snapshot that saw t STOPPED (scheduler.go pruneLocked).
	seenStopped uint64

	// What forgetting and reusing t reads (lifecycle.go forgetLocked,
	// task_alloc.go) comes next, in the two cache lines after the
	// planner's: a task is forgotten an hour after it stopped, when its
	// memory is cold, and each line read then is a miss.
	c   *cluster
	st  *taskStorage // the storage t lives in (task_alloc.go)
	seq uint64
	// listed marks the tasks a service still lists (task_alloc.go
	// recycleRetiredLocked).
	listed uint32
	// pending counts the lifecycle events queued for t (events.go): its
	// storage is reused only when no event can reach it any more.
	pending uint32
	// idHash is the hash of id in e.tasks (task_table.go), kept so that
	// dropping t reads no string.
	idHash uint64
	lists  [5]*taskList
	// nLists is how many of lists, the index lists t is filed in
	// (task_index.go), are in use; they all share one desired status.
	nLists uint8
	// filing is where t stands in its cluster's filing queue
	// (task_index_defer.go), tabled in e.tasks (task_table.go); idPending
	// is set while its cluster's idBatch holds t (task_ids.go): read
	// with the rest of these lines by task_alloc.go reusable, not
	// idText's line.
	filing    filingState
	tabled    tableState
	idPending bool
	released  bool
	forgotten bool // dropped after retention; skipped in c.tasks
	// orphaned: the task's instance was deregistered with force; ECS no
	// longer monitors or counts it (orphans.go).
	orphaned bool
	// room is the number of containers st has room for (st.n(), at most
	// maxFreeContainers+1: the storage of more is not reused).
	room uint8
	// lb is the task's load-balancer targets (elbv2_ecs.go).
	lb *lbTask
	// waitReq, for a task waiting in PROVISIONING for an Auto Scaling
	// group provider's capacity, is how to place it (capacity_scaling.go).
	waitReq *placementRequest

	// arnMemo is the task's ARN once something has read it (arn, in
	// task_ids.go); "" before.
	arnMemo       string
	td            *taskDef
	group         string
	launchType    types.LaunchType
	awsvpc        bool
	createdAt     time.Time
	pullStartedAt time.Time
	pullStoppedAt time.Time
	stoppingAt    time.Time
	execStoppedAt time.Time
	connectedAt   time.Time
	containers    []*container
	history       []historyEntry // task_history.go
	cpu, mem      int
	ports         []int // host ports held on inst
	instIdx       int32 // t's index in inst.tasks
	// gid and azID are the numbers of t's group and AZ in its cluster's
	// placement counts while t is counted there (group_counts.go).
	gid, azID int32
	version   int64
	// fate is what the injected faults do to t (faults.go), shared by
	// the tasks with the same fate: never written through.
	fate *fate
	// capacityProvider is the provider that runs the task ("" for a
	// launch type; capacity.go).
	capacityProvider string
	// rare, when not nil, holds what few tasks have (task_rare.go).
	rare *taskRare
}

// runtimeID returns c's runtime ID ("" before it is drawn).
func (c *container) runtimeID() string {
	if !c.hasRuntime {
		return ""
	}
	var b [64]byte
	unpackHex(b[:], c.runtime[:])
	return string(b[:])
}

// exitCodePtr returns a new pointer to c's exit code, or nil when it has
// none.
func (c *container) exitCodePtr() *int32 {
	if !c.hasExitCode {
		return nil
	}
	code := c.exitCode
	return &code
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// view renders the task as DescribeTasks shows it.
func (t *task) view(tags []types.Tag) types.Task {
	cs := make([]types.Container, len(t.containers))
	for i, c := range t.containers {
		cs[i] = types.Container{
			ContainerArn:    aws.String(t.containerARN(c)),
			TaskArn:         aws.String(t.arn()),
			Name:            aws.String(c.name),
			Image:           aws.String(c.image),
			LastStatus:      aws.String(c.lastStatus),
			HealthStatus:    c.health,
			ExitCode:        c.exitCodePtr(),
			NetworkBindings: append([]types.NetworkBinding{}, c.bindings...),
			Cpu:             aws.String(itoa(c.cpu)),
		}
		if c.hasRuntime {
			cs[i].RuntimeId = aws.String(c.runtimeID())
		}
		if c.reason != "" {
			cs[i].Reason = aws.String(c.reason)
		}
		if c.mem > 0 {
			cs[i].Memory = aws.String(itoa(c.mem))
		}
		if c.memRes > 0 {
			cs[i].MemoryReservation = aws.String(itoa(c.memRes))
		}
	}
	out := types.Task{
		TaskArn:              aws.String(t.arn()),
		ClusterArn:           aws.String(t.c.arn),
		TaskDefinitionArn:    aws.String(t.td.arn),
		Group:                aws.String(t.group),
		LaunchType:           t.launchType,
		AvailabilityZone:     aws.String(t.az),
		LastStatus:           aws.String(t.lastStatus),
		DesiredStatus:        aws.String(t.desiredStatus),
		HealthStatus:         t.health,
		Cpu:                  aws.String(itoa(t.cpu)),
		Memory:               aws.String(itoa(t.mem)),
		Containers:           cs,
		CreatedAt:            timePtr(t.createdAt),
		PullStartedAt:        timePtr(t.pullStartedAt),
		PullStoppedAt:        timePtr(t.pullStoppedAt),
		StartedAt:            timePtr(t.startedAt),
		StoppingAt:           timePtr(t.stoppingAt),
		StoppedAt:            timePtr(t.stoppedAt),
		ExecutionStoppedAt:   timePtr(t.execStoppedAt),
		ConnectivityAt:       timePtr(t.connectedAt),
		StopCode:             t.stopCode,
		CapacityProviderName: optString(t.capacityProvider),
		Version:              t.version,
		Overrides:            t.overrides(),
		Attachments:          []types.Attachment{},
		Attributes:           []types.Attribute{},
		Tags:                 tags,
	}
	if out.Overrides == nil {
		out.Overrides = &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{}}
	}
	if !t.connectedAt.IsZero() {
		out.Connectivity = types.ConnectivityConnected
	}
	if t.startedBy != "" {
		out.StartedBy = aws.String(t.startedBy)
	}
	if t.stoppedReason != "" {
		out.StoppedReason = aws.String(t.stoppedReason)
	}
	if t.inst != nil {
		out.ContainerInstanceArn = aws.String(t.inst.arn)
	}
	if t.launchType == types.LaunchTypeFargate {
		out.PlatformVersion = aws.String("1.4.0")
		out.PlatformFamily = aws.String("Linux")
	}
	if t.awsvpc {
		status := "ATTACHED"
		switch t.lastStatus {
		case statusProvisioning:
			status = "PRECREATED"
		case statusDeprovisioning:
			status = "DELETED"
		case statusStopped:
			status = "DELETED"
		}
		out.Attachments = []types.Attachment{{Id: aws.String(t.eni()), Type: aws.String("ElasticNetworkInterface"), Status: aws.String(status),
			Details: []types.KeyValuePair{{Name: aws.String("subnetId"), Value: aws.String("subnet-" + t.az)}}}}
		t.taskNetworkDetails(&out)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
