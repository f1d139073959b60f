package storetest

import (
	"bytes"
	"cmtftp/internal/store"
	"context"
	"encoding/json"

	"github.com/prometheus/client_golang/prometheus"
)

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// Follow registers hs with a change feed of st and starts it, as the
// server's assembly does, for tests of feed consumers.
func Follow(ctx context.Context, st store.Store, hs ...store.ChangeHandler) {
	f := store.NewFeed(st, nil, prometheus.NewRegistry())
	f.Register(hs...)
	f.Start(ctx)
}
