package fake

import (
	"context"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

type regionKey struct{}

// ContextWithRegion returns a context whose requests build ARNs in region
// (the HTTP server sets it from the SigV4 credential scope).
func ContextWithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

// regionFor returns the request's region: the one in ctx, else the fake's.
func (e *ECS) regionFor(ctx context.Context) string {
	if ctx != nil {
		if r, ok := ctx.Value(regionKey{}).(string); ok && r != "" {
			return r
		}
	}
	return e.cfg.region
}

// arn builds every ARN the fake hands out, in ECS's long format:
// arn:aws:ecs:<region>:<account>:<resource>.
func (e *ECS) arn(region, resource string) string {
	return "arn:aws:ecs:" + region + ":" + e.cfg.account + ":" + resource
}

// missingFailure is the MISSING failure for ref, a reference to a kind
// ("task", "service", "container-instance") of cluster c that matched
// nothing. It names an ARN as given, a short ID or name by the full ARN it
// would have, as ECS answers (aws ecs describe-container-instances output
// quoted in k1LoW/awspec#228).
func (e *ECS) missingFailure(c *cluster, kind, ref string) types.Failure {
	arn := ref
	if !strings.HasPrefix(ref, "arn:") {
		arn = e.arn(c.region, kind+"/"+c.name+"/"+ref)
	}
	return types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")}
}

// arnResource splits an ECS ARN into resource type and the rest
// ("task", "cluster/id"). ok is false when s is not an ECS ARN.
func arnResource(s string) (kind, rest string, ok bool) {
	if !strings.HasPrefix(s, "arn:") {
		return "", "", false
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[2] != "ecs" {
		return "", "", false
	}
	kind, rest, _ = strings.Cut(parts[5], "/")
	return kind, rest, true
}

// arnHome returns the "arn:PARTITION:SERVICE:REGION:ACCOUNT:" prefix of s
// (everything through its fifth colon), or "" when s has fewer colons.
func arnHome(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			if n++; n == 5 {
				return s[:i+1]
			}
		}
	}
	return ""
}

// homeMatches reports whether ref, the name, ID or ARN a request gave, can
// name the resource whose ARN is own. A name or ID always can. An ARN must
// have own's partition, service, region and account: an ARN of another
// account or region names a resource this fake does not have, even when
// the rest of it spells the name of one of ours (the fake holds one
// account, and each resource lives in the region of its ARN).
func homeMatches(ref, own string) bool {
	if !strings.HasPrefix(ref, "arn:") {
		return true
	}
	h := arnHome(ref)
	return h != "" && h == arnHome(own)
}

// hexDigits are the digits of IDs.
const hexDigits = "0123456789abcdef"

// idStream sets the identifier source apart from the decision source
// (resetLocked seeds both from the fake's seed).
const idStream = 0x2545f4914f6cdd1d

// hexID returns n random lowercase hex digits from the identifier source.
func (e *ECS) hexID(n int) string {
	var buf [64]byte
	var b []byte
	if n <= len(buf) {
		b = buf[:n]
	} else {
		b = make([]byte, n)
	}
	e.appendHex(b[:0], n)
	return string(b)
}

// appendHex appends n random hex digits to b, sixteen per draw from the
// identifier source, the high digit first (a draw's digits past the n-th
// are dropped): a task ID costs two draws.
func (e *ECS) appendHex(b []byte, n int) []byte {
	b = slices.Grow(b, n)
	d := b[len(b) : len(b)+n]
	for len(d) >= 16 {
		putHex16(d, e.ids.Uint64())
		d = d[16:]
	}
	if len(d) > 0 {
		var last [16]byte
		putHex16(last[:], e.ids.Uint64())
		copy(d, last[:])
	}
	return b[:len(b)+n]
}

// putHex16 writes v's sixteen hex digits to d, the high digit first, eight
// at a time (hexWord): a task ID's 32 digits were a loop of 32 look-ups.
func putHex16(d []byte, v uint64) {
	binary.BigEndian.PutUint64(d[:8], hexWord(uint32(v>>32)))
	binary.BigEndian.PutUint64(d[8:16], hexWord(uint32(v)))
}

// hexWord returns x's eight hex digits (lowercase ASCII) packed in a
// uint64, the high digit in the high byte.
func hexWord(x uint32) uint64 {
	// One nibble per byte, in order: 0x12345678 -> 0x0102030405060708.
	u := uint64(x)
	u = (u | u<<16) & 0x0000ffff0000ffff
	u = (u | u<<8) & 0x00ff00ff00ff00ff
	u = (u | u<<4) & 0x0f0f0f0f0f0f0f0f
	// Each byte b becomes '0'+b, plus 'a'-'0'-10 when b > 9 (b+6
	// carries into bit 4 exactly then); no byte carries into the next.
	letters := ((u + 0x0606060606060606) >> 4) & 0x0101010101010101
	return u + 0x3030303030303030 + letters*('a'-'0'-10)
}

// drawPackedHex draws 2*len(d) hex digits as appendHex does, keeping them
// packed two to a byte, the first digit high (unpackHex shows them): a
// container's runtime ID (four draws) and its ARN's UUID (two).
func (e *ECS) drawPackedHex(d []byte) {
	for len(d) >= 8 {
		binary.BigEndian.PutUint64(d, e.ids.Uint64())
		d = d[8:]
	}
	if len(d) > 0 {
		var last [8]byte
		binary.BigEndian.PutUint64(last[:], e.ids.Uint64())
		copy(d, last[:])
	}
}

// uuid returns a random (seeded) UUID-shaped string.
func (e *ECS) uuid() string {
	var buf [36]byte
	return string(e.appendUUID(buf[:0]))
}

// appendUUID appends a random (seeded) UUID-shaped string to b: 32 hex
// digits drawn as appendHex draws them (two draws), the 13th shown as 4
// and the 17th as a (version 4, variant 10xx).
func (e *ECS) appendUUID(b []byte) []byte {
	var h [32]byte
	e.appendHex(h[:0], 32)
	return appendUUIDDigits(b, &h)
}

// appendUUIDDigits appends the 32 hex digits h in the 8-4-4-4-12 UUID form,
// the 13th shown as 4 and the 17th as a (version 4, variant 10xx).
func appendUUIDDigits(b []byte, h *[32]byte) []byte {
	h[12], h[16] = '4', 'a'
	b = append(b, h[0:8]...)
	b = append(b, '-')
	b = append(b, h[8:12]...)
	b = append(b, '-')
	b = append(b, h[12:16]...)
	b = append(b, '-')
	b = append(b, h[16:20]...)
	b = append(b, '-')
	return append(b, h[20:32]...)
}
