package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"cmtftp/internal/device"
)

// simulateGatewayLong is the gateway part of simulate's help.
const simulateGatewayLong = `

With --device gateway the device is a gateway or analog adapter, booting by its
--model's file family (docs/gateways.md), after the gateway DHCP precedence with
--dhcp:
  VG2xx/VG3xx/VG4xx SCCP   SKIGW<last 10 MAC digits>.cnf.xml, then each listed
                           port's AN….cnf.xml (--mac)
  MGCP (ISR, VG --protocol mgcp)  <hostname>.cnf.xml (--hostname)
  ATA 190/191              ATA<MAC>.cnf.xml, then port 2's ATA<shifted MAC>.cnf.xml
                           (not found: only port 1 is configured)
  ATA 186/188              ata<mac>
  WS-X6624 / WS-X6608      SAA<MAC>.cnf / SDA<MAC>.cnf, else SAADefault.cnf / SDADefault.cnf
  Analog Access, Voice Mail Port  <hostname>.cnf
It prints the ports with their lines and, for SCCP and MGCP IOS gateways, the
IOS configuration the gateway derives from its files (--ios prints only that).
Without --model a gateway asks for <hostname>.cnf.xml and reads its call-control
list only, as before gateway models existed.`

// gatewayModel leaves a gateway without a model when --model was not
// given: the flag's default is a phone's.
func gatewayModel(cmd *cobra.Command, c *device.Config) {
	if c.Kind == device.Gateway && !cmd.Flags().Changed("model") {
		c.Model = ""
	}
}

// printIOS prints the IOS configuration of a gateway's boot, a line each.
func printIOS(w io.Writer, r *device.Report) error {
	if len(r.IOS) == 0 {
		return fmt.Errorf("%s derived no IOS configuration (an IOS gateway's: SCCP VG, MGCP)", r.Device)
	}
	_, err := io.WriteString(w, strings.Join(r.IOS, "\n")+"\n")
	return err
}
