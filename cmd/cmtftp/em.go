package main

import (
	"cmtftp/internal/domain"
	"fmt"

	"github.com/spf13/cobra"
)

func newEMCmd() *cobra.Command {
	var cf clientFlags
	em := &cobra.Command{Use: "em", Short: "Extension mobility: log device profiles in and out of phones"}
	cf.register(em)
	login := &cobra.Command{Use: "login DEVICE PROFILE", Short: "Log a device profile in on a phone (its lines and dial plan follow)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			l := &domain.Login{Device: deviceKey(domain.KindDevice, args[0]), Profile: args[1]}
			if _, err := cf.client().Put(ctx, l); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s logged in on %s\n", l.Profile, l.Device)
			return nil
		}}
	logout := &cobra.Command{Use: "logout DEVICE", Short: "Log out whoever is logged in on a phone", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			dev := deviceKey(domain.KindDevice, args[0])
			if err := cf.client().Delete(ctx, domain.KindLogin, dev); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "logged out of %s\n", dev)
			return nil
		}}
	list := listCmd(&cf, domain.KindLogin, "Who is logged in where", []string{"device", "profile", "since"})
	em.AddCommand(login, logout, list)
	return em
}

func newParamCmd() *cobra.Command {
	var cf clientFlags
	p := &cobra.Command{Use: "param", Aliases: []string{"params"}, Short: "Enterprise and service parameters (Build CNF Files, Maximum Serving Count …)"}
	cf.register(p)
	p.AddCommand(newParamListCmd(&cf), newParamGetCmd(&cf), newParamSetCmd(&cf))
	return p
}

// newParamListCmd is "param list": every parameter, as a table or in
// cf's output format.
func newParamListCmd(cf *clientFlags) *cobra.Command {
	return &cobra.Command{Use: "list", Short: "Every parameter with its value, default and meaning", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			ps, err := cf.client().Params(ctx)
			if err != nil {
				return err
			}
			if cf.output != "table" {
				return emit(cmd.OutOrStdout(), cf.output, ps)
			}
			rows := make([]any, len(ps))
			for i, p := range ps {
				rows[i] = p
			}
			return table(cmd.OutOrStdout(), []string{"scope", "name", "value", "isDefault", "type"}, rows)
		}}
}

// newParamGetCmd is "param get NAME": the bare value, or the whole
// parameter in cf's output format.
func newParamGetCmd(cf *clientFlags) *cobra.Command {
	return &cobra.Command{Use: "get NAME", Short: "Show one parameter", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			pv, err := cf.client().Param(ctx, args[0])
			if err != nil {
				return err
			}
			if cf.output == "table" {
				fmt.Fprintln(cmd.OutOrStdout(), pv.Value)
				return nil
			}
			return emit(cmd.OutOrStdout(), cf.output, pv)
		}}
}

// newParamSetCmd is "param set NAME VALUE" and "param set NAME --default".
func newParamSetCmd(cf *clientFlags) *cobra.Command {
	var reset bool
	set := &cobra.Command{Use: "set NAME VALUE | set NAME --default", Short: "Set a parameter (validated; --default restores the default)",
		Example: "  cmtftp param set BuildCNFFiles 'Build All'\n  cmtftp param set MaxServingCount 500",
		Args: func(cmd *cobra.Command, args []string) error {
			if reset {
				return cobra.ExactArgs(1)(cmd, args)
			}
			return cobra.ExactArgs(2)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			value := ""
			if !reset {
				value = args[1]
			}
			pv, err := cf.client().SetParam(ctx, args[0], value, reset)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s = %s\n", pv.Name, pv.Value)
			return nil
		}}
	set.Flags().BoolVar(&reset, "default", false, "restore the default value")
	return set
}
