package ofctl

import (
	"io"
	"os"
	"strings"
	"testing"
)

// The command benchmarks drive a switch that is already running and
// loaded with flows (bench/ofctl.sh's, say): they name its run directory
// in OFCTL_BENCH_RUNDIR and the flow files in OFCTL_BENCH_FLOWS (two
// files, comma-separated, that replace-flows alternates between).
// Without them the benchmarks skip: starting a switch and loading 100,000
// flows would dwarf what is measured.

func benchSwitch(b *testing.B) {
	dir := os.Getenv("OFCTL_BENCH_RUNDIR")
	if dir == "" {
		b.Skip("OFCTL_BENCH_RUNDIR not set")
	}
	b.Setenv("OVS_RUNDIR", dir)
}

func benchRun(b *testing.B, args ...string) {
	var errb strings.Builder
	if st := run(append([]string{"ovs-ofctl"}, args...), strings.NewReader(""), io.Discard, &errb); st != 0 {
		b.Fatalf("%v: status %d: %s", args, st, errb.String())
	}
}

func BenchmarkDumpFlowsSwitch(b *testing.B) {
	benchSwitch(b)
	for b.Loop() {
		benchRun(b, "dump-flows", "br0")
	}
}

func BenchmarkReplaceFlowsSwitch(b *testing.B) {
	benchSwitch(b)
	files := strings.Split(os.Getenv("OFCTL_BENCH_FLOWS"), ",")
	if len(files) != 2 {
		b.Skip("OFCTL_BENCH_FLOWS does not name two files")
	}
	i := 0
	for b.Loop() {
		benchRun(b, "-O", "OpenFlow13", "replace-flows", "br0", files[i%2])
		i++
	}
}
