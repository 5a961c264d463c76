package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ecsdeploy/ecsdeploy"
)

// ControlClient drives a fake served over HTTP (Server, cmd/ecsfake)
// through its /_fake/v1 controls: the Go counterpart of the curl commands
// in cmd/ecsfake/README.md.
type ControlClient struct {
	base string
	http *http.Client
}

// NewControlClient returns a client for the server at endpoint (e.g.
// "http://127.0.0.1:4599"); httpClient nil means http.DefaultClient.
func NewControlClient(endpoint string, httpClient *http.Client) *ControlClient {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &ControlClient{base: strings.TrimSuffix(endpoint, "/") + strings.TrimSuffix(ControlPrefix, "/"), http: httpClient}
}

// ControlError is a control's error answer.
type ControlError struct {
	// Status is the HTTP status (400, 404, 405, 413, 500).
	Status int
	// Message is the server's message, naming the field and the rule.
	Message string
}

// Error implements error.
func (e *ControlError) Error() string {
	return fmt.Sprintf("fake control: HTTP %d: %s", e.Status, e.Message)
}

// do sends method /_fake/v1/name with body (JSON-encoded unless nil) and
// decodes the answer into out (unless nil).
func (c *ControlClient) do(ctx context.Context, method, name string, body, out any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/"+name, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		if json.Unmarshal(data, &e) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(string(data))
		}
		return &ControlError{Status: resp.StatusCode, Message: e.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// Advance moves the server's virtual time forward by d and returns the new
// virtual time.
func (c *ControlClient) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	var out timeResponse
	err := c.do(ctx, http.MethodPost, "advance", map[string]string{"duration": d.String()}, &out)
	return out.Now, err
}

// Now returns the server's virtual time.
func (c *ControlClient) Now(ctx context.Context) (time.Time, error) {
	var out timeResponse
	err := c.do(ctx, http.MethodGet, "time", nil, &out)
	return out.Now, err
}

// InjectFault adds a task fault (f.Match is not sent: it cannot cross HTTP).
func (c *ControlClient) InjectFault(ctx context.Context, f Fault) error {
	if f.Match != nil {
		return fmt.Errorf("fault.Match: predicates cannot be sent over HTTP; use Image or Family")
	}
	return c.do(ctx, http.MethodPost, "faults", f, nil)
}

// FailOperation makes operation op ("*" for all) fail with errCode, times
// times (0: until cleared), each time with probability (0: always).
func (c *ControlClient) FailOperation(ctx context.Context, op, errCode string, times int, probability float64) error {
	return c.do(ctx, http.MethodPost, "faults", operationFault{Operation: op, Error: errCode, Times: times, Probability: probability}, nil)
}

// ClearFaults removes every task and operation fault.
func (c *ControlClient) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "faults", nil, nil)
}

// AddInstances registers count container instances of spec in cluster and
// returns their ARNs.
func (c *ControlClient) AddInstances(ctx context.Context, cluster string, spec InstanceSpec, count int) ([]string, error) {
	req := instancesRequest{Cluster: cluster, CPU: spec.CPU, Memory: spec.Memory, AZ: spec.AZ,
		InstanceType: spec.InstanceType, Attributes: spec.Attributes, Count: &count}
	var out struct {
		ContainerInstanceArns []string `json:"containerInstanceArns"`
	}
	err := c.do(ctx, http.MethodPost, "instances", req, &out)
	return out.ContainerInstanceArns, err
}

// LoseInstance makes the EC2 host of a container instance (ARN or ID) gone,
// as (*ECS).LoseInstance does in process, and returns the ARNs of the tasks
// that stopped with it.
func (c *ControlClient) LoseInstance(ctx context.Context, containerInstance string) ([]string, error) {
	var out struct {
		StoppedTaskArns []string `json:"stoppedTaskArns"`
	}
	err := c.do(ctx, http.MethodPost, "lose-instance", loseInstanceRequest{ContainerInstance: containerInstance}, &out)
	return out.StoppedTaskArns, err
}

// CallCounts returns the number of calls per operation.
func (c *ControlClient) CallCounts(ctx context.Context) (map[string]int, error) {
	var out struct {
		Counts map[string]int `json:"counts"`
	}
	// "-" is no operation: the answer carries the counts without the log.
	err := c.do(ctx, http.MethodGet, "calls?operation=-", nil, &out)
	return out.Counts, err
}

// Reset returns the server's fake to its starting state.
func (c *ControlClient) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "reset", nil, nil)
}

// RemoteClock is the virtual clock of a fake served over HTTP with manual
// time (cmd/ecsfake -speed 0): Sleep advances the server's time, so a
// Deployer given this clock runs a deployment against the remote fake in
// virtual time. It satisfies ecsdeploy.Clock.
type RemoteClock struct {
	c   *ControlClient
	mu  sync.Mutex
	now time.Time
}

var _ ecsdeploy.Clock = (*RemoteClock)(nil)

// NewRemoteClock reads the server's virtual time and returns its clock.
func NewRemoteClock(ctx context.Context, c *ControlClient) (*RemoteClock, error) {
	now, err := c.Now(ctx)
	if err != nil {
		return nil, err
	}
	return &RemoteClock{c: c, now: now}, nil
}

// Now returns the server's virtual time as of the last Sleep (or
// NewRemoteClock); the server's time moves only through Sleep and advance.
func (r *RemoteClock) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

// Sleep advances the server's virtual time by d.
func (r *RemoteClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	now, err := r.c.Advance(ctx, d)
	if err != nil {
		return fmt.Errorf("advancing the fake's virtual time: %w", err)
	}
	r.mu.Lock()
	if now.After(r.now) {
		r.now = now
	}
	r.mu.Unlock()
	return nil
}
