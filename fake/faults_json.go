package fake

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// faultJSON is Fault's wire form: After is a Go duration string ("30s").
type faultJSON struct {
	Image       string      `json:"image,omitempty"`
	Family      string      `json:"family,omitempty"`
	Action      FaultAction `json:"action"`
	Reason      string      `json:"reason,omitempty"`
	ExitCode    int32       `json:"exitCode,omitempty"`
	After       string      `json:"after,omitempty"`
	Times       int         `json:"times,omitempty"`
	Probability float64     `json:"probability,omitempty"`
	Lines       []string    `json:"lines,omitempty"`
	Every       string      `json:"every,omitempty"`
	Repeat      bool        `json:"repeat,omitempty"`
	LastLine    string      `json:"lastLine,omitempty"`
}

// MarshalJSON writes the fault with After as a duration string ("1m30s");
// the Match predicate is not serialised.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{Image: f.Image, Family: f.Family, Action: f.Action, Reason: f.Reason, ExitCode: f.ExitCode,
		Times: f.Times, Probability: f.Probability, Lines: f.Lines, Repeat: f.Repeat, LastLine: f.LastLine}
	if f.After != 0 {
		j.After = f.After.String()
	}
	if f.Every != 0 {
		j.Every = f.Every.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a fault; "after" is a duration string ("30s") or a
// number of seconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var raw struct {
		faultJSON
		After json.RawMessage `json:"after,omitempty"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*f = Fault{Image: raw.Image, Family: raw.Family, Action: raw.Action, Reason: raw.Reason, ExitCode: raw.ExitCode,
		Times: raw.Times, Probability: raw.Probability, Lines: raw.Lines, Repeat: raw.Repeat, LastLine: raw.LastLine}
	if raw.Every != "" {
		d, err := time.ParseDuration(raw.Every)
		if err != nil {
			return fmt.Errorf(`fault.every: %q is not a duration such as "1s"`, clipString(raw.Every, 128))
		}
		f.Every = d
	}
	if len(raw.After) == 0 || string(raw.After) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw.After, &s) == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf(`fault.after: %q is not a duration such as "30s"`, clipString(s, 128))
		}
		f.After = d
		return nil
	}
	var secs float64
	if err := json.Unmarshal(raw.After, &secs); err != nil {
		return fmt.Errorf("fault.after: must be a duration string or seconds")
	}
	if math.Abs(secs) > float64(math.MaxInt64)/float64(time.Second) {
		return fmt.Errorf("fault.after: %v seconds is out of range", secs)
	}
	f.After = time.Duration(secs * float64(time.Second))
	return nil
}
