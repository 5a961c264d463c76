package awsjson

import (
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ecsdeploy/ecsdeploy/internal/sdkreflect"
)

// fieldInfo describes one serialisable struct field.
type fieldInfo struct {
	name  string // wire member name
	key   string // `"name":`, pre-encoded
	index int
	typ   reflect.Type
}

// structInfo is the cached serialisation metadata of one struct type.
type structInfo struct {
	fields []fieldInfo
	byName map[string]int // wire name -> index in fields
}

var typeCache = sdkreflect.NewCache(buildStructInfo)

var timeType = reflect.TypeFor[time.Time]()

// memberName is the wire name of a Go field: its name with a lower-case first letter.
func memberName(goName string) string {
	r, size := utf8.DecodeRuneInString(goName)
	return string(unicode.ToLower(r)) + goName[size:]
}

// declaredNames reports whether the types of an SDK package travel with
// their members' declared (upper-case) names: the Smithy models of ECS and
// CloudWatch Logs declare lower-case member names, Application Auto
// Scaling's and CloudWatch's upper-case ones ("ServiceNamespace", "ResourceId"), which the
// Go field names keep.
func declaredNames(pkgPath string) bool {
	return strings.HasPrefix(pkgPath, "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling") ||
		strings.HasPrefix(pkgPath, "github.com/aws/aws-sdk-go-v2/service/cloudwatch") && !strings.HasPrefix(pkgPath, "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs")
}

// structInfoOf returns the (cached) metadata of struct type t.
func structInfoOf(t reflect.Type) *structInfo { return typeCache.Of(t) }

// buildStructInfo derives the metadata of struct type t (an exception's code travels as __type,
// not as a member).
func buildStructInfo(t reflect.Type) *structInfo {
	si := &structInfo{byName: map[string]int{}}
	for _, f := range sdkreflect.Fields(t) {
		name := memberName(f.Name)
		if declaredNames(t.PkgPath()) {
			name = f.Name
		}
		si.byName[name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{name: name, key: encodeKey(name), index: f.Index, typ: f.Type})
	}
	return si
}

// encodeKey returns name as a JSON object key followed by a colon.
func encodeKey(name string) string {
	e := encoder{}
	e.str(name)
	return string(append(e.buf, ':'))
}
