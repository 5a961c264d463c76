package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// openWorld returns the fake to serve: restored from -state FILE when the
// file exists (restored is then true), else a new one (with snapshots on
// when -state is set). A file that cannot be restored is an error, never a
// silent empty start.
func openWorld(o options, opts []fake.Option) (e *fake.ECS, restored bool, err error) {
	if o.state == "" {
		return fake.New(opts...), false, nil
	}
	data, err := os.ReadFile(o.state)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fake.New(append(opts, fake.WithSnapshots())...), false, nil
	case err != nil:
		return nil, false, fmt.Errorf("-state %s: %w", o.state, err)
	}
	var clock []fake.Option
	if o.speed > 0 {
		clock = append(clock, fake.WithClock(fake.RealTime(o.speed)))
	}
	e, err = fake.Restore(data, clock...)
	if err != nil {
		return nil, false, fmt.Errorf("-state %s: %w (move the file away to start with an empty world)", o.state, err)
	}
	return e, true, nil
}

// saveState writes e's snapshot to path atomically: a temporary file in the
// same directory, synced, then renamed over path, so a crash leaves either
// the previous state or the new one, never a mix.
func saveState(e *fake.ECS, path string) (int, error) {
	data, err := e.Snapshot()
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // after a successful rename: already gone
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return len(data), nil
}

// saveEvery saves e to path every interval until stop is closed; failures
// are reported on log and retried at the next interval.
func saveEvery(e *fake.ECS, path string, interval time.Duration, stop <-chan struct{}, log io.Writer) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if _, err := saveState(e, path); err != nil {
				fmt.Fprintf(log, "ecsfake: saving state to %s: %v\n", path, err)
			}
		}
	}
}
