package fake

import "testing"

func TestClusterQueryLanguage(t *testing.T) {
	c := &cluster{}
	in := &instance{ec2ID: "i-0abc", connected: true, cluster: c,
		attrs: map[string]string{"ecs.availability-zone": "us-east-1a", "ecs.instance-type": "c5.large", "size": "12"}}
	in.addGroup(c.internGroup("service:web"))
	tests := []struct {
		expr string
		want bool
	}{
		{"attribute:ecs.availability-zone == us-east-1a", true},
		{"attribute:ecs.availability-zone equals us-east-1b", false},
		{"attribute:ecs.instance-type =~ c5.*", true},
		{"attribute:ecs.instance-type !~ c5.*", false},
		{"attribute:ecs.instance-type matches *.large", true},
		{"attribute:ecs.instance-type in [t2.micro, c5.large]", true},
		{"attribute:ecs.instance-type not_in [t2.micro, c5.large]", false},
		{"attribute:size > 10", true},
		{"attribute:size <= 9", false},
		{"attribute:gpu exists", false},
		{"attribute:gpu !exists", true},
		{"attribute:gpu not_exists && ec2InstanceId == i-0abc", true},
		{"task:group == service:web", true},
		{"not_a_subject == x or agentConnected == true", false}, // parse error case below
		{"(attribute:size > 100 or attribute:size < 20) and agentConnected == true", true},
		{"attribute:ecs.instance-type == t2.* || attribute:size >= 12", true},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			x, err := parseExpr(tc.expr)
			if tc.expr == "not_a_subject == x or agentConnected == true" {
				if err == nil {
					t.Fatal("unknown subject accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := x.eval(in); got != tc.want {
				t.Fatalf("eval = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestClusterQueryLanguageErrors(t *testing.T) {
	for _, s := range []string{"", "attribute:a ==", "attribute:a in []", "attribute:a in [x", "(attribute:a exists", "attribute:a exists)", "attribute: == x", "attribute:a ?? x"} {
		if _, err := parseExpr(s); err == nil {
			t.Errorf("%q: parsed, want error", s)
		}
	}
}
