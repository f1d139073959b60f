package main

import (
	"cmtftp/internal/domain"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// recordCmd describes the CLI of one kind of record.
type recordCmd struct {
	use     string
	kind    domain.Kind
	short   string
	aliases []string
	columns []string // JSON field names shown by list
	example string
}

// recordCmds describes every kind the domain gives record commands to.
func recordCmds() []recordCmd {
	var out []recordCmd
	for _, k := range domain.Kinds() {
		if ki, _ := domain.Describe(k); ki.CLI != nil {
			c := ki.CLI
			out = append(out, recordCmd{string(k), k, c.Short, c.Aliases, c.Columns, c.Example})
		}
	}
	return out
}

func newRecordCmds() []*cobra.Command {
	var out []*cobra.Command
	for _, rc := range recordCmds() {
		out = append(out, rc.command())
	}
	return out
}

func cmdContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return context.WithTimeout(cmd.Context(), 5*time.Minute)
}

func (rc recordCmd) command() *cobra.Command {
	var cf clientFlags
	parent := &cobra.Command{Use: rc.use, Short: rc.short, Aliases: rc.aliases, Example: rc.example}
	cf.register(parent)

	list := listCmd(&cf, rc.kind, "List every "+rc.use, rc.columns)
	show := rc.showCmd(&cf)
	add := rc.addCmd(&cf)
	set := rc.setCmd(&cf)
	rm := rc.rmCmd(&cf)
	if rc.kind == domain.KindGateway {
		parent.Long = gatewayLong
		list, show, add = gatewayListCmd(&cf), gatewayShowCmd(&cf), gatewayAddCmd(&cf, rc.example)
	}
	parent.AddCommand(list, show, add, set, rm)
	switch rc.kind { // the kinds with a view of the running server
	case domain.KindDevice:
		parent.AddCommand(newTimelineCmd(&cf, domain.KindDevice), newDeviceCertCmd(), newResetCmd(&cf, "reset"), newResetCmd(&cf, "restart"))
	case domain.KindRemote:
		parent.AddCommand(newRemoteStatusCmd(&cf))
	case domain.KindServer:
		parent.AddCommand(newServerCertCmd())
	case domain.KindGateway:
		parent.AddCommand(newGatewayEndpointCmd(&cf), newGatewayModulesCmd(), newTimelineCmd(&cf, domain.KindGateway))
	}
	return parent
}

// showCmd is the "show NAME" subcommand: one record in cf's output format.
func (rc recordCmd) showCmd(cf *clientFlags) *cobra.Command {
	return &cobra.Command{Use: "show NAME", Short: "Show one " + rc.use, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			e, err := cf.client().Get(ctx, rc.kind, deviceKey(rc.kind, args[0]))
			if err != nil {
				return err
			}
			return emit(cmd.OutOrStdout(), cf.output, e)
		}}
}

// addCmd is the "add NAME [flags]" subcommand: create a record from the
// flags given.
func (rc recordCmd) addCmd(cf *clientFlags) *cobra.Command {
	add := &cobra.Command{Use: "add NAME [flags]", Short: "Add a " + rc.use, Args: cobra.ExactArgs(1), Example: rc.example}
	addFlags := newRecordFlags(add.Flags(), rc.kind)
	add.RunE = func(cmd *cobra.Command, args []string) error {
		e, _ := domain.New(rc.kind)
		setName(e, args[0])
		if err := addFlags.apply(e); err != nil {
			return err
		}
		ctx, cancel := cmdContext(cmd)
		defer cancel()
		if err := cf.client().Create(ctx, e); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "added %s %s\n", rc.use, e.Key())
		return nil
	}
	return add
}

// setCmd is the "set NAME [flags]" subcommand: change only the fields
// whose flags are given.
func (rc recordCmd) setCmd(cf *clientFlags) *cobra.Command {
	set := &cobra.Command{Use: "set NAME [flags]", Short: "Change fields of a " + rc.use + " (only the flags given)", Args: cobra.ExactArgs(1)}
	setFlags := newRecordFlags(set.Flags(), rc.kind)
	set.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, cancel := cmdContext(cmd)
		defer cancel()
		c := cf.client()
		e, err := c.Get(ctx, rc.kind, deviceKey(rc.kind, args[0]))
		if err != nil {
			return err
		}
		if err := setFlags.apply(e); err != nil {
			return err
		}
		changed, err := c.Put(ctx, e)
		if err != nil {
			return err
		}
		if changed {
			fmt.Fprintf(cmd.OutOrStdout(), "changed %s %s\n", rc.use, e.Key())
		} else {
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s already had these values\n", rc.use, e.Key())
		}
		return nil
	}
	return set
}

// rmCmd is the "rm NAME..." subcommand: delete each record named, going
// on past failures and reporting them all.
func (rc recordCmd) rmCmd(cf *clientFlags) *cobra.Command {
	return &cobra.Command{Use: "rm NAME...", Aliases: []string{"delete"}, Short: "Delete " + rc.use + "s", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			c := cf.client()
			var errs []error
			for _, a := range args {
				if err := c.Delete(ctx, rc.kind, deviceKey(rc.kind, a)); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted %s %s\n", rc.use, deviceKey(rc.kind, a))
			}
			return errors.Join(errs...)
		}}
}

// deviceKey lets admins name a phone by its MAC in any spelling.
func deviceKey(k domain.Kind, arg string) string {
	if k != domain.KindDevice {
		return arg
	}
	if m, err := domain.ParseMAC(arg); err == nil {
		return "SEP" + m
	}
	if len(arg) == 15 {
		if m, err := domain.ParseMAC(arg[3:]); err == nil && strings.EqualFold(arg[:3], "SEP") {
			return "SEP" + m
		}
	}
	return arg
}

// setName puts the positional NAME into the record's key field; for a
// device a MAC in any spelling is accepted.
func setName(e domain.Entity, name string) {
	if d, ok := e.(*domain.Device); ok {
		if m, err := domain.ParseMAC(name); err == nil {
			d.MAC = m
			return
		}
		if strings.ContainsAny(name, ":.-") && !strings.HasPrefix(strings.ToUpper(name), "SEP") {
			d.MAC = name // a mistyped MAC: let validation say what is wrong with it
			return
		}
	}
	domain.SetKey(e, name)
}

// listCmd is the "list" subcommand of a kind of record: a table of the
// given JSON fields, or every field with -o json|yaml.
func listCmd(cf *clientFlags, k domain.Kind, short string, cols []string) *cobra.Command {
	return &cobra.Command{Use: "list", Aliases: []string{"ls"}, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			es, err := cf.client().List(ctx, k)
			if err != nil {
				return err
			}
			if cf.output != "table" {
				return emit(cmd.OutOrStdout(), cf.output, es)
			}
			rows := make([]any, len(es))
			for i, e := range es {
				rows[i] = e
			}
			return table(cmd.OutOrStdout(), cols, rows)
		}}
}
