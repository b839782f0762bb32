// A conforming c2sp.org/tlog-witness client, written against Go's own signed-note and tlog code
// (golang.org/x/mod/sumdb/note, sumdb/tlog): it plays a log, submits checkpoints to a witness
// with add-checkpoint, and checks the answers and the cosignatures (cosignature/v1, Ed25519).
//
// Input (stdin, JSON): {"skey": "<log signer key>", "url": "<witness prefix>", "vkey": "<witness vkey>"}.
// Output (stdout, JSON): one result per step.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	Skey string `json:"skey"`
	URL  string `json:"url"`
	Vkey string `json:"vkey"`
}

type result struct {
	Step        string `json:"step"`
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
	Cosigned    bool   `json:"cosigned"`
	Timestamp   uint64 `json:"timestamp"`
}

type hashes map[int64]tlog.Hash

func (h hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = h[x]
	}
	return out, nil
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail(err)
	}
	signer, err := note.NewSigner(in.Skey)
	if err != nil {
		fail(err)
	}
	store := hashes{}
	for i := int64(0); i < 30; i++ {
		stored, err := tlog.StoredHashes(i, []byte(fmt.Sprintf("leaf %d", i)), store)
		if err != nil {
			fail(err)
		}
		for j, h := range stored {
			store[tlog.StoredHashIndex(0, i)+int64(j)] = h
		}
	}
	checkpoint := func(size int64) string {
		root, err := tlog.TreeHash(size, store)
		if err != nil {
			fail(err)
		}
		text := fmt.Sprintf("%s\n%d\n%s\n", signer.Name(), size, base64.StdEncoding.EncodeToString(root[:]))
		signed, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			fail(err)
		}
		return string(signed)
	}
	proof := func(old, size int64) string {
		if old == 0 || old == size {
			return ""
		}
		p, err := tlog.ProveTree(size, old, store)
		if err != nil {
			fail(err)
		}
		var b strings.Builder
		for _, h := range p {
			b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
		}
		return b.String()
	}
	var results []result
	submit := func(step string, old, size int64) {
		signed := checkpoint(size)
		body := fmt.Sprintf("old %d\n%s\n%s", old, proof(old, size), signed)
		res, err := http.Post(in.URL+"/add-checkpoint", "text/plain", strings.NewReader(body))
		if err != nil {
			fail(err)
		}
		answer, _ := io.ReadAll(res.Body)
		res.Body.Close()
		r := result{Step: step, Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Body: string(answer)}
		if res.StatusCode == 200 {
			r.Cosigned, r.Timestamp = verifyCosignature(in.Vkey, signed, string(answer))
		}
		results = append(results, r)
	}
	submit("first", 0, 7)
	submit("extend", 7, 20)
	submit("rollback", 7, 10)
	submit("same", 20, 20)
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fail(err)
	}
}

// verifyCosignature checks the witness's signature line on the note per c2sp.org/tlog-cosignature:
// key ID SHA-256(name || "\n" || 0x04 || key)[:4], signature u64 timestamp || Ed25519 over
// "cosignature/v1\ntime <t>\n" || checkpoint body.
func verifyCosignature(vkey, signed, lines string) (bool, uint64) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return false, 0
	}
	name := parts[0]
	typed, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(typed) != 33 || typed[0] != 0x04 {
		return false, 0
	}
	h := sha256.Sum256(append([]byte(name+"\n"), typed...))
	id := binary.BigEndian.Uint32(h[:4])
	n, err := note.Open([]byte(signed+lines), note.VerifierList())
	var unverified *note.UnverifiedNoteError
	if err == nil || !asUnverified(err, &unverified) {
		return false, 0
	}
	n = unverified.Note
	for _, sig := range n.UnverifiedSigs {
		if sig.Name != name || sig.Hash != id {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(sig.Base64)
		if err != nil || len(raw) != 4+8+64 {
			return false, 0
		}
		t := binary.BigEndian.Uint64(raw[4:12])
		msg := []byte(fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, n.Text))
		return ed25519.Verify(ed25519.PublicKey(typed[1:]), msg, raw[12:]), t
	}
	return false, 0
}

func asUnverified(err error, target **note.UnverifiedNoteError) bool {
	u, ok := err.(*note.UnverifiedNoteError)
	if ok {
		*target = u
	}
	return ok
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
