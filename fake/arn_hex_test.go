package fake

import (
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// putHex16 (eight digits at a time) writes exactly the digits one look-up
// per digit gives, high digit first, for any value (appendHex's partial
// draws: TestAppendHexMatchesADigitLoop).
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

// appendHex draws as the digit loop did (one draw per sixteen digits, the
// last draw's high digits for a partial one) and writes the same digits,
// for every length up to three draws, after what b held.
func TestAppendHexMatchesADigitLoop(t *testing.T) {
	for n := 0; n <= 48; n++ {
		e, loop := New(), rand.NewPCG(7, 11)
		e.ids = rand.NewPCG(7, 11)
		got := e.appendHex([]byte("x-"), n)
		want := []byte("x-")
		for len(want) < 2+n {
			v := loop.Uint64()
			for range min(2+n-len(want), 16) {
				want = append(want, hexDigits[v>>60])
				v <<= 4
			}
		}
		if string(got) != string(want) {
			t.Fatalf("appendHex(%d) = %q, want %q", n, got, want)
		}
		if a, b := e.ids.Uint64(), loop.Uint64(); a != b {
			t.Fatalf("appendHex(%d) drew other values than the loop: next draw %#x, want %#x", n, a, b)
		}
	}
}
