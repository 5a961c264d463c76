package ecsdeploy

// fargateMemoryRange is the memory (MiB) Fargate allows for one task CPU
// value: from Min to Max in steps of Step, plus any Extra values.
type fargateMemoryRange struct {
	Min, Max, Step int32
	Extra          []int32
}

// fargateSizes lists the valid Fargate task cpu/memory pairs (Amazon ECS
// Developer Guide, "Task CPU and memory"; ECS-SEMANTICS.md).
var fargateSizes = map[int32]fargateMemoryRange{
	256:   {Min: 512, Max: 512, Step: 1, Extra: []int32{1024, 2048}},
	512:   {Min: 1024, Max: 4096, Step: 1024},
	1024:  {Min: 2048, Max: 8192, Step: 1024},
	2048:  {Min: 4096, Max: 16384, Step: 1024},
	4096:  {Min: 8192, Max: 30720, Step: 1024},
	8192:  {Min: 16384, Max: 61440, Step: 4096},
	16384: {Min: 32768, Max: 122880, Step: 8192},
}

// FargateSizeValid reports whether cpu units and memory MiB form a task size
// Fargate supports.
func FargateSizeValid(cpu, memory int32) bool {
	r, ok := fargateSizes[cpu]
	if !ok {
		return false
	}
	for _, m := range r.Extra {
		if m == memory {
			return true
		}
	}
	return memory >= r.Min && memory <= r.Max && (memory-r.Min)%r.Step == 0
}
