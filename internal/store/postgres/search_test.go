package postgres_test

import (
	"testing"

	"cmtftp/internal/store/storetest"
)

// BenchmarkSearchDevices pages through 100,000 devices in PostgreSQL.
func BenchmarkSearchDevices(b *testing.B) { storetest.BenchSearchDevices(b, bopen) }
