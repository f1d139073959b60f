package main

import (
	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// newGatewayEndpointCmd is "gateway endpoint add|rm|list GATEWAY …": it
// edits the endpoint list of one gateway (read, change, write back).
func newGatewayEndpointCmd(cf *clientFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "endpoint", Aliases: []string{"endpoints", "port"}, Short: "Add, remove or list the endpoints (analog ports) of one gateway"}
	add := &cobra.Command{Use: "add GATEWAY PORT=LINE[,label=…][,locale=…][,description=…]...", Short: "Put lines on free ports",
		Example: "  cmtftp gateway endpoint add SKIGW00DE0000A1 2/3=4204,label=Fax 2/4=4205", Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return editEndpoints(cmd, cf.client(), args[0], func(g *domain.Gateway) error { return addEndpoints(g, args[1:]) })
		}}
	rm := &cobra.Command{Use: "rm GATEWAY PORT...", Aliases: []string{"delete"}, Short: "Free ports (U/S/P or U/P)", Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return editEndpoints(cmd, cf.client(), args[0], func(g *domain.Gateway) error { return removeEndpoints(g, args[1:]) })
		}}
	list := &cobra.Command{Use: "list GATEWAY", Aliases: []string{"ls"}, Short: "List a gateway's endpoints", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			g, err := getGateway(ctx, cf.client(), args[0])
			if err != nil {
				return err
			}
			if cf.output != "table" {
				return emit(cmd.OutOrStdout(), cf.output, g.Endpoints)
			}
			return endpointTable(cmd, g)
		}}
	cmd.AddCommand(add, rm, list)
	return cmd
}

// editEndpoints reads the gateway, lets edit change its endpoints and
// writes it back.
func editEndpoints(cmd *cobra.Command, c *admin.Client, name string, edit func(*domain.Gateway) error) error {
	ctx, cancel := cmdContext(cmd)
	defer cancel()
	e, err := c.Get(ctx, domain.KindGateway, name)
	if err != nil {
		return err
	}
	g := e.(*domain.Gateway)
	if err := edit(g); err != nil {
		return fmt.Errorf("gateway %s: %w", g.Name, err)
	}
	if _, err := c.Put(ctx, g); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "gateway %s: %d endpoints\n", g.Name, len(g.Endpoints))
	return nil
}

// addEndpoints adds one endpoint per spec; a port that already carries a
// line is an error.
func addEndpoints(g *domain.Gateway, specs []string) error {
	for _, s := range specs {
		e, err := parseEndpoint(s)
		if err != nil {
			return err
		}
		if i := findEndpoint(g, e.Unit, e.Subunit, e.Port); i >= 0 {
			return fmt.Errorf("port %s already carries line %s (gateway endpoint rm it first)", portString(e, false), g.Endpoints[i].Line)
		}
		g.Endpoints = append(g.Endpoints, e)
	}
	return nil
}

// removeEndpoints removes the endpoint of each port; a port without one
// is an error.
func removeEndpoints(g *domain.Gateway, ports []string) error {
	for _, p := range ports {
		u, s, n, err := parsePort(p)
		if err != nil {
			return err
		}
		i := findEndpoint(g, u, s, n)
		if i < 0 {
			have := make([]string, len(g.Endpoints))
			for j, e := range g.Endpoints {
				have[j] = portString(e, false)
			}
			return fmt.Errorf("no endpoint on port %s (it has: %s)", p, strings.Join(have, " "))
		}
		g.Endpoints = slices.Delete(g.Endpoints, i, i+1)
	}
	return nil
}

func findEndpoint(g *domain.Gateway, unit, subunit, port int) int {
	return slices.IndexFunc(g.Endpoints, func(e domain.GatewayEndpoint) bool {
		return e.Unit == unit && e.Subunit == subunit && e.Port == port
	})
}

func endpointTable(cmd *cobra.Command, g *domain.Gateway) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PORT\tLINE\tLABEL\tLOCALE\tDESCRIPTION")
	for _, e := range g.Endpoints {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", portString(e, false), e.Line, cell(e.Label), cell(e.Locale), cell(e.Description))
	}
	return tw.Flush()
}

// newGatewayModulesCmd is "gateway modules": the module catalogue and the
// fixed layouts of the catalogue's gateway models.
func newGatewayModulesCmd() *cobra.Command {
	return &cobra.Command{Use: "modules", Short: "List the unit and subunit products and the gateway models' fixed layouts", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PRODUCT\tKIND\tPORTS\tSIGNAL")
			for _, m := range domain.Modules() {
				kind, ports := "subunit", fmt.Sprint(m.Ports)
				if m.Unit {
					kind, ports = "unit", "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Product, kind, ports, cell(m.Signal))
			}
			fmt.Fprintln(tw, "\nMODEL\tPORTS\tLAYOUT (--unit INDEX=PRODUCT --subunit UNIT/INDEX=PRODUCT)")
			for _, m := range domain.Catalogue() {
				if m.Class == "gateway" {
					fmt.Fprintf(tw, "%s\t%d\t%s\n", m.Name, m.MaxLines, layoutString(domain.ModelLayout(&m)))
				}
			}
			return tw.Flush()
		}}
}

// layoutString writes units as the --unit and --subunit flags take them.
func layoutString(units []domain.GatewayUnit) string {
	var parts []string
	for _, u := range units {
		parts = append(parts, fmt.Sprintf("%d=%s", u.Index, u.Product))
		for _, s := range u.Subunits {
			p := fmt.Sprintf("%d/%d=%s", u.Index, s.Index, s.Product)
			if s.BeginPort != 0 {
				p += fmt.Sprintf("@%d", s.BeginPort)
			}
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}
