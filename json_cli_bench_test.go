package ecsdeploy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecsdeploy/ecsdeploy"
)

// BenchmarkLoadCLIv2JSON loads what AWS CLI v2 printed (ISO 8601
// timestamps): describe-task-definition and describe-services.
func BenchmarkLoadCLIv2JSON(b *testing.B) {
	td, err := os.ReadFile(filepath.Join("testdata", "cli", "v2-describe-task-definition.json"))
	if err != nil {
		b.Fatal(err)
	}
	svc, err := os.ReadFile(filepath.Join("testdata", "cli", "v2-describe-services.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("taskdef", func(b *testing.B) {
		b.SetBytes(int64(len(td)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ecsdeploy.LoadTaskDefinitionJSON(td); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("service", func(b *testing.B) {
		b.SetBytes(int64(len(svc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ecsdeploy.LoadServiceJSON(svc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
