// Package fake is an in-memory Amazon ECS: it keeps state, schedules tasks
// and advances a virtual clock. *ECS has the same method signatures as
// aws-sdk-go-v2's *ecs.Client for every operation it supports.
package fake
