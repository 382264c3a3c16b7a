package bz2re

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestParamsRoundTrip(t *testing.T) {
	p := Params{
		Streams: []Stream{
			{Level: 9, Len: 10192446, Legacy: true},
			{Level: 1, Len: 0},
			{Level: 5, Len: 1 << 40, Finish: true},
		},
		Rotations: []Rotation{{Block: 0, Rank: 3}, {Block: 7, Rank: 0}, {Block: 1 << 33, Rank: maxRank - 1}},
	}
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var q Params
	if err := q.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatalf("got %+v, want %+v", q, p)
	}
	one, _ := Params{Streams: []Stream{{Level: 9, Len: 1000}}}.MarshalBinary()
	if !bytes.Equal(one, []byte{1, 1, 9, 0xe8, 0x07, 0}) {
		t.Errorf("single stream record % x", one)
	}
}

func TestParamsReject(t *testing.T) {
	bad := map[string][]byte{
		"empty":           {},
		"version 0":       {0, 1, 9, 0, 0},
		"version 2":       {2, 1, 9, 0, 0},
		"no streams":      {1, 0, 0},
		"level 0":         {1, 1, 0, 0, 0},
		"level 10":        {1, 1, 10, 0, 0},
		"unknown flag":    {1, 1, 0x49, 0, 0},
		"truncated":       {1, 1, 9},
		"trailing":        {1, 1, 9, 0, 0, 0},
		"overlong varint": {1, 1, 9, 0x80, 0x00, 0},
		"rank too big":    {1, 1, 9, 0, 1, 0, 0x80, 0x80, 0x40},
		"no rotation":     {1, 1, 9, 0, 1},
		"huge count":      {1, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"varint overflow": {1, 1, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0},
	}
	for name, b := range bad {
		var p Params
		if err := p.UnmarshalBinary(b); !errors.Is(err, ErrParams) {
			t.Errorf("%s: got %v, want ErrParams", name, err)
		}
	}
	if _, err := (Params{}).MarshalBinary(); !errors.Is(err, ErrParams) {
		t.Errorf("MarshalBinary of empty Params: %v", err)
	}
}

func TestEncodeRejects(t *testing.T) {
	raw := bytes.Repeat([]byte("ab"), 3000)
	for name, p := range map[string]Params{
		"length":       {Streams: []Stream{{Level: 9, Len: 5}}},
		"level":        {Streams: []Stream{{Level: 0, Len: 6000}}},
		"rank":         {Streams: []Stream{{Level: 9, Len: 6000}}, Rotations: []Rotation{{Block: 0, Rank: 3000}}},
		"beyond":       {Streams: []Stream{{Level: 9, Len: 6000}}, Rotations: []Rotation{{Block: 1, Rank: 0}}},
		"not periodic": {Streams: []Stream{{Level: 9, Len: 5999}, {Level: 9, Len: 1}}, Rotations: []Rotation{{Block: 1, Rank: 0}}},
	} {
		if _, err := Encode(raw, p); !errors.Is(err, ErrParams) {
			t.Errorf("%s: got %v, want ErrParams", name, err)
		}
	}
}

// A periodic block's origPtr may sit anywhere among the equal rotations
// and still decode to the same bytes; Split must record where.
func TestRotationOverride(t *testing.T) {
	raw := bytes.Repeat([]byte("ab"), 3000)
	for _, rank := range []int{0, 5, 2999} {
		p := Params{Streams: []Stream{{Level: 9, Len: int64(len(raw))}}, Rotations: []Rotation{{Block: 0, Rank: rank}}}
		src, err := Encode(raw, p)
		if err != nil {
			t.Fatal(err)
		}
		got := roundTrip(t, "override", src, raw)
		if r := got.Rotations; rank == predictRank(raw, 0, 3000) && len(r) != 0 || rank != predictRank(raw, 0, 3000) && (len(r) != 1 || r[0].Rank != rank) {
			t.Errorf("rank %d: Split recorded %v", rank, r)
		}
	}
}

// TestLegacyFlag: codes longer than 17 bits come from libbzip2 1.0.0-1.0.2
// (limit 20). A source with probabilities 1/2, 1/4, 1/8, ... gives Huffman
// codes as long as its alphabet is large.
func TestLegacyFlag(t *testing.T) {
	x := xorshift(99)
	raw := make([]byte, 800000)
	for i := range raw {
		c := 0
		for r := x.next(); r&1 == 0 && c < 23; r >>= 1 {
			c++
		}
		raw[i] = byte('A' + c)
	}
	var outs [2][]byte
	for i, legacy := range []bool{false, true} {
		p := Params{Streams: []Stream{{Level: 9, Len: int64(len(raw)), Legacy: legacy}}}
		src, err := Encode(raw, p)
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = src
		got := roundTrip(t, "legacy", src, raw)
		_, streams, _ := decode(src, 1<<30)
		// Here the final tables stay within 17 bits either way, but an
		// earlier round's tree did not, so the outputs differ.
		if len(got.Streams) == 0 || got.Streams[0].Legacy != legacy {
			t.Errorf("legacy %v: longest code %d bits, Split returned %+v", legacy, streams[0].maxCodeLen, got)
		}
	}
	if bytes.Equal(outs[0], outs[1]) {
		t.Error("the input does not exercise the length limit")
	}
}

// TestCodeLengthLimit: 19 Fibonacci counts make a tree 18 deep, within
// the old limit of 20 but over today's 17.
func TestCodeLengthLimit(t *testing.T) {
	freq := make([]int32, 19)
	a, b := int32(1), int32(1)
	for i := range freq {
		freq[i] = a
		a, b = b, a+b
	}
	for limit, want := range map[int]int{maxCodeLen: 0, legacyCodeLen: 18} {
		lens := make([]uint8, len(freq))
		codeLengths(lens, freq, len(freq), limit)
		longest, kraft := 0, 0
		for _, l := range lens {
			longest = max(longest, int(l))
			kraft += 1 << (30 - l)
		}
		if longest > limit || want != 0 && longest != want || kraft != 1<<30 {
			t.Errorf("limit %d: longest %d, kraft %d", limit, longest, kraft)
		}
	}
}
