package ecsdeploy

import "testing"

func TestParseCPU(t *testing.T) {
	tests := []struct {
		in      string
		want    int32
		wantErr bool
	}{
		{"256", 256, false},
		{" 1024 ", 1024, false},
		{"0.25 vCPU", 256, false},
		{".5 vcpu", 512, false},
		{"1vCPU", 1024, false},
		{"16 vCPU", 16384, false},
		{"0.125 vCPU", 128, false},
		{"", 0, true},
		{"abc", 0, true},
		{"-1", 0, true},
		{"0", 0, true},
		{"0.0001 vCPU", 0, true},
		{"1e3 vCPU", 0, true},
		{"NaN vCPU", 0, true},
		{"vCPU", 0, true},
		{"99999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseCPU(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseCPU(%q) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseMemory(t *testing.T) {
	tests := []struct {
		in      string
		want    int32
		wantErr bool
	}{
		{"512", 512, false},
		{"0.5 GB", 512, false},
		{"0.5GB", 512, false},
		{"2 gb", 2048, false},
		{"30 GB", 30720, false},
		{"1.1 GB", 0, true},
		{"512 MiB", 0, true},
		{"", 0, true},
		{"Inf GB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseMemory(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
