package device_test

import (
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"testing"

	"cmtftp/internal/device"
	"cmtftp/internal/tftp"
)

// stallingServer serves one file over TFTP from one socket: for the first
// request of it, DATA 1 and then nothing (the transfer stalls, as when the
// server gave up on lost packets); from the second on, the whole file.
// Every other name is not found. It counts the requests for the file.
func stallingServer(t *testing.T, name string, file []byte) (netip.AddrPort, *atomic.Int64) {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int64
	block := func(n int) []byte {
		lo, hi := min((n-1)*512, len(file)), min(n*512, len(file))
		return tftp.AppendData(nil, uint16(n), file[lo:hi])
	}
	go func() {
		buf := make([]byte, 2048)
		for { // until the cleanup closes the socket
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			p := buf[:n]
			switch op, _ := tftp.PeekOpcode(p); op {
			case tftp.OpRRQ:
				req, err := tftp.ParseRequest(p)
				switch {
				case err != nil || req.Filename != name:
					c.WriteToUDPAddrPort(tftp.AppendError(nil, tftp.ErrFileNotFound, "File not found"), from)
				default:
					asked.Add(1)
					c.WriteToUDPAddrPort(block(1), from)
				}
			case tftp.OpACK:
				if blk, err := tftp.ParseAck(p); err == nil && asked.Load() >= 2 && int(blk)*512 <= len(file) {
					c.WriteToUDPAddrPort(block(int(blk)+1), from)
				}
			}
		}
	}()
	t.Cleanup(func() { c.Close() })
	return c.LocalAddr().(*net.UDPAddr).AddrPort(), &asked
}

// TestStalledTransferAskedAgain: a server that answered and then went
// quiet in the middle of the configuration file is asked again for it —
// the same server, not the next — and the device ends configured; the
// second server hears nothing.
func TestStalledTransferAskedAgain(t *testing.T) {
	file, err := os.ReadFile("../render/testdata/golden/SEP0000DE000001.cnf.xml")
	if err != nil {
		t.Fatal(err)
	}
	first, asked := stallingServer(t, "SEP0000DE000001.cnf.xml", file)
	second := newSilentServer(t)
	r := boot(t, device.Config{MAC: "0000DE000001", Model: "7961", Protocol: "SCCP", Timeout: 200e6, Retries: 1,
		Servers: []netip.AddrPort{first, second.addr}})
	if !r.OK() || r.Server != first.String() {
		t.Fatalf("%s %q from %q: %s\n%s", r.Outcome, r.Cause, r.Server, r.Detail, text(r))
	}
	var outcomes []device.Outcome
	for _, st := range r.Steps {
		if st.Name == "SEP0000DE000001.cnf.xml" {
			outcomes = append(outcomes, st.Outcome)
		}
	}
	if len(outcomes) != 2 || outcomes[0] != device.Stalled || outcomes[1] != device.Found || asked.Load() != 2 {
		t.Errorf("the configuration's steps %v, %d requests; want stalled then found, 2 requests", outcomes, asked.Load())
	}
	if n := second.received(); n != 0 {
		t.Errorf("the second server received %d requests, want none", n)
	}
}
