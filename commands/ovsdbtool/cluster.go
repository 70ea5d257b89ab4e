package ovsdbtool

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

// clusterName returns the database name recorded in the header record of a
// clustered database file, which is all of the clustered format that the
// commands kept here need (OVS's db-name works on both formats). The
// framing is the standalone one under another magic; storage refuses such
// files, so the header is read here.
func clusterName(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", &storage.Error{Tag: storage.TagIO, Msg: path + ": open failed", Err: err}
	}
	defer f.Close()
	r := bufio.NewReader(f)
	line, err := r.ReadString('\n')
	if err != nil {
		return "", clusterHeaderError(path)
	}
	fields := strings.Fields(strings.TrimPrefix(line, storage.ClusterMagic))
	if !strings.HasPrefix(line, storage.ClusterMagic+" ") || len(fields) != 2 {
		return "", clusterHeaderError(path)
	}
	n, err := strconv.ParseUint(fields[0], 10, 31)
	if err != nil {
		return "", clusterHeaderError(path)
	}
	want, err := hex.DecodeString(fields[1])
	if err != nil || len(want) != sha1.Size {
		return "", clusterHeaderError(path)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return "", &storage.Error{Tag: storage.TagIO,
			Msg: fmt.Sprintf("%s: error reading %d bytes starting at offset %d", path, n, len(line)), Err: io.EOF}
	}
	if sum := sha1.Sum(body); string(sum[:]) != string(want) {
		return "", &storage.Error{Tag: storage.TagSyntax,
			Msg: fmt.Sprintf("%s: %d bytes starting at offset %d have SHA-1 hash %x but should have hash %x", path, n, len(line), sum, want)}
	}
	v, err := ovsjson.Parse(body)
	if err != nil {
		return "", &storage.Error{Tag: storage.TagSyntax,
			Msg: fmt.Sprintf("%s: %d bytes starting at offset %d are not valid JSON (%s)", path, n, len(line), err)}
	}
	name, ok := v.Get("name")
	if !ok || name.Kind != ovsjson.String {
		return "", &storage.Error{Tag: storage.TagSyntax, Msg: path + ": clustered database header lacks a name"}
	}
	return name.S, nil
}

func clusterHeaderError(path string) error {
	return &storage.Error{Tag: storage.TagSyntax, Msg: path + ": parse error in clustered database header"}
}
