package sqlstore

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

type embeddedCols struct {
	Size int64 `json:"size" db:"size"`
}

type goodRecord struct {
	Name string `json:"name" db:"name"`
	embeddedCols
	Data     []byte    `json:"data" db:"data,omitlist"`
	Note     string    `json:"note" db:"note,null"`
	Tags     []string  `json:"tags" db:"tags,json"`
	At       time.Time `json:"at" db:"at,micros"`
	Scope    string    `json:"scope" db:"-"`
	Items    []item    `json:"items" db:"child:record_items,record,slot,what"`
	internal int
}

type item struct {
	Slot int    `db:"slot"`
	What string `db:"what"`
}

func TestMapType(t *testing.T) {
	var tb table
	if err := tb.mapType(reflect.TypeFor[goodRecord](), "name"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"name", "size", "data", "note", "tags", "at"}; !slices.Equal(tb.cols, want) {
		t.Errorf("cols %v, want %v", tb.cols, want)
	}
	if want := []string{"name", "size", "NULL", "note", "tags", "at"}; !slices.Equal(tb.listCols, want) {
		t.Errorf("listCols %v, want %v", tb.listCols, want)
	}
	if tb.cells != 3 {
		t.Errorf("%d scratch cells, want 3", tb.cells)
	}
	c := tb.child
	if c == nil || c.name != "record_items" || c.parent != "record" || c.pos != "slot" || c.val != "what" {
		t.Errorf("child %+v", c)
	}
}

// TestMapTypeRejects: a tag the mapping cannot use is an error, not a
// silently missing column.
func TestMapTypeRejects(t *testing.T) {
	for name, rt := range map[string]reflect.Type{
		"untagged": reflect.TypeFor[struct {
			Name string `json:"name" db:"name"`
			Host string
		}](),
		"unknown option": reflect.TypeFor[struct {
			Name string `json:"name" db:"name,nul"`
		}](),
		"two codecs": reflect.TypeFor[struct {
			Name string `json:"name" db:"name"`
			Note string `db:"note,null,json"`
		}](),
		"micros on int": reflect.TypeFor[struct {
			Name string `json:"name" db:"name"`
			At   int64  `db:"at,micros"`
		}](),
		"slice without json": reflect.TypeFor[struct {
			Name string   `json:"name" db:"name"`
			Tags []string `db:"tags"`
		}](),
		"bad column name": reflect.TypeFor[struct {
			Name string `json:"name" db:"Name"`
		}](),
		"empty column name": reflect.TypeFor[struct {
			Name string `json:"name" db:",null"`
		}](),
		"column twice": reflect.TypeFor[struct {
			Name  string `json:"name" db:"name"`
			Other string `db:"name"`
		}](),
		"key not first": reflect.TypeFor[struct {
			Host string `json:"host" db:"host"`
			Name string `json:"name" db:"name"`
		}](),
		"child too short": reflect.TypeFor[struct {
			Name  string   `json:"name" db:"name"`
			Items []string `db:"child:items,record,slot"`
		}](),
		"child element untagged": reflect.TypeFor[struct {
			Name  string `json:"name" db:"name"`
			Items []struct {
				Slot int
				What string
			} `db:"child:items,record,slot,what"`
		}](),
		"child not a slice": reflect.TypeFor[struct {
			Name  string `json:"name" db:"name"`
			Items string `db:"child:items,record,slot,what"`
		}](),
	} {
		var tb table
		if err := tb.mapType(rt, "name"); !errors.Is(err, errTag) {
			t.Errorf("%s: mapType = %v, want errTag", name, err)
		}
	}
}
