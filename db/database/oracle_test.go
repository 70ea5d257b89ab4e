package database

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// The oracle tests run sequences of transactions against an empty
// database of testdata/test.ovsschema and compare each reply with what
// OVS 3.1's ovsdb-tool replied, recorded in testdata/oracle.golden. With
// ovsdb-tool installed the test also checks that the real tool still
// gives the recorded replies; -update re-records them.

var update = flag.Bool("update", false, "re-record testdata/oracle.golden from the real ovsdb-tool")

const (
	c1 = "cccccccc-0000-0000-0000-000000000001"
	c2 = "cccccccc-0000-0000-0000-000000000002"
	c3 = "cccccccc-0000-0000-0000-000000000003"
	r1 = "aaaaaaaa-0000-0000-0000-000000000001"
	r2 = "aaaaaaaa-0000-0000-0000-000000000002"
	nx = "ffffffff-0000-0000-0000-00000000000f"
)

func q(s string) string { return strings.ReplaceAll(s, "'", `"`) }

func uu(u string) string { return `["uuid","` + u + `"]` }

// fixture: Root r1 refers strongly to c1 and c2 and weakly to c1; c2
// refers to c3. Root r2 ("y") refers to nothing.
var fixture = q(`[
 {'op':'insert','table':'Child','row':{'name':'c1','k':1},'uuid':'` + c1 + `'},
 {'op':'insert','table':'Child','row':{'name':'c2','k':2,'kids':` + uu(c3) + `},'uuid':'` + c2 + `'},
 {'op':'insert','table':'Child','row':{'name':'c3','k':3},'uuid':'` + c3 + `'},
 {'op':'insert','table':'Root','uuid':'` + r1 + `','row':{'name':'x','i':1,'r':1.5,'b':true,
   'iset':['set',[3,1,2]],'sset':['set',['b','a']],'smap':['map',[['k','v'],['a','b']]],'imap':['map',[[1,2]]],
   'rset':2.5,'strong':['set',[` + uu(c1) + `,` + uu(c2) + `]],'weak':` + uu(c1) + `}},
 {'op':'insert','table':'Root','uuid':'` + r2 + `','row':{'name':'y','i':2,'u':` + uu(r1) + `}}]`)

func sel(table, where, cols string) string {
	return q(`{'op':'select','table':'` + table + `','where':` + where + `,'columns':` + cols + `}`)
}

func mut(where, muts string) string {
	return q(`[{'op':'mutate','table':'Root','where':` + where + `,'mutations':` + muts + `},` +
		`{'op':'select','table':'Root','where':` + where + `,'columns':['i','r','iset','rset','sset','smap','imap','iset3','range','opt','e','emap']}]`)
}

var xWhere = q(`[['name','==','x']]`)

type oracleCase struct {
	name string
	txns []string
}

func whereCases() []oracleCase {
	var cs []oracleCase
	conds := []string{
		`[['i','<',2]]`, `[['i','<',2.0]]`, `[['i','<',2.5]]`, `[['r','<',2]]`, `[['r','>=',1.5]]`,
		`[['r','<=',1.5]]`, `[['r','>',1.5]]`, `[['i','!=',1]]`, `[['i','includes',1]]`, `[['i','excludes',1]]`,
		`[['name','<','z']]`, `[['b','<',true]]`, `[['iset','<',1]]`, `[['opt','<',1]]`, `[['opt','==',1]]`,
		`[['opt','!=',1]]`, `[['opt','includes',1]]`, `[['opt','excludes',1]]`, `[['opt','<',['set',[]]]]`,
		`[['iset','includes',1]]`, `[['iset','includes',['set',[1,3]]]]`, `[['iset','excludes',['set',[1,7]]]]`,
		`[['iset','excludes',['set',[7]]]]`, `[['iset','==',['set',[1,2,3]]]]`, `[['iset','==',['set',[1,1]]]]`,
		`[['smap','includes',['map',[['k','v']]]]]`, `[['smap','includes',['map',[['k','x']]]]]`,
		`[['smap','excludes',['map',[['k','x']]]]]`, `[['smap','==',['map',[['k','v'],['a','b']]]]]`,
		`[['smap','!=',['map',[]]]]`, `[['smap','==',['map',[['a','b'],['a','c']]]]]`, `[['smap','==',['set',[]]]]`,
		`[['smap','==',['map',[[1]]]]]`, `[['_uuid','==',` + uu(r2) + `]]`, `[['_uuid','!=',` + uu(r2) + `]]`,
		`[['_uuid','<',` + uu(r2) + `]]`, `[['u','==',` + uu(r1) + `]]`, `[['u','==',['named-uuid','foo']]]`,
		`[['name','includes','x']]`, `[['name','excludes','x']]`, `[['name','=','x']]`, `[['name','==','x',1]]`,
		`[['nope','==','x']]`, `[['nope','=','x']]`, `[['name','==',1]]`, `[['i','<']]`, `[[1,'<',1]]`,
		`[['i',1,1]]`, `[1]`, `['x']`, `[null]`, `[true]`, `[true,false]`, `[false]`, `[['iset3','includes',['set',[1,2,3,4]]]]`,
		`[['iset3','excludes',['set',[1,2,3,4]]]]`, `[['iset3','==',['set',[1,2,3,4]]]]`, `[['opt','<',['set',[1,2]]]]`,
		`[['i','<',['set',[]]]]`, `[['i','includes',['set',[]]]]`, `[['i','includes',['set',[1]]]]`,
		`[['opt','excludes',['set',[1,2]]]]`, `[['opt','includes',['set',[1,2]]]]`, `[['range','includes',['set',[11]]]]`,
		`[['range','excludes',11]]`, `[['i','==',['set',[1,2]]]]`, `[['i','==',['map',[]]]]`,
		`[['iset3','<',1]]`, `[['strong','<',1]]`, `[['rrange','<',1]]`, `[['slen','<',1]]`, `[['emap','<',1]]`,
		`[['e','<',1]]`, `[['imap','<',1]]`, `[['u','<',1]]`, `[['i','>',0],['r','<',2]]`, `[['e','==','d']]`,
		`[['weak','includes',` + uu(c1) + `]]`, `[['strong','==',['set',[` + uu(c1) + `,` + uu(c2) + `]]]]`,
	}
	for i, c := range conds {
		cs = append(cs, oracleCase{fmt.Sprintf("where%d", i), []string{fixture, "[" + sel("Root", q(c), q(`['name']`)) + "]"}})
	}
	for _, tc := range []struct{ table, col string }{
		{"Strict", "iset2"}, {"Strict", "weak1"}, {"Wk", "m"}, {"Wk", "refs"}, {"Wk", "ref"},
		{"A", "s1"}, {"A", "m0"}, {"A", "m1"}, {"A", "m2"}, {"A", "m3"}, {"A", "m4"},
	} {
		cs = append(cs, oracleCase{"type-" + tc.table + "-" + tc.col, []string{"[" + sel(tc.table, q(`[['`+tc.col+`','<',1]]`), "[]") + "]"}})
	}
	cs = append(cs,
		oracleCase{"where-s1-eq-empty", []string{"[" + sel("A", q(`[['s1','==',['set',[]]]]`), "[]") + "]"}},
		oracleCase{"where-m3-eq-empty", []string{"[" + sel("A", q(`[['m3','==',['map',[]]]]`), "[]") + "]"}},
	)
	return cs
}

func mutateCases() []oracleCase {
	muts := []string{
		`[['i','+=',5],['r','*=',2],['iset','+=',10],['rset','-=',0.5]]`,
		`[['i','/=',0]]`, `[['i','%=',0]]`, `[['r','/=',0]]`, `[['r','%=',2]]`,
		`[['i','+=',9223372036854775807]]`, `[['i','-=',-9223372036854775807]]`, `[['i','*=',9223372036854775807]]`,
		`[['i','-=',9223372036854775807],['i','-=',2]]`, `[['i','-=',9223372036854775807],['i','-=',3]]`,
		`[['i','-=',2],['i','/=',-1]]`, `[['i','-=',9223372036854775807],['i','-=',2],['i','/=',-1]]`,
		`[['i','-=',9223372036854775807],['i','-=',2],['i','%=',-1]]`, `[['i','-=',8],['i','%=',3]]`,
		`[['i','-=',8],['i','/=',3]]`, `[['r','*=',1e308],['r','*=',10]]`, `[['iset','*=',0]]`, `[['iset','/=',0]]`,
		`[['iset','insert',['set',[9,0]]]]`, `[['iset','insert',9]]`, `[['iset','delete',['set',[1,9]]]]`,
		`[['iset','delete',2]]`, `[['iset3','insert',['set',[1,2,3,4]]]]`, `[['iset3','insert',['set',[1,2,3]]]]`,
		`[['range','insert',['set',[1,2,3]]],['range','+=',8]]`, `[['range','insert',['set',[11]]]]`,
		`[['range','insert',['set',[1,2,3]]],['range','*=',-1]]`, `[['range','insert',['set',[1,2,3]]],['range','*=',0]]`,
		`[['smap','insert',['map',[['k','new'],['z','1']]]]]`, `[['smap','delete',['map',[['k','new'],['a','b']]]]]`,
		`[['smap','delete',['set',['k']]]]`, `[['smap','delete','k']]`, `[['smap','delete',['set',[1]]]]`,
		`[['smap','+=',['map',[['k','new']]]]]`, `[['imap','+=',1]]`, `[['opt','insert',1],['opt','insert',2]]`,
		`[['opt','insert',1],['opt','+=',2]]`, `[['e','insert','d']]`, `[['e','insert','a']]`, `[['sset','+=','a']]`,
		`[['iset','foo',1]]`, `[['iset','insert']]`, `[['iset','insert',1,2]]`, `[1]`, `[['nope','insert',1]]`,
		`[['_uuid','insert',1]]`, `[['_version','+=',1]]`, `[['imm','+=',1]]`, `[[1,'+=',1]]`, `[['iset',1,1]]`,
		`[['name','+=','a']]`, `[['b','+=',true]]`, `[['u','+=',1]]`, `[['name','insert','a']]`, `[['i','insert',1]]`,
		`[['i','delete',1]]`, `[['opt','delete',1]]`, `[['strong','+=',1]]`, `[['range','+=',0.5]]`,
		`[['rset','+=',1]]`, `[['r','%=',1]]`, `[['rrange','+=',1]]`, `{}`, `[]`, `[['imm','foo',1]]`,
		`[['nope','foo',1]]`, `[['range','+=',20]]`, `[['range','insert',20]]`, `[['iset3','delete',['set',[1,2,3,4,5]]]]`,
		`[['smap','delete',['map',[['a',1]]]]]`, `[['smap','insert',['set',['a']]]]`, `[['emap','delete',['set',[7]]]]`,
		`[['emap','delete',['map',[[1,'y']]]]]`, `[['emap','insert',['map',[[1,'y']]]]]`, `[['emap','insert',['map',[[1,'x']]]]]`,
		`[['e','delete','zz']]`, `[['i','+=',1.5]]`, `[['rset','*=',3]]`, `[['iset','+=',['set',[1]]]]`,
		`[['iset','+=',['set',[1,2]]]]`, `[['rrange','insert',2.5],['rrange','+=',0.5]]`, `[['rrange','insert',3]]`,
		`[['opt','insert',1],['opt','insert',2],['opt','delete',2]]`, `[['iset','+=',9],['iset','-=',9]]`,
		`[['iset','*=',0],['iset','insert',5]]`, `[['range','insert',10],['range','+=',1],['range','-=',1]]`,
		`[['smap','delete',['map',[['a','b'],['a','c']]]]]`, `[['iset','delete',['set',[1,1]]]]`,
		`[['smap','delete',['set',['a','a']]]]`, `[['iset','insert',['set',[9223372036854775807,1]]],['iset','*=',3]]`,
		`[['iset','-=',1],['iset','%=',2]]`, `[['iset','/=',2]]`, `[['imap','insert',['map',[[1,5],[3,4]]]]]`,
		`[['imap','delete',['map',[[1,5]]]]]`, `[['imap','delete',['map',[[1,2]]]]]`, `[['slen','insert','abcde']]`,
		`[['slen','insert','a']]`, `[['slen','insert','abc']]`, `[['strong','insert',['named-uuid','foo']]]`,
		`[['strong','delete',` + uu(c1) + `]]`,
		// OVS's "*=" overflow test rejects some products that fit.
		`[['i','*=',4611686018427387904]]`, `[['i','*=',4611686018427387903]]`, `[['i','*=',-9223372036854775808]]`,
		`[['i','*=',-1],['i','*=',-4294967296]]`, `[['i','*=',-1],['i','*=',-3037000499]]`, `[['i','*=',-1],['i','*=',-3037000500]]`,
		`[['i','*=',2],['i','*=',4611686018427387903]]`, `[['i','*=',3037000499],['i','*=',3037000499]]`,
		`[['i','*=',0],['i','*=',9223372036854775807]]`, `[['i','*=',-2],['i','*=',4611686018427387904]]`,
		`[['i','*=',-2],['i','*=',4611686018427387905]]`,
	}
	var cs []oracleCase
	for i, m := range muts {
		cs = append(cs, oracleCase{fmt.Sprintf("mutate%d", i), []string{fixture, mut(xWhere, q(m))}})
	}
	// Mutations parse even when no row matches; arithmetic fails only on
	// the elements it meets.
	nope := q(`[['name','==','nope']]`)
	for i, m := range []string{`[['i','/=',0]]`, `[['range','+=',20]]`, `[['iset','insert',['set',[1,2,3,4]]]]`} {
		cs = append(cs, oracleCase{fmt.Sprintf("mutate-nomatch%d", i), []string{fixture, mut(nope, q(m))}})
	}
	cs = append(cs, oracleCase{"mutate-empty-div0", []string{fixture, mut(q(`[['name','==','y']]`), q(`[['iset','/=',0],['rset','/=',0]]`))}})
	// Sizes after mutation.
	a := q(`[{'op':'insert','table':'A','row':{'s1':['set',[1,2]],'m1':['map',[[1,'a']]],'m2':['map',[[1,'a']]],'m3':['map',[[1,'a']]]}}]`)
	for i, m := range []string{
		`[['s1','delete',['set',[1,2]]]]`, `[['m1','delete',['set',[1]]]]`,
		`[['m0','insert',['map',[[1,'a'],[2,'b'],[3,'c'],[4,'d']]]],['m0','insert',['map',[[5,'e']]]]]`,
		`[['m3','insert',['map',[[2,'a']]]]]`, `[['m3','delete',['map',[[1,'a']]]]]`, `[['s1','-=',1]]`,
		`[['s1','*=',0]]`, `[['s1','-=',9223372036854775807],['s1','-=',9223372036854775807]]`,
		`[['m3','insert',['map',[[1,'a'],[2,'b']]]]]`, `[['s1','delete',['set',[]]]]`,
	} {
		cs = append(cs, oracleCase{fmt.Sprintf("mutate-size%d", i), []string{a,
			q(`[{'op':'mutate','table':'A','where':[],'mutations':` + m + `},{'op':'select','table':'A','where':[],'columns':['s1','m0','m1','m2','m3','m4']}]`)}})
	}
	return cs
}

func opCases() []oracleCase {
	return []oracleCase{
		{"empty", []string{`[]`}},
		{"not-object", []string{`[1]`}},
		{"empty-object", []string{`[{}]`}},
		{"unknown-op", []string{q(`[{'op':'foo'}]`)}},
		{"op-not-string", []string{q(`[{'op':1}]`)}},
		{"no-table", []string{q(`[{'op':'select'}]`)}},
		{"table-not-string", []string{q(`[{'op':'select','table':1,'where':[]}]`)}},
		{"unknown-table", []string{q(`[{'op':'select','table':'Nope','where':[]}]`)}},
		{"extra-member", []string{q(`[{'op':'select','table':'Root','where':[],'extra':1}]`)}},
		{"second-op-bad", []string{q(`[{'op':'select','table':'Root','where':[]},{'op':'bogus'}]`)}},
		{"middle-op-fails", []string{fixture, q(`[{'op':'select','table':'Root','where':[['i','==',1]],'columns':['name']},{'op':'select','table':'Root','where':[['i','<','z']]},{'op':'select','table':'Root','where':[]}]`)}},
		{"comment-missing", []string{q(`[{'op':'comment'}]`)}},
		{"comment-type", []string{q(`[{'op':'comment','comment':1}]`)}},
		{"comment", []string{q(`[{'op':'comment','comment':'hi'}]`)}},
		{"abort", []string{q(`[{'op':'abort'}]`)}},
		{"abort-then", []string{q(`[{'op':'insert','table':'Root','row':{}},{'op':'abort'},{'op':'comment','comment':'x'}]`), q(`[{'op':'select','table':'Root','where':[],'columns':[]}]`)}},
		{"abort-extra", []string{q(`[{'op':'abort','extra':5}]`)}},
		{"commit-missing", []string{q(`[{'op':'commit'}]`)}},
		{"commit-durable", []string{q(`[{'op':'commit','durable':true}]`)}},
		{"commit-nondurable", []string{q(`[{'op':'commit','durable':false}]`)}},
		{"commit-type", []string{q(`[{'op':'commit','durable':1}]`)}},
		{"commit-extra", []string{q(`[{'op':'commit','durable':false,'extra':5}]`)}},
		{"assert", []string{q(`[{'op':'assert','lock':'foo'}]`)}},
		{"assert-missing", []string{q(`[{'op':'assert'}]`)}},
		{"assert-type", []string{q(`[{'op':'assert','lock':5}]`)}},
		{"assert-id", []string{q(`[{'op':'assert','lock':'a b'}]`)}},
		{"comment-extra", []string{q(`[{'op':'comment','comment':'x','extra':5}]`)}},
		{"select-all", []string{fixture, q(`[{'op':'select','table':'Root','where':[]}]`)}},
		{"select-columns", []string{fixture, q(`[{'op':'select','table':'Root','where':[],'columns':['name','i','_uuid','_version']}]`)}},
		{"select-no-columns", []string{fixture, q(`[{'op':'select','table':'Root','where':[],'columns':[]}]`)}},
		{"select-dedup", []string{fixture, q(`[{'op':'select','table':'Root','where':[],'columns':['eph']}]`)}},
		{"select-dup-columns", []string{q(`[{'op':'select','table':'Root','where':[],'columns':['name','name']}]`)}},
		{"select-bad-column", []string{q(`[{'op':'select','table':'Root','where':[],'columns':['nope']}]`)}},
		{"select-column-type", []string{q(`[{'op':'select','table':'Root','where':[],'columns':[1]}]`)}},
		{"select-columns-type", []string{q(`[{'op':'select','table':'Root','where':[],'columns':'name'}]`)}},
		{"select-where-type", []string{q(`[{'op':'select','table':'Root','where':{}}]`)}},
		{"select-where-missing", []string{q(`[{'op':'select','table':'Root'}]`)}},
		{"select-where-first", []string{q(`[{'op':'select','table':'Root','where':[['nope','==',1]],'columns':['nope']}]`)}},
		{"select-member-order", []string{q(`[{'op':'select','table':'Root','columns':5,'where':6}]`)}},
		{"insert-basic", []string{fixture, q(`[{'op':'select','table':'Root','where':[['name','==','x']]},{'op':'select','table':'Child','where':[],'columns':['_uuid','name','kids','k']}]`)}},
		{"insert-dup-name", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid-name':'a'},{'op':'insert','table':'Root','row':{},'uuid-name':'a'}]`)}},
		{"insert-bad-name", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid-name':'1a'}]`)}},
		{"insert-bad-name2", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid-name':'a-b'}]`)}},
		{"insert-underscore-name", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid-name':'_a'}]`)}},
		{"insert-unresolved-name", []string{q(`[{'op':'insert','table':'Root','row':{'u':['named-uuid','zz']}}]`)}},
		{"insert-unresolved-strong", []string{q(`[{'op':'insert','table':'Root','row':{'strong':['named-uuid','zz']}}]`)}},
		{"insert-forward-ref", []string{q(`[{'op':'insert','table':'Root','row':{'u':['named-uuid','zz'],'name':'ref'}},{'op':'insert','table':'Root','row':{'name':'zz'},'uuid-name':'zz'},{'op':'select','table':'Root','where':[],'columns':['_uuid','u','name']}]`)}},
		{"insert-self-ref", []string{q(`[{'op':'insert','table':'Root','row':{'u':['named-uuid','a']},'uuid-name':'a'},{'op':'select','table':'Root','where':[['u','==',['named-uuid','a']]],'columns':['_uuid','u']}]`)}},
		{"insert-explicit-uuid", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid':'11111111-2222-3333-4444-555555555556','uuid-name':'q'},{'op':'insert','table':'Root','row':{'u':['named-uuid','q']}},{'op':'select','table':'Root','where':[['u','==',['uuid','11111111-2222-3333-4444-555555555556']]],'columns':['u']}]`)}},
		{"insert-uppercase-uuid", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid':'CCCCCCCC-0000-0000-0000-00000000000A'}]`)}},
		{"insert-bad-uuid", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid':'11111111-2222-3333-4444-55555555555'}]`)}},
		{"insert-uuid-type", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid':5}]`)}},
		{"insert-dup-uuid", []string{fixture, q(`[{'op':'insert','table':'Root','row':{},'uuid':'` + r1 + `'}]`)}},
		{"insert-dup-uuid-in-txn", []string{q(`[{'op':'insert','table':'Root','row':{},'uuid':'` + r1 + `'},{'op':'insert','table':'Root','row':{},'uuid':'` + r1 + `'}]`)}},
		{"insert-deleted-uuid", []string{fixture, q(`[{'op':'delete','table':'Root','where':[]},{'op':'insert','table':'Root','row':{},'uuid':'` + r1 + `'}]`)}},
		{"insert-uuid-other-table", []string{fixture, q(`[{'op':'insert','table':'Root','row':{'name':'same'},'uuid':'` + c1 + `'}]`)}},
		{"insert-ids-ignored", []string{q(`[{'op':'insert','table':'Root','row':{'_uuid':` + uu(r1) + `,'_version':` + uu(r1) + `}},{'op':'select','table':'Root','where':[['_uuid','==',` + uu(r1) + `]]}]`)}},
		{"insert-id-type", []string{q(`[{'op':'insert','table':'Root','row':{'_uuid':5}}]`)}},
		{"insert-unknown-column", []string{q(`[{'op':'insert','table':'Root','row':{'nope':1}}]`)}},
		{"insert-imm-eph", []string{q(`[{'op':'insert','table':'Root','row':{'imm':1,'eph':2}},{'op':'select','table':'Root','where':[['imm','==',1]],'columns':['imm','eph']}]`), q(`[{'op':'select','table':'Root','where':[],'columns':['imm','eph']}]`)}},
		{"insert-row-type", []string{q(`[{'op':'insert','table':'Root','row':[]}]`)}},
		{"insert-row-missing", []string{q(`[{'op':'insert','table':'Root'}]`)}},
		{"insert-member-order", []string{q(`[{'op':'insert','table':'Root','row':5,'uuid':6}]`), q(`[{'op':'insert','table':'Root','row':{},'uuid-name':5,'uuid':6}]`), q(`[{'op':'insert','table':'Root','row':5,'uuid-name':5}]`)}},
		{"insert-check-order", []string{fixture, q(`[{'op':'insert','table':'Root','row':{'nope':1},'uuid':'` + r1 + `'}]`), q(`[{'op':'insert','table':'Root','row':{},'uuid-name':'a'},{'op':'insert','table':'Root','row':{'nope':1},'uuid-name':'a'}]`)}},
		// (With several bad defaults OVS reports the first in its hash
		// order; we report the first in column order.)
		{"insert-defaults", []string{q(`[{'op':'insert','table':'Strict','row':{'ienum':7}}]`), q(`[{'op':'insert','table':'Strict','row':{'enum':'a'}}]`), q(`[{'op':'insert','table':'Strict','row':{'enum':'a','ienum':7}}]`)}},
		{"insert-set-size", []string{q(`[{'op':'insert','table':'Strict','row':{'enum':'a','ienum':7,'iset2':['set',[]]}}]`), q(`[{'op':'insert','table':'Strict','row':{'enum':'a','ienum':7,'iset2':['set',[1,2,3,4]]}}]`)}},
		{"insert-enum", []string{q(`[{'op':'insert','table':'Root','row':{'e':'d'}}]`), q(`[{'op':'insert','table':'Root','row':{'emap':['map',[[1,'y']]]}}]`)}},
		{"insert-range", []string{q(`[{'op':'insert','table':'Root','row':{'range':['set',[0]]}}]`), q(`[{'op':'insert','table':'Root','row':{'rrange':3.5}}]`), q(`[{'op':'insert','table':'Root','row':{'rrange':-2}}]`)}},
		{"insert-length", []string{q(`[{'op':'insert','table':'Root','row':{'slen':'a'}}]`), q(`[{'op':'insert','table':'Root','row':{'slen':'abcde'}}]`), q(`[{'op':'insert','table':'Root','row':{'slen':'abcd'}}]`)}},
		{"insert-type-errors", []string{q(`[{'op':'insert','table':'Root','row':{'i':'x'}}]`), q(`[{'op':'insert','table':'Root','row':{'i':1.5}}]`), q(`[{'op':'insert','table':'Root','row':{'b':1}}]`), q(`[{'op':'insert','table':'Root','row':{'u':'x'}}]`), q(`[{'op':'insert','table':'Root','row':{'u':['uuid','x']}}]`), q(`[{'op':'insert','table':'Root','row':{'smap':['set',[]]}}]`), q(`[{'op':'insert','table':'Root','row':{'iset':['map',[]]}}]`)}},
		{"update", []string{fixture, q(`[{'op':'update','table':'Root','where':[],'row':{'i':7}},{'op':'select','table':'Root','where':[],'columns':['i']}]`)}},
		{"update-count", []string{fixture, q(`[{'op':'update','table':'Root','where':[['name','==','x']],'row':{'i':1}},{'op':'update','table':'Root','where':[['name','==','nope']],'row':{'i':1}}]`)}},
		{"update-immutable", []string{fixture, q(`[{'op':'update','table':'Root','where':[],'row':{'_uuid':` + uu(r1) + `}}]`), q(`[{'op':'update','table':'Root','where':[],'row':{'_version':` + uu(r1) + `}}]`), q(`[{'op':'update','table':'Root','where':[['name','==','nope']],'row':{'imm':3}}]`)}},
		{"update-eph", []string{fixture, q(`[{'op':'update','table':'Root','where':[],'row':{'eph':3}},{'op':'select','table':'Root','where':[],'columns':['eph']}]`)}},
		{"update-empty", []string{fixture, q(`[{'op':'update','table':'Root','where':[],'row':{}}]`)}},
		{"update-unknown", []string{q(`[{'op':'update','table':'Root','where':[],'row':{'nope':1}}]`)}},
		{"update-missing", []string{q(`[{'op':'update','table':'Root','where':[]}]`), q(`[{'op':'update','table':'Root','row':{}}]`)}},
		{"update-order", []string{q(`[{'op':'update','table':'Root','row':{'nope':1},'where':[['nope','==',1]]}]`), q(`[{'op':'update','table':'Root','row':{'imm':1},'where':[['nope','==',1]]}]`), q(`[{'op':'update','table':'Root','row':{'i':'x'},'where':[['nope','==',1]]}]`), q(`[{'op':'update','table':'Root','row':5,'where':6}]`)}},
		{"mutate-order", []string{q(`[{'op':'mutate','table':'Root','mutations':[['nope','+=',1]],'where':[['nope','==',1]]}]`), q(`[{'op':'mutate','table':'Root','mutations':5,'where':6}]`), q(`[{'op':'mutate','table':'Root','where':[]}]`)}},
		{"delete-order", []string{q(`[{'op':'delete','table':'Root','where':5}]`), q(`[{'op':'delete','table':'Root','where':[['nope','==',1]],'x':1}]`)}},
	}
}

func waitCases() []oracleCase {
	w := func(s string) string { return q(`[{'op':'wait','table':'Root',` + s + `}]`) }
	var cs []oracleCase
	for i, s := range []string{
		`'where':[],'columns':['name'],'until':'==','rows':[{'name':'x'},{'name':'y'}],'timeout':0`,
		`'where':[],'columns':['name'],'until':'==','rows':[{'name':'y'},{'name':'x'}],'timeout':0`,
		`'where':[],'columns':['name'],'until':'==','rows':[{'name':'x'}],'timeout':0`,
		`'where':[],'columns':['name'],'until':'!=','rows':[{'name':'x'}],'timeout':0`,
		`'where':[],'columns':['name'],'until':'!=','rows':[{'name':'x'},{'name':'y'}],'timeout':0`,
		`'where':[],'columns':['name'],'until':'==','rows':[{'name':'x'},{'name':'y'},{'name':'y'}],'timeout':0`,
		`'where':[['name','==','x']],'columns':['name'],'until':'==','rows':[{'name':'x'}]`,
		`'where':[['name','==','x']],'until':'==','rows':[{'name':'x'}],'timeout':0`,
		`'where':[['name','==','x']],'columns':['name'],'until':'<','rows':[{'name':'x'}],'timeout':0`,
		`'where':[['name','==','x']],'columns':['name'],'until':'==','rows':[{'nope':'x'}],'timeout':0`,
		`'where':[['name','==','x']],'columns':['name'],'until':'==','rows':[{'i':1}],'timeout':0`,
		`'where':[['name','==','x']],'columns':['name','i'],'until':'==','rows':[{'i':1}],'timeout':0`,
		`'where':[['name','==','x']],'columns':['name','i'],'until':'==','rows':[],'timeout':0`,
		`'where':[['name','==','x']],'columns':['name','i'],'until':'==','rows':[],'timeout':-1`,
		`'where':[['name','==','x']],'columns':['name','i'],'until':'==','rows':[],'timeout':1.5`,
		`'where':[['name','==','x']],'columns':[],'until':'==','rows':[{}],'timeout':0`,
		`'where':[['name','==','zz']],'columns':[],'until':'==','rows':[{}],'timeout':0`,
		`'where':[['name','==','zz']],'columns':[],'until':'==','rows':[],'timeout':0`,
		`'where':[],'columns':['name'],'until':'==','rows':{}`,
		`'where':[],'columns':['name'],'rows':[]`,
		`'where':[],'columns':['name'],'until':'==','rows':[1],'timeout':0`,
		`'where':[],'columns':['_uuid'],'until':'!=','rows':[{'_uuid':` + uu(r2) + `}],'timeout':0`,
		`'where':[['name','==','y']],'columns':['_uuid'],'until':'==','rows':[{'_uuid':` + uu(r2) + `}],'timeout':0`,
		`'where':[['name','==','y']],'columns':['_uuid','name'],'until':'==','rows':[{'_uuid':` + uu(r2) + `,'name':'y'}],'timeout':0`,
		`'where':[['name','==','y']],'until':'==','rows':[{'name':'y','i':2,'u':` + uu(r1) + `,'_uuid':` + uu(r2) + `}],'timeout':0`,
		`'where':[['name','==','y']],'columns':['_version'],'until':'!=','rows':[{'_version':` + uu(r2) + `}],'timeout':0`,
		`'where':[['nope','==',1]],'columns':['nope'],'until':'<','rows':[{'nope':1}],'timeout':-1`,
		`'where':[],'columns':['nope'],'until':'<','rows':[{'nope':1}],'timeout':-1`,
		`'where':[],'columns':['i'],'until':'<','rows':[{'nope':1}],'timeout':-1`,
		`'where':[],'columns':['i'],'until':'<','rows':[{'nope':1}],'timeout':0`,
		`'where':[],'columns':['i'],'until':'<','rows':5,'timeout':0`,
		`'where':[],'columns':['i'],'until':'==','rows':[{'i':'x'}],'timeout':0`,
		`'columns':5,'where':6,'timeout':'x','until':1,'rows':1`,
		`'columns':5,'timeout':'x'`,
		`'columns':5,'until':'==','where':[],'rows':[]`,
		`'where':[],'until':5,'rows':[]`,
	} {
		cs = append(cs, oracleCase{fmt.Sprintf("wait%d", i), []string{fixture, w(s)}})
	}
	return cs
}

func commitCases() []oracleCase {
	del := func(table, where string) string {
		return q(`{'op':'delete','table':'` + table + `','where':` + where + `}`)
	}
	c1Where := q(`[['name','==','c1']]`)
	childNames := q(`[{'op':'select','table':'Child','where':[],'columns':['name','kids']},{'op':'select','table':'Root','where':[],'columns':['name','strong','weak']}]`)
	i4 := q(`{'op':'insert','table':'Idx','row':{'a':'1','b':1}},{'op':'insert','table':'Idx','row':{'a':'2','b':2}},{'op':'insert','table':'Idx','row':{'a':'3','b':3}},{'op':'insert','table':'Idx','row':{'a':'4','b':4}}`)
	dup := q(`{'op':'insert','table':'Idx','row':{'a':'1','b':1}},{'op':'insert','table':'Idx','row':{'a':'1','b':2}}`)
	ri := del("Child", c1Where)
	ri2 := q(`{'op':'insert','table':'Root','row':{'strong':` + uu(nx) + `}}`)
	wk := q(`{'op':'insert','table':'Wk','row':{'refs':` + uu(nx) + `}}`)
	return []oracleCase{
		{"ri-delete-referenced", []string{fixture, "[" + ri + "]", "[" + del("Child", q(`[['name','==','c3']]`)) + "]"}},
		{"gc-cascade", []string{fixture, "[" + del("Root", q(`[['name','==','x']]`)) + "]", childNames}},
		{"gc-drop-one", []string{fixture, q(`[{'op':'mutate','table':'Root','where':[],'mutations':[['strong','delete',` + uu(c1) + `]]}]`), childNames}},
		{"gc-drop-subtree", []string{fixture, q(`[{'op':'mutate','table':'Root','where':[],'mutations':[['strong','delete',` + uu(c2) + `]]}]`), childNames}},
		{"gc-orphan-insert", []string{fixture, q(`[{'op':'insert','table':'Child','row':{'name':'orphan'}},{'op':'select','table':'Child','where':[['name','==','orphan']],'columns':['name']}]`), childNames}},
		{"gc-cycle-survives", []string{q(`[{'op':'insert','table':'Child','row':{'name':'c4','kids':['named-uuid','c5']},'uuid-name':'c4'},{'op':'insert','table':'Child','row':{'name':'c5','kids':['named-uuid','c4']},'uuid-name':'c5'}]`), childNames}},
		{"gc-self-ref", []string{q(`[{'op':'insert','table':'Child','row':{'name':'c4','kids':['named-uuid','c4']},'uuid-name':'c4'}]`), childNames}},
		{"gc-self-ref-existing", []string{fixture, q(`[{'op':'mutate','table':'Child','where':` + c1Where + `,'mutations':[['kids','insert',` + uu(c1) + `]]}]`), q(`[{'op':'mutate','table':'Root','where':[],'mutations':[['strong','delete',` + uu(c1) + `]]}]`), childNames}},
		{"ri-before-gc", []string{fixture, q(`[{'op':'mutate','table':'Root','where':[],'mutations':[['strong','delete',` + uu(c2) + `]]},` + del("Child", q(`[['name','==','c3']]`)) + `]`)}},
		{"ri-gc-row-dangling", []string{fixture, q(`[{'op':'insert','table':'Child','row':{'name':'gc','kids':` + uu(nx) + `}}]`)}},
		{"ri-new-ref-deleted", []string{fixture, q(`[{'op':'insert','table':'Child','row':{'name':'gc','kids':` + uu(c1) + `}},` + ri + `,{'op':'mutate','table':'Root','where':[],'mutations':[['strong','delete',` + uu(c1) + `]]}]`)}},
		{"ri-delete-and-gc", []string{fixture, "[" + del("Root", "[]") + "," + del("Child", "[]") + "]", "[" + del("Child", "[]") + "," + del("Root", "[]") + "]", childNames}},
		{"ri-delete-all-children", []string{fixture, "[" + del("Child", "[]") + "]"}},
		{"ri-two-refs", []string{fixture, q(`[{'op':'insert','table':'Root','row':{'name':'r5','strong':` + uu(c1) + `}},` + ri + `]`)}},
		{"ri-unchanged-ref", []string{fixture, q(`[` + ri + `,{'op':'update','table':'Root','where':[],'row':{'i':5}}]`), q(`[{'op':'update','table':'Root','where':[],'row':{'strong':` + uu(c1) + `}},` + ri + `]`)}},
		{"ri-keep-other", []string{fixture, q(`[{'op':'insert','table':'Root','row':{'name':'r2','strong':` + uu(c1) + `}},{'op':'mutate','table':'Root','where':[['name','==','x']],'mutations':[['strong','delete',` + uu(c1) + `]]}]`), childNames}},
		{"ri-forward-named", []string{q(`[{'op':'insert','table':'Root','row':{'strong':['named-uuid','k']}},{'op':'insert','table':'Child','row':{'name':'new'},'uuid-name':'k'}]`), childNames}},
		{"ri-map-refs", []string{q(`[{'op':'insert','table':'Q','row':{'a':'q1'},'uuid':'` + c1 + `'},{'op':'insert','table':'P','row':{'m':['map',[['a',` + uu(c1) + `],['b',` + uu(c1) + `]]],'s':` + uu(c1) + `}}]`),
			q(`[{'op':'delete','table':'Q','where':[]}]`), q(`[{'op':'mutate','table':'Q','where':[],'mutations':[['self','insert',` + uu(c1) + `]]},{'op':'delete','table':'Q','where':[]}]`)}},
		{"order-ri-maxrows", []string{fixture, "[" + ri + "," + i4 + "]", "[" + i4 + "," + ri + "]"}},
		{"order-ri-index", []string{fixture, "[" + ri + "," + dup + "]", "[" + dup + "," + ri + "]"}},
		{"order-ri-ri", []string{fixture, "[" + ri2 + "," + ri + "]", "[" + ri + "," + ri2 + "]"}},
		{"order-weak-ri", []string{fixture, "[" + wk + "," + ri + "]", "[" + ri + "," + wk + "]", "[" + ri2 + "," + wk + "]"}},
		{"order-weak-maxrows", []string{"[" + wk + "," + i4 + "]"}},
		{"order-weak-index", []string{"[" + wk + "," + dup + "]"}},
		{"weak-nonexistent-dropped", []string{fixture, q(`[{'op':'insert','table':'Root','row':{'name':'r3','weak':['set',[` + uu(c1) + `,` + uu(nx) + `]]}},{'op':'select','table':'Root','where':[['name','==','r3']],'columns':['weak']}]`), q(`[{'op':'select','table':'Root','where':[['name','==','r3']],'columns':['weak']}]`)}},
		{"weak-delete-target", []string{q(`[{'op':'insert','table':'Idx','row':{'a':'x'},'uuid-name':'i1'},{'op':'insert','table':'Wk','row':{'refs':['named-uuid','i1'],'ref':['named-uuid','i1'],'m':['map',[[['named-uuid','i1'],'v']]]}}]`),
			q(`[{'op':'delete','table':'Idx','where':[]}]`),
			q(`[{'op':'insert','table':'Idx','row':{'a':'y'},'uuid-name':'i2'},{'op':'mutate','table':'Wk','where':[],'mutations':[['refs','insert',['named-uuid','i2']]]},{'op':'delete','table':'Idx','where':[['a','==','x']]}]`),
			q(`[{'op':'select','table':'Wk','where':[],'columns':['ref','refs','m']}]`)}},
		{"weak-gc-target", []string{fixture, q(`[{'op':'mutate','table':'Root','where':[],'mutations':[['strong','delete',` + uu(c1) + `]]},{'op':'delete','table':'Child','where':` + c1Where + `}]`), childNames}},
		{"weak-zero-uuid", []string{q(`[{'op':'insert','table':'Strict','row':{'enum':'a','ienum':7}}]`), q(`[{'op':'insert','table':'Root','row':{'weak':['set',[` + uu(nx) + `]]}},{'op':'insert','table':'Wk','row':{'refs':['set',[` + uu(nx) + `,['uuid','00000000-0000-0000-0000-000000000000']]]}}]`)}},
		{"weak-two-dangling", []string{q(`[{'op':'insert','table':'Wk','row':{'refs':['set',[` + uu(nx) + `,['uuid','eeeeeeee-0000-0000-0000-00000000000e']]]}}]`)}},
		{"index-insert-dup", []string{q(`[{'op':'insert','table':'Idx','row':{'a':'x','b':1},'uuid':'` + r1 + `'},{'op':'insert','table':'Idx','row':{'a':'x','b':2},'uuid':'` + r2 + `'}]`)}},
		{"index-existing", []string{q(`[{'op':'insert','table':'Q','row':{'a':'q1'},'uuid':'` + c1 + `'},{'op':'insert','table':'P','row':{'s':` + uu(c1) + `}}]`),
			q(`[{'op':'insert','table':'Q','row':{'a':'q1'},'uuid':'` + c2 + `'},{'op':'insert','table':'P','row':{'s':` + uu(c2) + `}}]`),
			q(`[{'op':'insert','table':'Q','row':{'a':'q1'}}]`)}},
		{"index-quoting", []string{q(`[{'op':'insert','table':'Q','row':{'a':'q 1','b':-3,'c':true},'uuid':'` + c1 + `'},{'op':'insert','table':'Q','row':{'a':'q 1','b':-3,'c':true},'uuid':'` + c2 + `'},{'op':'insert','table':'P','row':{'s':['set',[` + uu(c1) + `,` + uu(c2) + `]]}}]`)}},
		{"index-swap-and-modify", []string{q(`[{'op':'insert','table':'Idx','row':{'a':'1','b':1},'uuid':'` + c1 + `'},{'op':'insert','table':'Idx','row':{'a':'2','b':2},'uuid':'` + c2 + `'}]`),
			q(`[{'op':'update','table':'Idx','where':[['a','==','1']],'row':{'a':'2'}},{'op':'update','table':'Idx','where':[['b','==',2]],'row':{'a':'1'}}]`),
			q(`[{'op':'select','table':'Idx','where':[],'columns':['a','b']}]`),
			q(`[{'op':'update','table':'Idx','where':[['b','==',1]],'row':{'a':'1'}}]`)}},
		{"index-multi", []string{q(`[{'op':'insert','table':'Idx','row':{'a':'x','b':1,'c':['set',[1,2]]},'uuid':'` + c1 + `'},{'op':'insert','table':'Idx','row':{'a':'y','b':1,'c':['set',[2,1]]},'uuid':'` + c2 + `'}]`)}},
		{"maxrows", []string{"[" + i4 + "]", q(`[{'op':'insert','table':'Idx','row':{'a':'1','b':1}},{'op':'insert','table':'Idx','row':{'a':'2','b':2}},{'op':'insert','table':'Idx','row':{'a':'3','b':3}}]`),
			q(`[{'op':'insert','table':'Idx','row':{'a':'4','b':4}}]`), q(`[{'op':'insert','table':'Idx','row':{'a':'1','b':4}}]`),
			q(`[{'op':'insert','table':'Idx','row':{'a':'4','b':4}},{'op':'delete','table':'Idx','where':[['a','==','1']]}]`)}},
		{"weak-new-zero-default", []string{q(`[{'op':'insert','table':'Strict','row':{'enum':'a','ienum':7,'weak1':` + uu(nx) + `}}]`)}},
		{"comment-join", []string{q(`[{'op':'comment','comment':'a'},{'op':'comment','comment':''},{'op':'insert','table':'Root','row':{}}]`)}},
	}
}

func allOracleCases() []oracleCase {
	var cs []oracleCase
	cs = append(cs, opCases()...)
	cs = append(cs, whereCases()...)
	cs = append(cs, mutateCases()...)
	cs = append(cs, waitCases()...)
	cs = append(cs, commitCases()...)
	return cs
}

var uuidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// normalizer makes replies comparable across implementations: _version
// values are dropped, "rows" arrays sorted, and UUIDs renamed in order of
// first appearance.
type normalizer struct{ names map[string]string }

func (n *normalizer) normalize(v ovsjson.Value) string {
	v = canon(v)
	text := v.String()
	return uuidRE.ReplaceAllStringFunc(text, func(u string) string {
		u = strings.ToLower(u)
		if strings.Count(u, "0") == 32 {
			return u
		}
		name, ok := n.names[u]
		if !ok {
			name = fmt.Sprintf("<%d>", len(n.names))
			n.names[u] = name
		}
		return name
	})
}

func canon(v ovsjson.Value) ovsjson.Value {
	switch v.Kind {
	case ovsjson.Array:
		a := make([]ovsjson.Value, len(v.A))
		for i := range v.A {
			a[i] = canon(v.A[i])
		}
		return ovsjson.Value{Kind: ovsjson.Array, A: a}
	case ovsjson.String:
		return ovsjson.NewString(canonIndexError(v.S))
	case ovsjson.Object:
		o := make([]ovsjson.Member, len(v.O))
		for i, m := range v.O {
			o[i] = ovsjson.Member{Key: m.Key, Value: canon(m.Value)}
			if m.Key == "_version" {
				o[i].Value = ovsjson.NewString("<version>")
			}
			if m.Key == "rows" && m.Value.Kind == ovsjson.Array {
				rows := o[i].Value.A
				slices.SortStableFunc(rows, func(a, b ovsjson.Value) int {
					return strings.Compare(uuidRE.ReplaceAllString(a.String(), "U"), uuidRE.ReplaceAllString(b.String(), "U"))
				})
			}
		}
		return ovsjson.Value{Kind: ovsjson.Object, O: o}
	}
	return v
}

var indexErrorRE = regexp.MustCompile(`^(.*)  First row, with UUID (\S+), (.*)\.  Second row, with UUID (\S+), (.*)\.$`)

// canonIndexError puts the two rows of a unique index error in a fixed
// order: which one OVS calls "first" depends on its hash tables.
func canonIndexError(s string) string {
	m := indexErrorRE.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	a, b := [2]string{m[2], m[3]}, [2]string{m[4], m[5]}
	if a[1] > b[1] || a[1] == b[1] && a[0] > b[0] {
		a, b = b, a
	}
	return fmt.Sprintf("%s  First row, with UUID %s, %s.  Second row, with UUID %s, %s.", m[1], a[0], a[1], b[0], b[1])
}

func loadTestSchema(t testing.TB) *ovsdb.Schema {
	t.Helper()
	s, err := ovsdb.ParseSchemaFile("testdata/test.ovsschema")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runOurs runs a case on this package and returns the normalized replies.
func runOurs(t *testing.T, schema *ovsdb.Schema, c oracleCase) []string {
	db := New(schema)
	n := &normalizer{names: map[string]string{}}
	var out []string
	for _, txn := range c.txns {
		v, err := ovsjson.ParseString(txn)
		if err != nil {
			t.Fatalf("%s: bad test JSON %s: %v", c.name, txn, err)
		}
		res, _, wait, err := db.Transact(v.A, TxnOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !wait.IsZero() {
			out = append(out, "PENDING")
			continue
		}
		out = append(out, n.normalize(res))
	}
	return out
}

// ovsServer is a real ovsdb-server serving an empty database of the test
// schema. One server runs all the cases (resetting the database between
// them): ovsdb-tool would be simpler but syncs the file on every
// transaction, which makes hundreds of cases take a minute.
type ovsServer struct {
	dbPath string
	dbName string
	conn   net.Conn
	dec    *ovsjson.Decoder
	id     int64
}

func startOVS(t *testing.T) *ovsServer { return startOVSWith(t, "testdata/test.ovsschema", "Test") }

func startOVSWith(t *testing.T, schemaPath, dbName string) *ovsServer {
	t.Helper()
	tool, err := exec.LookPath("ovsdb-tool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ovsdb-tool not installed")
		}
		t.Skip("ovsdb-tool not installed")
	}
	server, err := exec.LookPath("ovsdb-server")
	if err != nil {
		server = "/usr/sbin/ovsdb-server"
		if _, err := os.Stat(server); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("ovsdb-server not installed")
			}
			t.Skip("ovsdb-server not installed")
		}
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "t.db")
	if out, err := exec.Command(tool, "create", dbPath, schemaPath).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool create: %v: %s", err, out)
	}
	sock := filepath.Join(dir, "db.sock")
	cmd := exec.Command(server, "--remote=punix:"+sock, "--unixctl="+filepath.Join(dir, "ctl"),
		"--no-chdir", "-vconsole:off", "-vsyslog:off", dbPath)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	var conn net.Conn
	for i := 0; ; i++ {
		if conn, err = net.Dial("unix", sock); err == nil {
			break
		}
		if i == 200 {
			t.Fatalf("ovsdb-server did not start: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Cleanup(func() { conn.Close() })
	return &ovsServer{dbPath: dbPath, dbName: dbName, conn: conn, dec: ovsjson.NewDecoder(conn)}
}

// transact sends one transaction and returns its result.
func (s *ovsServer) transact(t *testing.T, ops []ovsjson.Value) ovsjson.Value {
	s.id++
	params := append([]ovsjson.Value{ovsjson.NewString(s.dbName)}, ops...)
	req := ovsjson.NewObject(ovsjson.M("method", ovsjson.NewString("transact")),
		ovsjson.M("params", ovsjson.NewArray(params...)), ovsjson.M("id", ovsjson.NewInt(s.id)))
	s.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := s.conn.Write(ovsjson.Marshal(req)); err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := s.dec.Decode()
		if err != nil {
			t.Fatalf("reading from ovsdb-server: %v", err)
		}
		if id, ok := msg.Get("id"); ok && id.Kind == ovsjson.Integer && id.I == s.id {
			if e, _ := msg.Get("error"); !e.IsNull() {
				t.Fatalf("ovsdb-server: %s", e)
			}
			res, _ := msg.Get("result")
			return res
		}
	}
}

// runOVS runs a case on the real server and returns the normalized replies.
func runOVS(t *testing.T, srv *ovsServer, schema *ovsdb.Schema, c oracleCase) []string {
	var reset []ovsjson.Value
	for _, name := range schema.TableNames {
		reset = append(reset, ovsjson.NewObject(ovsjson.M("op", ovsjson.NewString("delete")),
			ovsjson.M("table", ovsjson.NewString(name)), ovsjson.M("where", ovsjson.NewArray())))
	}
	if r := srv.transact(t, reset); len(r.A) != len(reset) {
		t.Fatalf("reset failed: %s", r)
	}
	n := &normalizer{names: map[string]string{}}
	var res []string
	for _, txn := range c.txns {
		v, err := ovsjson.ParseString(txn)
		if err != nil {
			t.Fatalf("%s: bad test JSON %s: %v", c.name, txn, err)
		}
		res = append(res, n.normalize(srv.transact(t, v.A)))
	}
	return res
}

func readGolden(t *testing.T) map[string][]string {
	f, err := os.Open("testdata/oracle.golden")
	if err != nil {
		if os.IsNotExist(err) && *update {
			return map[string][]string{}
		}
		t.Fatal(err)
	}
	defer f.Close()
	g := map[string][]string{}
	var cur string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "### "); ok {
			cur = name
			g[cur] = []string{}
		} else if line != "" {
			g[cur] = append(g[cur], line)
		}
	}
	return g
}

func TestOracle(t *testing.T) {
	schema := loadTestSchema(t)
	cases := allOracleCases()
	if *update {
		srv := startOVS(t)
		var buf bytes.Buffer
		for _, c := range cases {
			fmt.Fprintf(&buf, "### %s\n", c.name)
			for _, line := range runOVS(t, srv, schema, c) {
				buf.WriteString(line + "\n")
			}
		}
		if err := os.WriteFile("testdata/oracle.golden", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden := readGolden(t)
	for name, txns := range divergences {
		for i, want := range txns {
			golden[name][i] = want
		}
	}
	compareGolden(t, golden, cases, func(c oracleCase) []string { return runOurs(t, schema, c) })
}

// divergences are the replies in which we knowingly differ from OVS 3.1:
// when garbage collection deletes a row, OVS leaves other rows' weak
// references to it in place (until the database is next loaded from
// disk); we remove them in the same transaction.
var divergences = map[string]map[int]string{
	"gc-drop-one":          {2: gcWeakFixed},
	"gc-self-ref-existing": {3: gcWeakFixed},
	"weak-gc-target":       {2: gcWeakFixed},
}

const gcWeakFixed = `[{"rows":[{"kids":["set",[]],"name":"c3"},{"kids":["uuid","<2>"],"name":"c2"}]},{"rows":[{"name":"x","strong":["uuid","<1>"],"weak":["set",[]]},{"name":"y","strong":["set",[]],"weak":["set",[]]}]}]`

// TestOracleMatchesOVS checks the recorded replies against the real OVS,
// so that the golden file cannot drift from what OVS does.
func TestOracleMatchesOVS(t *testing.T) {
	if *update {
		t.Skip("golden file being re-recorded")
	}
	srv := startOVS(t)
	schema := loadTestSchema(t)
	compareGolden(t, readGolden(t), allOracleCases(), func(c oracleCase) []string { return runOVS(t, srv, schema, c) })
}

func compareGolden(t *testing.T, golden map[string][]string, cases []oracleCase, run func(oracleCase) []string) {
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.name] {
			t.Fatalf("duplicate case name %s", c.name)
		}
		names[c.name] = true
		want, ok := golden[c.name]
		if !ok {
			t.Errorf("%s: no golden replies (run with -update)", c.name)
			continue
		}
		got := run(c)
		for i := range max(len(got), len(want)) {
			var g, w string
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("%s: transaction %d\n  txn: %s\n  got:  %s\n  want: %s", c.name, i, c.txns[min(i, len(c.txns)-1)], g, w)
			}
		}
	}
}
