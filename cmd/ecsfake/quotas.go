package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// quotaFlag is -quota NAME=N (repeatable): one of the fake's ECS service
// quotas (see fake.Quotas); -1 lifts the limit.
type quotaFlag struct{ q *fake.Quotas }

// quotaFields maps the flag's names to the quotas.
func quotaFields(q *fake.Quotas) map[string]*int {
	return map[string]*int{
		"clusters-per-account":            &q.ClustersPerAccount,
		"container-instances-per-cluster": &q.ContainerInstancesPerCluster,
		"services-per-cluster":            &q.ServicesPerCluster,
		"tasks-per-service":               &q.TasksPerService,
		"revisions-per-family":            &q.RevisionsPerFamily,
	}
}

func quotaNames() string {
	var names []string
	for n := range quotaFields(&fake.Quotas{}) {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func (f quotaFlag) String() string {
	if f.q == nil {
		return ""
	}
	var parts []string
	for n, v := range quotaFields(f.q) {
		if *v != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", n, *v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (f quotaFlag) Set(s string) error {
	name, val, ok := strings.Cut(s, "=")
	field := quotaFields(f.q)[name]
	if !ok || field == nil {
		return fmt.Errorf("want NAME=N with NAME one of %s", quotaNames())
	}
	n, err := strconv.Atoi(val)
	if err != nil || n < -1 || n == 0 {
		return fmt.Errorf("%s: want a positive number, or -1 for no limit", name)
	}
	*field = n
	return nil
}
