package database

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

var uuidText = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// Looking a "name == X" condition up in a unique index finds what the full
// scan finds, in the same order, whatever the transaction did to the table
// before: rows renamed to or away from X, deleted, inserted, some of them
// not yet committed.
func TestIndexProbeAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 7))
	db := New(loadTestSchema(t))
	names := []string{"x", "y", "z"}
	name := func() string { return names[rng.IntN(len(names))] }
	run := func(ops string, probe bool) string {
		probeIndexes = probe
		defer func() { probeIndexes = true }()
		res, _, _, err := db.Transact(mustParse(t, q(ops)).A, TxnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return uuidText.ReplaceAllString(res.String(), "U")
	}
	for i := 0; i < 400; i++ {
		var ops, changes []string
		for n := 1 + rng.IntN(6); n > 0; n-- {
			var op string
			switch rng.IntN(7) {
			case 0:
				op = fmt.Sprintf(`{'op':'insert','table':'Idx','row':{'a':'%s','b':%d}}`, name(), rng.IntN(3))
			case 1:
				op = fmt.Sprintf(`{'op':'update','table':'Idx','where':[['a','==','%s']],'row':{'a':'%s'}}`, name(), name())
			case 2:
				op = fmt.Sprintf(`{'op':'update','table':'Idx','where':[['b','==',%d]],'row':{'a':'%s'}}`, rng.IntN(3), name())
			case 3:
				op = fmt.Sprintf(`{'op':'delete','table':'Idx','where':[['a','==','%s']]}`, name())
			case 4:
				op = fmt.Sprintf(`{'op':'select','table':'Idx','where':[['a','==','%s']],'columns':['a','b']}`, name())
				ops = append(ops, op)
				continue
			case 5:
				op = fmt.Sprintf(`{'op':'select','table':'Idx','where':[['b','==',%d],['a','==','%s']],'columns':['a','b']}`, rng.IntN(3), name())
				ops = append(ops, op)
				continue
			case 6:
				op = fmt.Sprintf(`{'op':'wait','table':'Idx','timeout':0,'where':[['a','==','%s']],'columns':['b'],'until':'!=','rows':[]}`, name())
				ops = append(ops, op)
				continue
			}
			ops = append(ops, op)
			changes = append(changes, op)
		}
		txn := "[" + strings.Join(ops, ",") + ",{'op':'abort'}]"
		probed, scanned := run(txn, true), run(txn, false)
		if probed != scanned {
			t.Fatalf("transaction %d: %s\nindex probe: %s\nfull scan:   %s", i, q(txn), probed, scanned)
		}
		if len(changes) > 0 {
			run("["+strings.Join(changes, ",")+"]", true)
		}
	}
	count := 0
	db.View(func(tx ReadTx) { count = tx.Count("Idx") })
	if count == 0 {
		t.Error("the table stayed empty: the test exercised nothing")
	}
}
