package sqlite_test

import (
	"testing"

	"cmtftp/internal/store"
	"cmtftp/internal/store/storetest"
)

// BenchmarkSearchDevices pages through 100,000 devices in SQLite.
func BenchmarkSearchDevices(b *testing.B) {
	storetest.BenchSearchDevices(b, func(b *testing.B) store.Store { return bopen(b) })
}
