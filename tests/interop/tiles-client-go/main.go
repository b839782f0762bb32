// A tlog-tiles client written against golang.org/x/mod's sumdb code (note, tlog), independent of
// Docket: it reads a Docket log over HTTP as a tiled log (c2sp.org/tlog-tiles), verifies the
// checkpoint's signature, checks that the tiles hash to the checkpoint's root (tlog.TileHashReader
// refuses any tile that does not), that each entry of the entry bundles hashes to its level-0 tile
// hash, and checks inclusion and consistency proofs computed from the tiles alone.
//
// Input (stdin, JSON): {"prefix", "key", "vkey", "oldCheckpoint", "records": [indexes]}.
// Output (stdout, JSON): one result per check; exit 0 unless the input itself is unusable.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	Prefix        string  `json:"prefix"`
	Key           string  `json:"key"`
	Vkey          string  `json:"vkey"`
	OldCheckpoint string  `json:"oldCheckpoint"`
	Records       []int64 `json:"records"`
}

type result struct {
	Check string `json:"check"`
	Ok    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

var in input
var results []result

func report(check string, err error) {
	r := result{Check: check, Ok: err == nil}
	if err != nil {
		r.Error = err.Error()
	}
	results = append(results, r)
}

func get(path string) ([]byte, error) {
	req, err := http.NewRequest("GET", strings.TrimSuffix(in.Prefix, "/")+"/"+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+in.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return body, nil
}

// c2spPath turns x/mod's tile path (tile/8/L/N[.p/W], tile/8/data/N…) into tlog-tiles' (tile/L/N…,
// tile/entries/N…): the same index encoding, without the height.
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	p = strings.Replace(p, "data/", "entries/", 1)
	return "tile/" + p
}

type tileReader struct{}

func (tileReader) Height() int { return 8 }

func (tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := get(c2spPath(t))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// checkpoint verifies a signed note by the log's key and reads its size and root
// (c2sp.org/tlog-checkpoint: origin, size, base64 root).
func checkpoint(text []byte, verifier note.Verifier) (tlog.Tree, error) {
	n, err := note.Open(text, note.VerifierList(verifier))
	if err != nil {
		return tlog.Tree{}, err
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		return tlog.Tree{}, fmt.Errorf("not a checkpoint of %s", verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return tlog.Tree{}, err
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return tlog.Tree{}, fmt.Errorf("bad root hash")
	}
	var h tlog.Hash
	copy(h[:], root)
	return tlog.Tree{N: size, Hash: h}, nil
}

func main() {
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(in.Vkey)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	text, err := get("checkpoint")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	tree, err := checkpoint(text, verifier)
	report("checkpoint", err)
	if err != nil {
		emit()
		return
	}
	var reader tlog.TileReader = tileReader{}
	thr := tlog.TileHashReader(tree, reader)

	// The root from the tiles alone.
	root, err := tlog.TreeHash(tree.N, thr)
	if err == nil && root != tree.Hash {
		err = fmt.Errorf("tiles give root %v, checkpoint says %v", root, tree.Hash)
	}
	report("root", err)

	// Every entry bundle: each entry hashes to its level-0 tile hash.
	report("entries", checkEntries(tree, thr))

	for _, i := range in.Records {
		report(fmt.Sprintf("inclusion %d", i), checkInclusion(tree, thr, i))
	}

	if in.OldCheckpoint != "" {
		old, err := checkpoint([]byte(in.OldCheckpoint), verifier)
		if err == nil {
			var proof tlog.TreeProof
			proof, err = tlog.ProveTree(tree.N, old.N, thr)
			if err == nil {
				err = tlog.CheckTree(proof, tree.N, tree.Hash, old.N, old.Hash)
			}
		}
		report(fmt.Sprintf("consistency %d", old.N), err)
	}
	emit()
}

func checkEntries(tree tlog.Tree, thr tlog.HashReader) error {
	for n := int64(0); n*256 < tree.N; n++ {
		w := tree.N - n*256
		if w > 256 {
			w = 256
		}
		t := tlog.Tile{H: 8, L: -1, N: n, W: int(w)}
		data, err := get(c2spPath(t))
		if err != nil {
			return err
		}
		indexes := make([]int64, 0, w)
		for i := int64(0); i < w; i++ {
			indexes = append(indexes, tlog.StoredHashIndex(0, n*256+i))
		}
		hashes, err := thr.ReadHashes(indexes)
		if err != nil {
			return err
		}
		r := bytes.NewReader(data)
		for i := int64(0); i < w; i++ {
			var length uint16
			if err := binary.Read(r, binary.BigEndian, &length); err != nil {
				return fmt.Errorf("bundle %d entry %d: %v", n, i, err)
			}
			entry := make([]byte, length)
			if _, err := io.ReadFull(r, entry); err != nil {
				return fmt.Errorf("bundle %d entry %d: %v", n, i, err)
			}
			if tlog.RecordHash(entry) != hashes[i] {
				return fmt.Errorf("entry %d does not hash to its level-0 tile hash", n*256+i)
			}
		}
		if r.Len() != 0 {
			return fmt.Errorf("bundle %d has %d bytes past its %d entries", n, r.Len(), w)
		}
	}
	return nil
}

func checkInclusion(tree tlog.Tree, thr tlog.HashReader, i int64) error {
	t := tlog.Tile{H: 8, L: -1, N: i / 256, W: int(min(256, tree.N-i/256*256))}
	data, err := get(c2spPath(t))
	if err != nil {
		return err
	}
	var entry []byte
	r := bytes.NewReader(data)
	for k := int64(0); k <= i%256; k++ {
		var length uint16
		if err := binary.Read(r, binary.BigEndian, &length); err != nil {
			return err
		}
		entry = make([]byte, length)
		if _, err := io.ReadFull(r, entry); err != nil {
			return err
		}
	}
	proof, err := tlog.ProveRecord(tree.N, i, thr)
	if err != nil {
		return err
	}
	return tlog.CheckRecord(proof, tree.N, tree.Hash, i, tlog.RecordHash(entry))
}

func emit() {
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		os.Exit(2)
	}
}
