package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"
)

const configHelp = "YAML or JSON file of settings keyed by flag name (e.g. listen: 0.0.0.0:8765); the environment and flags override it"

// Flags are the server's flags bound to a flag set: every setting that has
// a flag, plus --config.
type Flags struct {
	fs   *pflag.FlagSet
	file string
}

// flagValue parses a flag into a scratch Config; Load re-applies the flags
// that were set, after the file and the environment.
type flagValue struct {
	s       *Setting
	scratch *Config
}

func (v flagValue) String() string     { return v.s.get(v.scratch) }
func (v flagValue) Set(x string) error { return v.s.set(v.scratch, x) }
func (v flagValue) Type() string       { return v.s.typeName() }

// Bind registers the flags on fs. Each flag's usage names its environment
// variable; its default is the setting's default.
func Bind(fs *pflag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	scratch := Default()
	fs.StringVar(&f.file, "config", "", configHelp)
	for i := range settings {
		s := &settings[i]
		if s.NoFlag {
			continue
		}
		usage := s.Help
		if s.Env != "" {
			usage += " [env " + s.Env + "]"
		}
		fl := fs.VarPF(flagValue{s, &scratch}, s.Key, "", usage)
		fl.DefValue = s.Default
		if s.typeName() == "bool" {
			fl.NoOptDefVal = "true"
		}
	}
	return f
}

// Load merges defaults, the --config file, the environment (lookupEnv, e.g.
// os.LookupEnv) and the flags set on the command line, in that order, and
// validates the result. The environment is consulted only for settings that
// declare a variable, and an empty variable counts as unset.
func (f *Flags) Load(lookupEnv func(string) (string, bool)) (Config, error) {
	c := Default()
	if f.file != "" {
		b, err := os.ReadFile(f.file)
		if err != nil {
			return c, fmt.Errorf("config: --config: %w", err)
		}
		if err := c.applyFile(b); err != nil {
			return c, err
		}
	}
	if err := c.applyEnv(lookupEnv); err != nil {
		return c, err
	}
	var errs []error
	for i := range settings {
		s := &settings[i]
		if fl := f.fs.Lookup(s.Key); !s.NoFlag && fl != nil && fl.Changed {
			if err := s.set(&c, fl.Value.String()); err != nil {
				errs = append(errs, fieldError(s, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	c = c.WithDefaults() // a source's zero (e.g. --session-memory 0) means the default too
	return c, c.Validate()
}

// FromEnv is Default with the environment applied (no file, no flags).
func FromEnv(lookupEnv func(string) (string, bool)) (Config, error) {
	c := Default()
	return c, c.applyEnv(lookupEnv)
}

// applyEnv sets every setting whose variable is set and not empty.
func (c *Config) applyEnv(lookupEnv func(string) (string, bool)) error {
	var errs []error
	for i := range settings {
		s := &settings[i]
		if s.Env == "" {
			continue
		}
		if v, ok := lookupEnv(s.Env); ok && v != "" {
			if err := s.set(c, v); err != nil {
				errs = append(errs, fmt.Errorf("config: %s (%s): %w", s.Env, s.Key, err))
			}
		}
	}
	return errors.Join(errs...)
}

// applyFile sets the settings a YAML or JSON document names (keys are the
// settings' keys; unknown keys are errors).
func (c *Config) applyFile(b []byte) error {
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		return fmt.Errorf("config: --config: %w", err)
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(j))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return fmt.Errorf("config: --config: want a mapping of setting names to values: %w", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		s := lookup(k)
		if s == nil {
			errs = append(errs, fmt.Errorf("config: --config: unknown setting %q", k))
			continue
		}
		var v string
		switch x := m[k].(type) {
		case string:
			v = x
		case json.Number, bool:
			v = fmt.Sprint(x)
		case nil:
			continue
		default:
			errs = append(errs, fmt.Errorf("config: --config: %s: want a single value, got %s", k, strings.TrimSpace(fmt.Sprintf("%T", x))))
			continue
		}
		if err := s.set(c, v); err != nil {
			errs = append(errs, fmt.Errorf("config: --config: %s: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

func fieldError(s *Setting, err error) error { return fmt.Errorf("config: %s: %w", s.Label(), err) }
