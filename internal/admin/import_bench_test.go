package admin

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"cmtftp/internal/devicecsv"
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
)

// scaleCSV writes n rows of scripts/bench-scale's CSV (8841 SIP phones,
// two lines each) starting at device first.
func scaleCSV(first, n int) []byte {
	var b bytes.Buffer
	b.WriteString("MAC ADDRESS,DESCRIPTION,DEVICE TYPE,DEVICE PROTOCOL,DEVICE POOL,SIP PROFILE,DIAL PLAN,SOFTKEY TEMPLATE," +
		"DIRECTORY NUMBER 1,DISPLAY 1,DIRECTORY NUMBER 2,DISPLAY 2\n")
	for k := first; k < first+n; k++ {
		fmt.Fprintf(&b, "0022AA%06X,scale %d,Cisco 8841,SIP,HQ,Standard SIP Profile,hq-79x1,Standard-User,%d,User %d,%d,Shared %d\n",
			k, k, 10000000+k, k, 20000000+k, k)
	}
	return b.Bytes()
}

// BenchmarkImportCSV imports CMTFTP_BENCH_IMPORT devices (default 20,000)
// of scripts/bench-scale's CSV into a SQLite store through the admin API,
// on top of examples/site.yaml, as cmtftp import does (Check, then Import
// in batches of 2,000). Client and server share the process: profile it
// with -cpuprofile and read the server's part under (*Server).apply.
func BenchmarkImportCSV(b *testing.B) {
	n := 20_000
	if v := os.Getenv("CMTFTP_BENCH_IMPORT"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "import.db"))
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer((&Server{Store: st}).Handler())
		c := &Client{Base: srv.URL}
		yf, err := os.Open("../../examples/site.yaml")
		if err != nil {
			b.Fatal(err)
		}
		site, err := ReadSite(yf, Limits{})
		yf.Close()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Apply(ctx, site); err != nil {
			b.Fatal(err)
		}
		data := scaleCSV(0, n)
		b.StartTimer()
		existing, err := store.LoadSite(ctx, c, domain.KindModel, domain.KindPool, domain.KindSoftkey, domain.KindSIPProfile, domain.KindDialPlan)
		if err != nil {
			b.Fatal(err)
		}
		checked, errs := devicecsv.Check(bytes.NewReader(data), existing)
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		if _, err := c.Import(ctx, bytes.NewReader(data), checked, 2000, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.Close()
		st.Close()
		b.StartTimer()
	}
}
