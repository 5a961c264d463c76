package ecsdeploy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Diff returns a readable, stable diff between two task definitions after
// normalising what ECS normalises (see NormalizeTaskDefinition); "" means no
// change. Each line is "path: old -> new", with containers and other named
// list elements addressed by name (containerDefinitions[web].image) and
// "<none>" for an absent value. Neither input is modified.
func Diff(a, b *ecs.RegisterTaskDefinitionInput) string {
	na, nb := NormalizeTaskDefinition(a), NormalizeTaskDefinition(b)
	r := &diffReporter{}
	cmp.Equal(na, nb,
		cmpopts.EquateEmpty(),
		cmp.FilterPath(unexportedField, cmp.Ignore()),
		cmp.Reporter(r),
	)
	return strings.Join(r.lines, "\n")
}

// unexportedField matches the SDK's unexported noSmithyDocumentSerde fields.
func unexportedField(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	if !ok {
		return false
	}
	r := []rune(sf.Name())
	return len(r) > 0 && !unicode.IsUpper(r[0])
}

// diffReporter collects one line per unequal leaf.
type diffReporter struct {
	path  cmp.Path
	lines []string
}

// PushStep implements cmp.Reporter.
func (r *diffReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }

// PopStep implements cmp.Reporter.
func (r *diffReporter) PopStep() { r.path = r.path[:len(r.path)-1] }

// Report implements cmp.Reporter: it records unequal leaves.
func (r *diffReporter) Report(rs cmp.Result) {
	if rs.Equal() || rs.ByIgnore() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.lines = append(r.lines, fmt.Sprintf("%s: %s -> %s", formatPath(r.path), formatValue(vx), formatValue(vy)))
}

// formatPath renders a cmp.Path with ECS JSON member names.
func formatPath(p cmp.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case cmp.StructField:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(lowerFirst(s.Name()))
		case cmp.SliceIndex:
			vx, vy := s.Values()
			if key := elementKey(vx); key != "" {
				fmt.Fprintf(&b, "[%s]", key)
			} else if key := elementKey(vy); key != "" {
				fmt.Fprintf(&b, "[%s]", key)
			} else {
				kx, ky := s.SplitKeys()
				k := kx
				if k < 0 {
					k = ky
				}
				fmt.Fprintf(&b, "[%d]", k)
			}
		case cmp.MapIndex:
			fmt.Fprintf(&b, "[%v]", s.Key())
		}
	}
	if b.Len() == 0 {
		return "taskDefinition"
	}
	return b.String()
}

// elementKey returns the name a list element is known by (Name, Key or
// ContainerName), or "".
func elementKey(v reflect.Value) string {
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return ""
	}
	for _, f := range []string{"Name", "Key", "ContainerName", "SourceContainer"} {
		fv := v.FieldByName(f)
		if fv.IsValid() && fv.Kind() == reflect.Pointer && !fv.IsNil() && fv.Elem().Kind() == reflect.String {
			return fv.Elem().String()
		}
		if fv.IsValid() && fv.Kind() == reflect.String && fv.String() != "" {
			return fv.String()
		}
	}
	return ""
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// formatValue renders a value compactly with ECS JSON member names, leaving
// out unset members.
func formatValue(v reflect.Value) string {
	if !v.IsValid() {
		return "<none>"
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "<none>"
		}
		return formatValue(v.Elem())
	case reflect.String:
		if v.String() == "" && v.Type() != reflect.TypeFor[string]() {
			return "<none>" // an unset enum
		}
		return fmt.Sprintf("%q", v.String())
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return "<none>"
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = formatValue(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		if v.IsNil() {
			return "<none>"
		}
		keys := v.MapKeys()
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%v: %s", k, formatValue(v.MapIndex(k))))
		}
		sortStrings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.Struct:
		var parts []string
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() || v.Field(i).IsZero() {
				continue
			}
			parts = append(parts, lowerFirst(t.Field(i).Name)+": "+formatValue(v.Field(i)))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v.Interface())
}

func sortStrings(s []string) { slices.Sort(s) }
