package awsjson

import (
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"
)

// sizeTypes are the shapes the size property draws: inputs and outputs
// with maps, unions, timestamps, floats and deep nesting, and a bare
// string and list (where nothing follows the last string).
var sizeTypes = []reflect.Type{
	reflect.TypeFor[string](),
	reflect.TypeFor[[]string](),
	reflect.TypeFor[ecs.RegisterTaskDefinitionInput](),
	reflect.TypeFor[ecs.CreateServiceInput](),
	reflect.TypeFor[ecs.DescribeServicesOutput](),
	reflect.TypeFor[ecs.DescribeTasksOutput](),
	reflect.TypeFor[ecs.DescribeContainerInstancesOutput](),
	reflect.TypeFor[types.ContainerDefinition](),
}

// MarshalSize agrees with Marshal: for any value and limit, the exact
// length when it is at most the limit; otherwise a size past the limit
// and no more than the length (the bytes counted before stopping).
func TestMarshalSizeAgreesWithMarshal(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		typ := rapid.SampledFrom(sizeTypes).Draw(rt, "type")
		v := reflect.New(typ)
		(&randomFiller{t: rt, budget: 400}).fill(v.Elem(), 0)
		data, err := Marshal(v.Interface())
		if err != nil {
			rt.Fatalf("Marshal: %v", err)
		}
		n := len(data)
		limits := []int{1, n, n + 1, rapid.IntRange(1, 2*n+2).Draw(rt, "limit")}
		if n > 1 {
			limits = append(limits, n-1)
		}
		for _, limit := range limits {
			size, exact, err := MarshalSize(v.Interface(), limit)
			switch {
			case err != nil:
				rt.Fatalf("limit %d: %v", limit, err)
			case n <= limit && (size != n || !exact):
				rt.Fatalf("limit %d: (%d, %v), want (%d, true)", limit, size, exact, n)
			case n > limit && (size <= limit || size > n || exact):
				rt.Fatalf("limit %d: (%d, %v), want a size in (%d, %d], not exact", limit, size, exact, limit, n)
			}
		}
	})
}

// Past its limit MarshalSize stops: a value far larger than the limit
// (a 64 MiB string, 1,000,000 list items, a 200,000-entry map) costs an
// allocation bounded by the limit, not by the value, and stops early.
func TestMarshalSizeStopsPastTheLimit(t *testing.T) {
	const limit = 64 << 10
	labels := make(map[string]string, 200_000)
	for i := range 200_000 {
		labels[strings.Repeat("k", i%7)+string(rune('a'+i%26))+time.Duration(i).String()] = "v"
	}
	cases := map[string]any{
		"string": &types.ContainerDefinition{Command: []string{"x", strings.Repeat("y", 64<<20)}},
		"list":   &types.ContainerDefinition{Command: make([]string, 1_000_000)},
		"map":    &types.ContainerDefinition{DockerLabels: labels},
		"escapes": &types.ContainerDefinition{Command: []string{
			strings.Repeat("\x01", limit/8), strings.Repeat("\x01", limit/8), strings.Repeat("\x01", limit)}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			var size int
			var exact bool
			var err error
			alloc := allocatedBytes(func() { size, exact, err = MarshalSize(v, limit) })
			if err != nil || exact || size <= limit {
				t.Fatalf("MarshalSize = (%d, %v, %v), want a size over %d", size, exact, err, limit)
			}
			// The largest piece is one string of the room left, escaped
			// (up to 6 bytes a byte); the buffer's growth doubles it.
			if alloc > 16*limit {
				t.Errorf("allocated %d KiB, want < %d KiB", alloc>>10, 16*limit>>10)
			}
			t.Logf("size %d, %d KiB allocated", size, alloc>>10)
		})
	}
}

// allocatedBytes returns the bytes f allocates.
func allocatedBytes(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// randomFiller sets a value's fields at random, drawn from t: pointers,
// slices, maps and unions set or left nil (slices and maps sometimes set
// and empty), strings made of every escape class (quotes, control bytes,
// invalid UTF-8, U+2028, multi-byte runes), non-finite floats, timestamps
// before and after 1970. budget bounds the values set.
type randomFiller struct {
	t      *rapid.T
	budget int
}

var strPieces = []string{"a", "é", "日本", `"`, `\`, "\n", "\t", "\x01", "\x1f", "\xff", "\u2028", "\u2029", "</>", strings.Repeat("z", 70)}

var floats = []float64{0, 1.5, -2.25, 1e21, 5e-324, math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}

func (r *randomFiller) set() bool {
	if r.budget <= 0 {
		return false
	}
	r.budget--
	return rapid.IntRange(0, 2).Draw(r.t, "set") > 0
}

func (r *randomFiller) fill(v reflect.Value, depth int) {
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		if depth < 12 && r.set() {
			nv := reflect.New(t.Elem())
			r.fill(nv.Elem(), depth+1)
			v.Set(nv)
		}
	case reflect.String:
		if r.set() {
			v.SetString(strings.Join(rapid.SliceOfN(rapid.SampledFrom(strPieces), 0, 6).Draw(r.t, "pieces"), ""))
		}
	case reflect.Bool:
		v.SetBool(rapid.Bool().Draw(r.t, "bool"))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(rapid.Int64Range(math.MinInt32, math.MaxInt32).Draw(r.t, "int"))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(rapid.SampledFrom(floats).Draw(r.t, "float"))
	case reflect.Slice:
		if depth < 12 && r.set() {
			n := rapid.IntRange(0, 3).Draw(r.t, "len")
			s := reflect.MakeSlice(t, n, n)
			for i := range n {
				r.fill(s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		if depth < 12 && r.set() {
			m := reflect.MakeMap(t)
			for range rapid.IntRange(0, 3).Draw(r.t, "entries") {
				k := reflect.New(t.Key()).Elem()
				r.fill(k, depth+1)
				ev := reflect.New(t.Elem()).Elem()
				r.fill(ev, depth+1)
				m.SetMapIndex(k, ev)
			}
			v.Set(m)
		}
	case reflect.Interface:
		if members := unionMembers[t]; len(members) > 0 && depth < 12 && r.set() {
			mv := reflect.New(members[0])
			r.fill(mv.Elem().FieldByName("Value"), depth+1)
			v.Set(mv)
		}
	case reflect.Struct:
		if t == timeType {
			if r.set() {
				v.Set(reflect.ValueOf(time.UnixMilli(rapid.Int64Range(-1e12, 5e12).Draw(r.t, "ms")).UTC()))
			}
			return
		}
		for _, fi := range structInfoOf(t).fields {
			r.fill(v.Field(fi.index), depth+1)
		}
	}
}
