package main

import (
	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"
)

// gatewayLong is the help of cmtftp gateway.
const gatewayLong = `Gateways and analog adapters are added by hand (they never auto-register).
A gateway's name is the name it asks its files by, set by its model's family:

  SCCP analog gateways (VG2xx/VG3xx/VG4xx, stcapp)  SKIGW + the MAC's last 10 hex digits
                                                    (SKIGW1FCAC3DE10.cnf.xml, then AN<10 digits><port id>.cnf.xml a port)
  ATA 190/191                                       ATA + the MAC (ATA<MAC>.cnf.xml; port 2: ATA<MAC shifted>01)
  ATA 186/188                                       ATA + the MAC (asks for ata<mac>, lower case)
  Catalyst WS-X6624 / WS-X6608                      SAA / SDA + the MAC (SAA<MAC>.cnf, SAADefault.cnf)
  MGCP IOS gateways (ccm-manager config)            the host name with its ip domain name (<hostname>.cnf.xml)
  Analog Access, Voice Mail Port                    any file-safe name (<name>.cnf)

"gateway add" without a NAME takes the name from --model and --mac; an MGCP
gateway needs its host name. Units, subunits and endpoints give the ports:
--unit 0=ISR-NIM --subunit 0/1=NIM-4FXS --endpoint 0/1/0=4401,label=Fax; a model
with a fixed layout (VG2xx, VG3xx, VG400–VG420, ATAs) needs none ("gateway modules"
lists the module products and the layouts). "gateway endpoint" edits the ports of
one gateway. docs/gateways.md describes the families, their files and the IOS
commands each MGCP vendor-configuration key becomes.`

// gatewayColumns are the columns of gateway list.
var gatewayColumns = []string{"name", "model", "protocol", "group", "pool", "endpoints"}

// gatewayAddCmd is "gateway add [NAME]": NAME may be left out (or be the
// MAC) when --model and --mac give the family's name.
func gatewayAddCmd(cf *clientFlags, example string) *cobra.Command {
	add := &cobra.Command{Use: "add [NAME] [flags]", Short: "Add a gateway (NAME from --model and --mac when left out)",
		Args: cobra.MaximumNArgs(1), Example: example + "\n  cmtftp gateway add --model ATA190 --mac 00:11:22:33:44:55 --group G1 --endpoint 0/0=4301"}
	addFlags := newRecordFlags(add.Flags(), domain.KindGateway)
	add.RunE = func(cmd *cobra.Command, args []string) error {
		g := &domain.Gateway{}
		if err := addFlags.apply(g); err != nil {
			return err
		}
		ctx, cancel := cmdContext(cmd)
		defer cancel()
		c := cf.client()
		if len(args) == 1 {
			if m, err := domain.ParseMAC(args[0]); err == nil && g.MAC == "" {
				g.MAC = m // a MAC for NAME: the name follows from it
			} else {
				g.Name = args[0]
			}
		}
		if err := completeGateway(ctx, c, g); err != nil {
			return err
		}
		if err := c.Create(ctx, g); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "added gateway %s\n", g.Key())
		return nil
	}
	return add
}

// completeGateway fills in what add may leave out: the protocol (the
// model's first) and the name (its family's, from the MAC).
func completeGateway(ctx context.Context, c *admin.Client, g *domain.Gateway) error {
	if g.Model == "" {
		if g.Name == "" {
			return errors.New("gateway add: give NAME, or --model and --mac to name it (SKIGW…, ATA…, SAA…, SDA…)")
		}
		return nil // the server says what is missing
	}
	e, err := c.Get(ctx, domain.KindModel, g.Model)
	if err != nil {
		return err
	}
	m := e.(*domain.Model)
	if g.Protocol == "" && len(m.Protocols) > 0 {
		g.Protocol = m.Protocols[0]
	}
	if g.Name == "" {
		g.Name, err = defaultGatewayName(m, g)
	}
	return err
}

// defaultGatewayName returns the name of g's family for model m and g's
// MAC (domain.DefaultGatewayName), or says what is missing.
func defaultGatewayName(m *domain.Model, g *domain.Gateway) (string, error) {
	if n := domain.DefaultGatewayName(m, g.Protocol, g.MAC); n != "" {
		return n, nil
	}
	p := g.Protocol
	if p == "" && len(m.Protocols) > 0 {
		p = m.Protocols[0]
	}
	switch fam := domain.GatewayFamily(m, p); {
	case m.Class != "gateway":
		return "", fmt.Errorf("gateway add: model %s is a phone: add it with cmtftp device add", m.Name)
	case fam == domain.FamilyMGCP:
		return "", fmt.Errorf("gateway add: an MGCP gateway is named by its host name: give NAME (e.g. gw1.example.com, its hostname and ip domain name)")
	case fam == domain.FamilyCnf || fam == "":
		return "", fmt.Errorf("gateway add: a %s under %s is named by you: give NAME", m.Name, p)
	}
	return "", fmt.Errorf("gateway add: a %s is named by its MAC: give --mac", m.Name)
}

// gatewayRow is one row of gateway list.
type gatewayRow struct {
	*domain.Gateway
	Endpoints int `json:"endpoints"`
}

// gatewayListCmd is "gateway list": the table counts each gateway's endpoints.
func gatewayListCmd(cf *clientFlags) *cobra.Command {
	return &cobra.Command{Use: "list", Aliases: []string{"ls"}, Short: "List every gateway", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.checkOutput(); err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			es, err := cf.client().List(ctx, domain.KindGateway)
			if err != nil {
				return err
			}
			if cf.output != "table" {
				return emit(cmd.OutOrStdout(), cf.output, es)
			}
			rows := make([]any, len(es))
			for i, e := range es {
				g := e.(*domain.Gateway)
				rows[i] = gatewayRow{g, len(g.Endpoints)}
			}
			return table(cmd.OutOrStdout(), gatewayColumns, rows)
		}}
}

// gatewayShowCmd is "gateway show NAME": the record; NAME may also be an
// ATA 190's second port (the gateway it belongs to is shown).
func gatewayShowCmd(cf *clientFlags) *cobra.Command {
	return &cobra.Command{Use: "show NAME", Short: "Show one gateway (NAME may be an ATA 190's port-2 name)", Args: cobra.ExactArgs(1),
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
			return emit(cmd.OutOrStdout(), cf.output, g)
		}}
}

// getGateway returns the gateway named name, or the ATA 190 whose second
// port is named so.
func getGateway(ctx context.Context, c *admin.Client, name string) (*domain.Gateway, error) {
	e, err := c.Get(ctx, domain.KindGateway, name)
	if err == nil {
		return e.(*domain.Gateway), nil
	}
	var ae *admin.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		return nil, err
	}
	gc, cerr := c.GatewayConfig(ctx, name)
	if cerr != nil || gc.Gateway.Name == name || gc.Gateway.Name == "" {
		return nil, err // the record's own not-found says it best
	}
	return &gc.Gateway, nil
}
