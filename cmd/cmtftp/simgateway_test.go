package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimulateGateway: --device gateway with a model boots its family and
// prints its ports and IOS configuration; --ios prints only the IOS
// lines; without --model a gateway asks for <hostname>.cnf.xml; --ios is
// refused where there is nothing to print.
func TestSimulateGateway(t *testing.T) {
	dir := filepath.Join("..", "..", "internal", "device", "testdata", "gateway")
	files := map[string][]byte{}
	for _, n := range []string{"SKIGW00DE0000F1.cnf.xml", "AN00DE0000F1200.cnf.xml", "AN00DE0000F1201.cnf.xml", "gw-f1.demo.example.cnf.xml"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	addr, _ := memTFTP(t, files)
	sim := func(args ...string) (string, error) {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append([]string{"simulate", "--device", "gateway", "--tftp", addr, "--timeout", "300ms", "--retries", "1"}, args...))
		err := root.Execute()
		return out.String(), err
	}
	out, err := sim("--model", "VG224", "--mac", "0000DE0000F1")
	for _, want := range []string{"AN00DE0000F1201.cnf.xml  found", "port 2/1: line 4601", "IOS configuration:", "  dial-peer voice 999201 pots"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("VG224: %v, no %q in\n%s", err, want, out)
		}
	}
	out, err = sim("--model", "ISR4321", "--hostname", "gw-f1.demo.example", "--ios")
	if err != nil || !strings.HasPrefix(out, "mgcp call-agent 127.0.0.1 2427 service-type mgcp version 0.1\n") || strings.Contains(out, "outcome") {
		t.Errorf("--ios: %v\n%s", err, out)
	}
	if out, err = sim("--hostname", "gw-f1.demo.example"); err != nil || !strings.Contains(out, "gw-f1.demo.example.cnf.xml  found") || strings.Contains(out, "IOS") {
		t.Errorf("no model: %v\n%s", err, out)
	}
	if _, err = sim("--model", "ISR4321", "--hostname", "gw-f1.demo.example", "--ios", "--json"); err == nil || !strings.Contains(err.Error(), "--ios") {
		t.Errorf("--ios --json: %v", err)
	}
	if _, err = sim("--model", "ISR4321", "--hostname", "nobody"); err == nil || !strings.Contains(err.Error(), "configuration not found") {
		t.Errorf("missing file: %v", err)
	}
}
