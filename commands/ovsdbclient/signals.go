package ovsdbclient

import (
	"os"
	"syscall"
	"time"
)

// startTimeout arranges for SIGALRM after d, as OVS's --timeout does with
// alarm(2): the process then logs the signal and dies of it, so that
// scripts see status 142 as they do with OVS.
func startTimeout(d time.Duration) {
	time.AfterFunc(d, func() {
		syscall.Kill(os.Getpid(), syscall.SIGALRM)
	})
}
