#!/usr/bin/env bash
# Runs every benchmark behind the README's "Benchmarks" table, one after
# another, printing each command before its output. Run it on a quiet
# machine: the figures are wall and CPU times. Takes about 3 minutes on 2
# cores. Not part of CI (.ci/run); benchmarks are not pass/fail.
#
#   scripts/bench.sh            # everything
#   scripts/bench.sh catchup    # only the rows whose group name matches
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
only=${1:-}

# Each test binary is built on its group's first row (a group run alone
# builds only its own), and runs in its package directory: fake.test and
# plan.test read testdata relative to it.
runin() { # group, dir, binary, args...
	local group=$1 dir=$2 test=$3
	shift 3
	if [ -n "$only" ] && [[ $group != *$only* ]]; then return; fi
	[ -x "$bin/$test" ] || go test -c -o "$bin/$test" "./$dir"
	echo "== $group: (cd $dir && $test -test.run '^\$' $*)"
	(cd "$dir" && "$bin/$test" -test.run '^$' "$@" | grep -E '^(Benchmark|FAIL|---)' || true)
}

runin catchup fake fake.test -test.bench 'BenchmarkCatchUp$' -test.benchtime 1x -test.benchmem
runin catchup fake fake.test -test.bench 'BenchmarkCatchUp/crash-after-30s' -test.benchtime 1x -test.count 4
runin catchup fake fake.test -test.bench 'BenchmarkCatchUp/crash-after-30s' -test.benchtime 1x -test.cpu 1 -test.count 2
runin catchup fake fake.test -test.bench 'BenchmarkCatchUp/crash-after-30s' -test.benchtime 3x
runin catchup fake fake.test -test.bench 'BenchmarkCatchUp/crash-after-30s' -test.benchtime 3x -test.cpu 1
runin catchup fake fake.test -test.bench 'BenchmarkCatchUpRetention' -test.benchtime 1x
runin rolling fake fake.test -test.bench 'BenchmarkRollingDeploy$/tasks=100$' -test.benchtime 300x -test.cpu 1 -test.benchmem -test.count 3
runin rolling fake fake.test -test.bench 'BenchmarkRollingDeploy$/tasks=10000$' -test.benchtime 3x -test.cpu 1 -test.benchmem -test.count 3
runin rolling fake fake.test -test.bench 'BenchmarkRollingDeployWithLoadBalancer' -test.benchtime 3x -test.cpu 1 -test.benchmem
runin tasks fake fake.test -test.bench 'BenchmarkRunTask$' -test.benchtime 3x -test.benchmem
runin tasks fake fake.test -test.bench 'BenchmarkDescribeTasks$' -test.benchtime 300x -test.cpu 1 -test.benchmem
runin tasks fake fake.test -test.bench 'BenchmarkListTasksPaging$' -test.benchtime 3x -test.cpu 1 -test.benchmem
runin neighbours fake fake.test -test.bench 'BenchmarkTargetHealthHour' -test.benchtime 3x
runin neighbours fake fake.test -test.bench 'BenchmarkCapacityPlacement' -test.benchtime 3x -test.cpu 1
runin neighbours fake fake.test -test.bench 'BenchmarkManagedScalingDay' -test.benchtime 3x -test.benchmem
runin neighbours fake fake.test -test.bench 'BenchmarkTargetTrackingDay|BenchmarkAlarmEvaluation'
runin neighbours fake fake.test -test.bench 'BenchmarkLogsMillionEvents|BenchmarkFilterLogEvents'
runin server fake fake.test -test.bench 'BenchmarkServerDescribeServices' -test.benchtime 3s
runin plan fake/internal/plan plan.test -test.bench 'BenchmarkCompute' -test.benchmem -test.cpu 1
runin deployer . root.test -test.bench 'BenchmarkDeploy$' -test.benchtime 200x -test.benchmem
runin deployer . root.test -test.bench 'BenchmarkDeployEconomy' -test.benchtime 1x
if [ -z "$only" ] || [[ deployer == *$only* ]]; then
	echo "== deployer: go test -run 'TestDeployEconomyTargets' -v ."
	go test -count=1 -run 'TestDeployEconomyTargets' -v . | grep -vE '^(=== RUN|--- PASS)' | tail -20
fi
