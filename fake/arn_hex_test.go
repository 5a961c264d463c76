package fake

import (
	"testing"

	"pgregory.net/rapid"
)

// putHex16 (eight digits at a time) writes exactly the digits one look-up
// per digit gives, high digit first, for any value; and appendHex keeps the
// digits of a partial draw that the loop kept.
func TestPutHex16MatchesADigitLoop(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		v := rapid.Uint64().Draw(rt, "v")
		var want, got [16]byte
		w := v
		for i := range want {
			want[i] = hexDigits[w>>60]
			w <<= 4
		}
		putHex16(got[:], v)
		if got != want {
			rt.Fatalf("putHex16(%#x) = %q, want %q", v, got[:], want[:])
		}
	})
	for _, v := range []uint64{0, ^uint64(0), 0x0123456789abcdef, 0xfedcba9876543210, 0x9999999999999999, 0xaaaaaaaaaaaaaaaa} {
		var got [16]byte
		putHex16(got[:], v)
		w, want := v, [16]byte{}
		for i := range want {
			want[i] = hexDigits[w>>60]
			w <<= 4
		}
		if got != want {
			t.Fatalf("putHex16(%#x) = %q, want %q", v, got[:], want[:])
		}
	}
}
