package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// newLogger builds the daemon's logger from --log-format and --log-level;
// the level variable it returns changes the level later (a reload).
func newLogger(w io.Writer, format, level string) (*slog.Logger, *slog.LevelVar, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	v := new(slog.LevelVar)
	v.Set(lv)
	opts := &slog.HandlerOptions{Level: v}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), v, nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), v, nil
	}
	return nil, nil, fmt.Errorf("--log-format %q: want text or json", format)
}
