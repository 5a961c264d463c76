package ecsdeploy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// CPUUnitsPerVCPU is the number of ECS CPU units in one vCPU.
const CPUUnitsPerVCPU = 1024

// ParseCPU converts a task or container CPU value to ECS CPU units. It
// accepts plain units ("256", "1024") and the console's vCPU strings
// ("0.25 vCPU", ".5 vcpu", "1vCPU"), which RegisterTaskDefinition also
// accepts and which ECS stores as units (1 vCPU = 1024 units).
func ParseCPU(s string) (int32, error) {
	return parseUnit(s, "vcpu", CPUUnitsPerVCPU, "CPU units")
}

// ParseMemory converts a task or container memory value to MiB. It accepts
// plain MiB ("512") and the console's GB strings ("0.5 GB", "2GB"); ECS
// treats 1 GB as 1024 MiB.
func ParseMemory(s string) (int32, error) {
	return parseUnit(s, "gb", 1024, "MiB")
}

// parseUnit parses either a whole number of base units or a decimal number
// followed by suffix (case-insensitive) multiplied by factor; the result
// must be a positive whole number of base units.
func parseUnit(s, suffix string, factor float64, base string) (int32, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("must not be empty")
	}
	lower := strings.ToLower(t)
	if num, ok := strings.CutSuffix(lower, suffix); ok {
		num = strings.TrimSpace(num)
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || num == "" || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(num, "eEx_") {
			return 0, fmt.Errorf("%q is not a number of %s or a whole number of %s", s, suffix, base)
		}
		v := f * factor
		if v <= 0 || v > math.MaxInt32 || v != math.Trunc(v) {
			return 0, fmt.Errorf("%q must be a positive whole number of %s", s, base)
		}
		return int32(v), nil
	}
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q must be a positive whole number of %s or a %s string such as \"0.5 %s\"", s, base, suffix, unitLabel(suffix))
	}
	return int32(n), nil
}

func unitLabel(suffix string) string {
	if suffix == "vcpu" {
		return "vCPU"
	}
	return "GB"
}
