// Package testbin builds the ovs binary, with a symlink per tool, for the
// tests that run the tools the way users do (by name, as separate
// processes). It is used only from tests; it lives outside _test files so
// that every such test builds the binary the same way.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Build builds the module rooted at root (CGO_ENABLED=0, -trimpath, 2 MB
// aligned segments, as the Makefile does) into a new temporary directory, adds one symlink per
// tool that `ovs --list-tools` names, and returns the directory. The
// caller removes it.
func Build(root string) (string, error) {
	dir, err := os.MkdirTemp("", "govs-test-bin-")
	if err != nil {
		return "", err
	}
	// -R 0x200000 as in the Makefile: 2 MB aligned segments (internal/hugetext).
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-R 0x200000", "-o", filepath.Join(dir, "ovs"), ".")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("building ovs: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(dir, "ovs"), "--list-tools").Output()
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("ovs --list-tools: %v", err)
	}
	for _, t := range strings.Fields(string(out)) {
		if err := os.Symlink("ovs", filepath.Join(dir, t)); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}
