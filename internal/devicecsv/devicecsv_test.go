package devicecsv

import (
	"fmt"
	"strings"
	"testing"

	"cmtftp/internal/domain"
)

// mixedRows is a file with good rows and one of each row error.
const mixedRows = "\ufeffMac Address,Device_Type,DEVICE POOL,Directory Number 1,Display 1,LINE TEXT LABEL 1,DIRECTORY NUMBER 3\n" +
	"00:11:22:33:44:55,Cisco 7961,HQ,4001,Ada,A,4100\n" +
	"\n" +
	"0011.2233.4456,7961,HQ,4100,,,\n" +
	"00112233445G,7961,HQ,4002,,,\n" +
	"00:11:22:33:44:57,7961,HQ,4001,Bob,,\n" +
	"00:11:22:33:44:55,7961,HQ,4003,,,\n" +
	"00:11:22:33:44:58,7961,HQ,,Nobody,,\n" +
	"00:11:22:33:44:59,7961\n" +
	"00:11:22:33:44:5A,7961,HQ,40 04,,,\n"

func TestParse(t *testing.T) {
	f, errs := Parse(strings.NewReader(mixedRows))
	want := map[int]string{
		5:  "'G' is not a hex digit",
		6:  "directory number 4001 has another display name or label on line 2",
		7:  "device SEP001122334455 is also on line 2",
		8:  "display name or label without a directory number",
		9:  "2 fields, the header has 7",
		10: "not a directory number",
	}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	for _, e := range errs {
		if w, ok := want[e.Line]; !ok || !strings.Contains(e.Error(), w) {
			t.Errorf("unexpected error %v (want %q on line %d)", e, w, e.Line)
		}
	}
	if len(f.Rows) != 2 {
		t.Fatalf("%d good rows, want 2", len(f.Rows))
	}
	d := f.Rows[0].Device
	if d.Name != "SEP001122334455" || d.Model != "7961" || d.Pool != "HQ" || len(d.Lines) != 2 || d.Lines[1] != (domain.Appearance{Button: 3, Line: "4100"}) {
		t.Errorf("row 1: %+v", d)
	}
	if f.Rows[1].Line != 4 || f.LineOf["SEP001122334456"] != 4 {
		t.Errorf("row 2 line number: %d", f.Rows[1].Line)
	}
	if l := f.Lines["4001"]; l.DisplayName != "Ada" || l.Label != "A" {
		t.Errorf("line 4001: %+v", l)
	}
}

// headerCases are files whose first row is wrong, with the error wanted on line 1.
var headerCases = []struct{ name, in, want string }{
	{"empty", "", "the file is empty"},
	{"no device column", "DEVICE TYPE,DEVICE POOL\n", "no MAC ADDRESS or DEVICE NAME column"},
	{"no type", "MAC ADDRESS,DEVICE POOL\n", "no DEVICE TYPE column"},
	{"unknown column", "MAC ADDRESS,DEVICE TYPE,DEVICE POOL,X\n", "X: unknown column"},
	{"twice", "MAC ADDRESS,MAC,DEVICE TYPE,DEVICE POOL\n", "column given twice"},
}

func TestParseHeader(t *testing.T) {
	for _, tc := range headerCases {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := Parse(strings.NewReader(tc.in))
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) || errs[0].Line != 1 {
				t.Errorf("header %q: %v, want %q on line 1", tc.in, errs, tc.want)
			}
		})
	}
}

// referenceRows are rows that parse but refer to records that are missing
// or do not fit (line 2 alone is good).
const referenceRows = "MAC ADDRESS,DEVICE TYPE,DEVICE POOL,DEVICE PROTOCOL,DIAL PLAN,DIRECTORY NUMBER 1,DIRECTORY NUMBER 2\n" +
	"000000000001,7961,HQ,SCCP,,1,\n" +
	"000000000002,7999,HQ,,,1,\n" +
	"000000000003,7961,XX,,,1,\n" +
	"000000000004,8841,HQ,SCCP,,1,\n" +
	"000000000005,7911,HQ,,,1,2\n" +
	"000000000006,7961,HQ,SIP,p7940,1,\n"

func TestCheckReferences(t *testing.T) {
	f, errs := Parse(strings.NewReader(referenceRows))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	site := &domain.Site{Pools: []*domain.Pool{{Name: "HQ"}}, DialPlans: []*domain.DialPlan{{Name: "p7940", Family: domain.DialFamily7940}}}
	for _, m := range domain.Catalogue() {
		site.Models = append(site.Models, &m)
	}
	ok, bad := CheckReferences(f, site)
	if len(ok) != 1 || ok[0].Line != 2 {
		t.Errorf("good rows: %+v", ok)
	}
	want := []string{"no model \"7999\"", "no device pool \"XX\"", "model 8841 runs SIP", "model 7911 has at most 1", "reads 79x1 plans"}
	if len(bad) != len(want) {
		t.Fatalf("errors: %v", bad)
	}
	for i, w := range want {
		if !strings.Contains(bad[i].Msg, w) || bad[i].Line != i+3 {
			t.Errorf("error %d = %v, want %q on line %d", i, bad[i], w, i+3)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("MAC ADDRESS,DEVICE TYPE,DEVICE POOL,DIRECTORY NUMBER 1\n001122334455,7961,HQ,4001\n")
	f.Add("MAC ADDRESS,DEVICE TYPE,DEVICE POOL\n\"00:11,7961,HQ\n")
	f.Add(mixedRows)
	f.Add(referenceRows)
	f.Add("MAC ADDRESS,DEVICE TYPE,DEVICE POOL,DESCRIPTION\n001122334455,7961,HQ," + strings.Repeat("d", MaxField+1) + "\n")
	for _, tc := range headerCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		parsed, errs := Parse(strings.NewReader(in))
		if len(errs) > MaxErrors || len(parsed.Rows) > MaxRows || len(parsed.Lines) > MaxLines {
			t.Fatalf("%d errors, %d rows, %d lines: past a limit", len(errs), len(parsed.Rows), len(parsed.Lines))
		}
		for _, r := range parsed.Rows {
			// Every row handed on is valid on its own.
			d := *r.Device
			if len(d.Description) > MaxField {
				t.Fatalf("row %d: a field of %d bytes passed", r.Line, len(d.Description))
			}
			if err := domain.Normalize(&d); err != nil {
				t.Fatalf("row %d passed but does not validate: %v", r.Line, err)
			}
			for _, a := range d.Lines {
				if parsed.Lines[a.Line] == nil {
					t.Fatalf("row %d uses line %s that the file does not define", r.Line, a.Line)
				}
			}
		}
	})
}

func TestParseErrorCap(t *testing.T) {
	conflicts := "MAC ADDRESS,DEVICE TYPE,DEVICE POOL,DIRECTORY NUMBER 1,DISPLAY 1\n000000000000,7961,HQ,4001,Ada\n"
	for i := 1; i <= MaxErrors+5; i++ {
		conflicts += fmt.Sprintf("%012X,7961,HQ,4001,Bob\n", i)
	}
	for _, tc := range []struct{ name, in string }{
		{"header", "MAC ADDRESS,DEVICE TYPE,DEVICE POOL" + strings.Repeat(",COLOUR", MaxErrors+5) + "\n"},
		{"short rows", "MAC ADDRESS,DEVICE TYPE,DEVICE POOL\n" + strings.Repeat("000000000001\n", MaxErrors+5)},
		{"line conflicts", conflicts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, errs := Parse(strings.NewReader(tc.in)); len(errs) != MaxErrors {
				t.Errorf("%d errors, want the cap %d", len(errs), MaxErrors)
			}
		})
	}
}
