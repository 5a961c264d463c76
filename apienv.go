package ecsdeploy

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/ecsdeploy/ecsdeploy/internal/jitter"
)

// Seeded is implemented by an API that is built from a random seed, such
// as *fake.ECS (fake.WithSeed). New then draws the jitter of its retry
// backoff from that seed, so the same program makes the same calls.
type Seeded interface {
	Seed() int64
}

// adoptAPIEnvironment takes the clock and the jitter seed from api when
// the options did not set them: an api that implements Clock (as *fake.ECS
// does) is the clock, so New(fake.New()) waits in virtual time; an api
// that implements Seeded seeds the retry jitter.
func adoptAPIEnvironment(api API, cfg config) config {
	if !cfg.clockSet {
		if c, ok := api.(Clock); ok {
			cfg.clock = c
		}
	}
	if !cfg.jitterSeedSet {
		if s, ok := api.(Seeded); ok {
			cfg.jitterSeed, cfg.jitterSeedSet = s.Seed(), true
		}
	}
	return cfg
}

// newBackoff is the SDK's exponential jitter backoff capped at maxBackoff,
// drawing from the seed when one was given (WithJitterSeed, or a Seeded
// API) and from the SDK's crypto source otherwise.
func newBackoff(cfg config, maxBackoff time.Duration) retry.BackoffDelayer {
	if !cfg.jitterSeedSet {
		return retry.NewExponentialJitterBackoff(maxBackoff)
	}
	return jitter.Legacy{Max: maxBackoff, Rand: jitter.NewSource(uint64(cfg.jitterSeed))}
}

// WithJitterSeed seeds the jitter of the backoff between retried API calls
// (see WithRetryAttempts), so retries are reproducible. Without it, New
// takes the seed of a Seeded API (*fake.ECS) and otherwise uses the SDK's
// random source. It takes effect when given to New.
func WithJitterSeed(seed int64) Option {
	return func(c *config) { c.jitterSeed, c.jitterSeedSet = seed, true }
}
