package server

import (
	"fmt"

	"github.com/govs/ovs/db/database"
)

// Exclusive runs fn with the named database while no transaction can write
// to it: fn sees the database exactly as the commit hook (Options.Commit)
// has been given it, with no commit applied in memory and not yet
// persisted. ovsdb-server/compact needs this to snapshot a database
// consistently with its file. Readers are not held up; writers wait until
// fn returns. The _Server database cannot be held this way.
func (s *Server) Exclusive(name string, fn func(db *database.Database) error) error {
	d := s.lookup(name)
	if d == nil || d.reserved {
		return fmt.Errorf("%s: no database named %s", name, name)
	}
	d.wmu.Lock()
	defer d.wmu.Unlock()
	if d.removed.Load() {
		return fmt.Errorf("%s: no database named %s", name, name)
	}
	return fn(d.database())
}
