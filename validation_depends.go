package ecsdeploy

import (
	"fmt"
	"slices"
	"strings"
)

// validateDependsCycles reports dependsOn cycles among the containers
// within the quota at the cycle's lowest container index, at most one per
// container, in O(containers + dependencies) plus the reported cycles.
func validateDependsCycles(c *taskContext) {
	defs := examinedContainers(c.in)
	const (
		unvisited = iota
		onStack
		done
	)
	state := make([]int, len(defs))
	var stack []int
	reported := map[int]bool{}
	var visit func(i int)
	visit = func(i int) {
		state[i] = onStack
		stack = append(stack, i)
		for _, d := range defs[i].DependsOn {
			t, ok := c.index[deref(d.ContainerName)]
			if !ok || t == i || t >= len(defs) {
				continue // reported elsewhere, or past the quota
			}
			switch state[t] {
			case unvisited:
				visit(t)
			case onStack:
				at := slices.Index(stack, t)
				low := slices.Min(stack[at:])
				if reported[low] {
					continue
				}
				reported[low] = true
				cycle := slices.Clone(stack[at:])
				low = slices.Index(cycle, low)
				cycle = append(cycle[low:], cycle[:low]...)
				names := make([]string, 0, len(cycle)+1)
				for _, k := range cycle {
					names = append(names, deref(defs[k].Name))
				}
				names = append(names, deref(defs[cycle[0]].Name))
				c.p.add(fmt.Sprintf("containerDefinitions[%d].dependsOn", cycle[0]), "dependency cycle: %s", strings.Join(names, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
	}
	for i := range defs {
		if state[i] == unvisited {
			visit(i)
		}
	}
}
