// Package serveconf resolves the settings of cmtftp serve from its four
// layers, in one precedence: a command-line flag beats an environment
// variable (CMTFTP_FOO_BAR for --foo-bar), which beats the YAML
// configuration file, which beats the flag's default. The settings are
// the flags of a pflag.FlagSet: Load sets the flags the command line left
// alone and reports where every value came from.
package serveconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// DefaultPath is the configuration file read when neither --config nor
// CMTFTP_CONFIG names one; a missing default file is no error.
const DefaultPath = "/etc/cmtftp/cmtftp.yaml"

// ConfigFlag is the flag naming the configuration file ("" for none); it
// is not a setting of the file itself.
const ConfigFlag = "config"

// Options are Load's inputs beside the flags.
type Options struct {
	// LookupEnv reads the environment (os.LookupEnv); nil reads none.
	LookupEnv func(string) (string, bool)
	// ReadFile reads the configuration file; nil is os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// Default is the file read when none is named; "" is DefaultPath.
	Default string
}

// Setting is one resolved setting: its name, its value as the flag
// prints it (Values for a repeatable flag) and where it came from.
type Setting struct {
	Name   string   `json:"name"`
	Value  string   `json:"value"`
	Values []string `json:"values,omitempty"`
	Source Source   `json:"-"`
	From   string   `json:"source"`
}

// Result is what Load resolved: the file read ("" for none) and every
// setting, sorted by name.
type Result struct {
	File     string
	Settings []Setting
	given    map[string][]string // the command line's flags, for Replay
}

// Load resolves every flag of fs but ConfigFlag and help: a flag set on
// the command line (Changed) keeps its value; the others take their
// environment variable, else the file's value, else keep their default.
// The file is --config's when given, else CMTFTP_CONFIG's, else
// o.Default when it exists. An unknown key, a bad value or a YAML error
// is a *FileError naming the file and line.
func Load(flags *pflag.FlagSet, o Options) (Result, error) {
	cmdline, given := map[string]bool{}, map[string][]string{}
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			cmdline[f.Name] = true
			given[f.Name] = valuesOf(f)
		}
	})
	path, entries, err := readConfig(flags, cmdline, o)
	if err != nil {
		return Result{}, err
	}
	if err := checkNames(flags, path, entries); err != nil {
		return Result{}, err
	}
	res := Result{File: path, given: given}
	var errs []error
	flags.VisitAll(func(f *pflag.Flag) {
		if skip(f.Name) {
			return
		}
		src, err := resolve(f, cmdline[f.Name], path, entries[f.Name], o)
		if err != nil {
			errs = append(errs, err)
			return
		}
		res.Settings = append(res.Settings, settingOf(f, src))
	})
	if len(errs) > 0 {
		return Result{}, errs[0]
	}
	return res, nil
}

func skip(name string) bool { return name == ConfigFlag || name == "help" }

// readConfig finds and parses the configuration file; a missing default
// file is none.
func readConfig(flags *pflag.FlagSet, cmdline map[string]bool, o Options) (string, map[string]entry, error) {
	path, explicit := o.Default, false
	if path == "" {
		path = DefaultPath
	}
	if f := flags.Lookup(ConfigFlag); f != nil && cmdline[ConfigFlag] {
		path, explicit = f.Value.String(), true
	} else if v, ok := lookup(o, EnvName(ConfigFlag)); ok {
		path, explicit = v, true
	}
	if path == "" {
		return "", nil, nil
	}
	read := o.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if !explicit && errors.Is(err, fs.ErrNotExist) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("configuration file: %w", err)
	}
	entries, err := parseFile(path, data)
	return path, entries, err
}

func lookup(o Options, name string) (string, bool) {
	if o.LookupEnv == nil {
		return "", false
	}
	return o.LookupEnv(name)
}

// checkNames fails on the first key (by line) that names no flag.
func checkNames(flags *pflag.FlagSet, path string, entries map[string]entry) error {
	var names []string
	flags.VisitAll(func(f *pflag.Flag) {
		if !skip(f.Name) {
			names = append(names, f.Name)
		}
	})
	var bad *FileError
	for k, e := range entries {
		if f := flags.Lookup(k); f != nil && !skip(k) {
			continue
		}
		if bad != nil && bad.Line < e.line {
			continue
		}
		err := fmt.Errorf("%w %q", ErrUnknownSetting, k)
		if s := suggest(k, names); s != "" {
			err = fmt.Errorf("%w (did you mean %q?)", err, s)
		}
		bad = &FileError{File: path, Line: e.line, Err: err}
	}
	if bad != nil {
		return bad
	}
	return nil
}

// resolve gives flag f its value from the highest layer that has one.
func resolve(f *pflag.Flag, onCmdline bool, path string, e entry, o Options) (Source, error) {
	if onCmdline {
		return Source{Kind: Flag}, nil
	}
	env := EnvName(f.Name)
	if v, ok := lookup(o, env); ok {
		if err := setFlag(f, splitList(f, v)); err != nil {
			return Source{}, fmt.Errorf("%s: %w", env, err)
		}
		return Source{Kind: Env, Env: env}, nil
	}
	if e.values == nil {
		return Source{Kind: Default}, nil
	}
	vals := e.values
	if _, list := f.Value.(pflag.SliceValue); !list && e.seq {
		return Source{}, &FileError{File: path, Line: e.line, Err: fmt.Errorf("%s %w", f.Name, ErrNotList)}
	} else if list && !e.seq {
		vals = splitList(f, vals[0])
	}
	if err := setFlag(f, vals); err != nil {
		return Source{}, &FileError{File: path, Line: e.line, Err: fmt.Errorf("%s: %w", f.Name, err)}
	}
	return Source{Kind: File, File: path, Line: e.line}, nil
}

// splitList splits one value of a repeatable flag at commas ("" is
// none); another flag's value is kept whole.
func splitList(f *pflag.Flag, v string) []string {
	if _, list := f.Value.(pflag.SliceValue); !list {
		return []string{v}
	}
	out := []string{}
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// setFlag sets f to vals (all of them for a repeatable flag, else the
// one) and marks it changed, as the command line would.
func setFlag(f *pflag.Flag, vals []string) error {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		if err := sv.Replace(vals); err != nil {
			return fmt.Errorf("invalid value %q: %w", strings.Join(vals, ","), err)
		}
	} else if err := f.Value.Set(vals[0]); err != nil {
		return fmt.Errorf("invalid value %q: %w", vals[0], err)
	}
	f.Changed = true
	return nil
}

// valuesOf is f's value: its list for a repeatable flag.
func valuesOf(f *pflag.Flag) []string {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		return append([]string{}, sv.GetSlice()...)
	}
	return []string{f.Value.String()}
}

// Replay sets on flags (a new set of the same command's flags) the
// values r's command line gave, so that a Load of them resolves the
// environment and the file again beneath the same command line (a
// reload).
func (r Result) Replay(flags *pflag.FlagSet) error {
	for name, vals := range r.given {
		f := flags.Lookup(name)
		if f == nil {
			return fmt.Errorf("replay --%s: no such flag", name)
		}
		if err := setFlag(f, vals); err != nil {
			return fmt.Errorf("replay --%s: %w", name, err)
		}
	}
	return nil
}

func settingOf(f *pflag.Flag, src Source) Setting {
	s := Setting{Name: f.Name, Value: f.Value.String(), Source: src, From: src.String()}
	if _, ok := f.Value.(pflag.SliceValue); ok {
		s.Values = valuesOf(f)
		s.Value = strings.Join(s.Values, ",")
	}
	return s
}
