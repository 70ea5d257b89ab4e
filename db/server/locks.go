package server

import (
	"slices"
	"sync"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// lockManager implements RFC 7047 locks (section 4.1.8-4.1.11) with OVS's
// "steal". Locks are server-wide, not per database. Each lock has a queue of
// sessions; the first is the owner. A session whose lock is stolen stays in
// the queue behind the thief, so it gets the lock back (with a "locked"
// notification) when the thief lets go, as OVS does.
type lockManager struct {
	mu    sync.Mutex
	locks map[string][]*session
}

func newLockManager() *lockManager {
	return &lockManager{locks: make(map[string][]*session)}
}

func (lm *lockManager) queued(s *session, name string) bool {
	for _, w := range lm.locks[name] {
		if w == s {
			return true
		}
	}
	return false
}

// held reports whether s owns the named lock.
func (lm *lockManager) held(s *session, name string) bool {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	q := lm.locks[name]
	return len(q) > 0 && q[0] == s
}

// lock queues s for the lock and reports whether it got it at once.
func (lm *lockManager) lock(s *session, name string) (bool, error) {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	if lm.queued(s, name) {
		return false, lockSyntaxError(name, "must issue \"unlock\" before new \"lock\"")
	}
	lm.locks[name] = append(lm.locks[name], s)
	return len(lm.locks[name]) == 1, nil
}

// steal makes s the owner at once. The previous owner is told its lock
// was stolen and keeps its place in the queue.
func (lm *lockManager) steal(s *session, name string) error {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	if lm.queued(s, name) {
		return lockSyntaxError(name, "must issue \"unlock\" before new \"steal\"")
	}
	q := lm.locks[name]
	var victim *session
	if len(q) > 0 {
		victim = q[0]
	}
	q = append(q, nil)
	copy(q[1:], q)
	q[0] = s
	lm.locks[name] = q
	if victim != nil {
		victim.locksLost.Add(1)
		victim.notify("stolen", lockParams(name))
	}
	return nil
}

// unlock removes s from the lock's queue, handing the lock to the next
// waiter if s owned it.
func (lm *lockManager) unlock(s *session, name string) error {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	if !lm.queued(s, name) {
		return lockSyntaxError(name, "unlock: \"unlock\" without \"lock\" or \"steal\"")
	}
	lm.removeLocked(s, name)
	return nil
}

func (lm *lockManager) removeLocked(s *session, name string) {
	q := lm.locks[name]
	for i, w := range q {
		if w != s {
			continue
		}
		copy(q[i:], q[i+1:])
		q[len(q)-1] = nil
		q = q[:len(q)-1]
		if len(q) == 0 {
			delete(lm.locks, name)
			return
		}
		lm.locks[name] = q
		if i == 0 {
			q[0].notify("locked", lockParams(name))
		}
		return
	}
}

// release drops every lock s holds or waits for; the session is going away.
func (lm *lockManager) release(s *session) {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	for name := range lm.locks {
		if lm.queued(s, name) {
			lm.removeLocked(s, name)
		}
	}
}

// names returns the locks s owns and the locks it waits for, sorted.
func (lm *lockManager) names(s *session) (held, waiting []string) {
	lm.mu.Lock()
	defer lm.mu.Unlock()
	for name, q := range lm.locks {
		for i, w := range q {
			if w == s {
				if i == 0 {
					held = append(held, name)
				} else {
					waiting = append(waiting, name)
				}
			}
		}
	}
	slices.Sort(held)
	slices.Sort(waiting)
	return held, waiting
}

func lockParams(name string) ovsjson.Value {
	return ovsjson.NewArray(ovsjson.NewString(name))
}

func lockSyntaxError(name, details string) error {
	return ovsdb.NewSyntaxError(lockParams(name), "%s", details)
}
