package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// FuzzSession feeds arbitrary bytes to a session as if a client sent them
// and checks that the server neither panics nor hangs, and still serves.
func FuzzSession(f *testing.F) {
	files, _ := filepath.Glob("testdata/diff/*.txt")
	for _, name := range files {
		file, err := os.Open(name)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(nil, 1<<20)
		var all []string
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || line[0] == '#' {
				continue
			}
			_, msg, _ := strings.Cut(line, " ")
			f.Add([]byte(msg))
			all = append(all, msg)
		}
		file.Close()
		f.Add([]byte(strings.Join(all, "")))
	}
	f.Add([]byte(`{"method":"transact","params":["Test",{"op":"wait","table":"Simple","where":[],"columns":["name"],"until":"==","rows":[{"name":"x"}]}],"id":1}{"method":"cancel","params":[1],"id":null}`))
	f.Add([]byte(`{"method":"monitor_cond","params":["Test","a",{"Simple":[{}]}],"id":1}{"method":"transact","params":["Test",{"op":"insert","table":"Simple","row":{"name":"x","s":["set",["a","b"]]}}],"id":2}{"method":"monitor_cond_change","params":["a","b",{"Simple":[{"where":[["name","==","x"]]}]}],"id":3}`))

	schema := loadSchema(f, "testdata/test.ovsschema")
	f.Fuzz(func(t *testing.T, data []byte) {
		// A fresh server each time: one that kept every input's rows
		// would make later inputs ever slower.
		srv := New(Options{})
		if err := srv.AddDatabase(database.New(schema)); err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			srv.ServeConn(jsonrpc.NewConn(server, "fuzz"), SessionOptions{})
			close(done)
		}()
		// Read everything the server says; note the reply to our
		// final echo, which means it got through the input.
		synced := make(chan struct{})
		go func() {
			dec := ovsjson.NewDecoder(client)
			for {
				v, err := dec.Decode()
				if err != nil {
					close(synced)
					return
				}
				if id, _ := v.Get("id"); id.Kind == ovsjson.String && id.S == "fuzz-end" {
					close(synced)
					for {
						if _, err := dec.Decode(); err != nil {
							return
						}
					}
				}
			}
		}()
		go func() {
			client.Write(data)
			client.Write([]byte(` {"id":"fuzz-end","method":"echo","params":[]}`))
		}()
		// An input that ends inside a message swallows the echo too;
		// then the session rightly waits for more.
		if complete(data) {
			select {
			case <-synced:
			case <-time.After(10 * time.Second):
				t.Fatal("no reply to the final echo")
			}
		}
		client.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("session did not end")
		}
	})
}

// complete reports whether data is a sequence of whole JSON values (or
// fails in a way that ends the connection), so that a message sent after
// it is read as such.
func complete(data []byte) bool {
	dec := ovsjson.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.DecodeBytes()
		switch err {
		case nil:
			continue
		case io.ErrUnexpectedEOF:
			return false
		}
		return true
	}
}
