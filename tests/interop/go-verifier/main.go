// Command go-verifier checks Docket's output with independent Go implementations: the signed
// checkpoint with golang.org/x/mod/sumdb/note and transparency-dev/formats/log, the leaf hash,
// inclusion and consistency proofs with transparency-dev/merkle. It reads one JSON document on
// stdin and prints one JSON result per item on stdout. Used by tests/interop/go-verifier.test.ts.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

type input struct {
	Vkey        string      `json:"vkey"`
	Origin      string      `json:"origin"`
	Checkpoint  string      `json:"checkpoint"`
	Inclusions  []inclusion `json:"inclusions"`
	Consistency []consist   `json:"consistency"`
}

type inclusion struct {
	Index uint64   `json:"index"`
	Leaf  string   `json:"leaf"` // base64 of the leaf bytes (the canonical envelope)
	Proof []string `json:"proof"`
}

type consist struct {
	Checkpoint1 string   `json:"checkpoint1"`
	Checkpoint2 string   `json:"checkpoint2"`
	Proof       []string `json:"proof"`
}

type result struct {
	Kind  string `json:"kind"`
	Index int    `json:"index"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

func decodeAll(in []string) ([][]byte, error) {
	out := make([][]byte, len(in))
	for i, s := range in {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "bad input:", err)
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(in.Vkey)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad vkey:", err)
		os.Exit(2)
	}
	open := func(text string) (*log.Checkpoint, error) {
		cp, _, _, err := log.ParseCheckpoint([]byte(text), in.Origin, verifier)
		return cp, err
	}
	var results []result
	add := func(kind string, i int, err error) {
		r := result{Kind: kind, Index: i, OK: err == nil}
		if err != nil {
			r.Error = err.Error()
		}
		results = append(results, r)
	}

	cp, err := open(in.Checkpoint)
	add("checkpoint", 0, err)
	for i, inc := range in.Inclusions {
		if cp == nil {
			add("inclusion", i, fmt.Errorf("no verified checkpoint"))
			continue
		}
		leaf, err1 := base64.StdEncoding.DecodeString(inc.Leaf)
		hashes, err2 := decodeAll(inc.Proof)
		if err1 != nil || err2 != nil {
			add("inclusion", i, fmt.Errorf("bad base64"))
			continue
		}
		leafHash := rfc6962.DefaultHasher.HashLeaf(leaf)
		add("inclusion", i, proof.VerifyInclusion(rfc6962.DefaultHasher, inc.Index, cp.Size, leafHash, hashes, cp.Hash))
	}
	for i, c := range in.Consistency {
		cp1, err1 := open(c.Checkpoint1)
		cp2, err2 := open(c.Checkpoint2)
		hashes, err3 := decodeAll(c.Proof)
		switch {
		case err1 != nil:
			add("consistency", i, err1)
		case err2 != nil:
			add("consistency", i, err2)
		case err3 != nil:
			add("consistency", i, err3)
		default:
			add("consistency", i, proof.VerifyConsistency(rfc6962.DefaultHasher, cp1.Size, cp2.Size, hashes, cp1.Hash, cp2.Hash))
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		os.Exit(3)
	}
}
