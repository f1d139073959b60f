package httpd

import (
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

// Range limits: overlapping ranges, and ranges closer together than the
// cost of a part's headers, are merged; a request that still has more than
// MaxRanges parts gets the whole file (RFC 9110 §14.2 allows both), so no
// Range header makes the answer much larger than the file.
const (
	// MaxRanges is the most parts a multipart range answer has.
	MaxRanges = 16
	// rangeGap is the gap below which two ranges are sent as one: about a
	// part's boundary and headers.
	rangeGap = 128
)

type byteRange struct{ first, last int64 } // inclusive

// limitRanges returns r, or a copy of r whose Range header is the merged
// ranges (none when there would be too many). A header with one range, or
// one this parser does not understand, is left to http.ServeContent, which
// answers 206 or 416 as before.
func limitRanges(r *http.Request, size int64) *http.Request {
	h := r.Header.Get("Range")
	if !strings.Contains(h, ",") {
		return r
	}
	ranges, ok := parseRanges(h, size)
	if !ok || len(ranges) == 0 {
		return r
	}
	ranges = mergeRanges(ranges)
	r = r.Clone(r.Context())
	if len(ranges) > MaxRanges {
		r.Header.Del("Range")
		return r
	}
	var b strings.Builder
	b.WriteString("bytes=")
	for i, br := range ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(br.first, 10) + "-" + strconv.FormatInt(br.last, 10))
	}
	r.Header.Set("Range", b.String())
	return r
}

// parseRanges resolves a "bytes=" header against size as http.ServeContent
// does, dropping ranges that start past the end. ok is false for a header
// it does not understand.
func parseRanges(h string, size int64) (ranges []byteRange, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || size <= 0 {
		return nil, false
	}
	for part := range strings.SplitSeq(spec, ",") {
		part = textproto.TrimString(part)
		if part == "" {
			continue
		}
		a, z, found := strings.Cut(part, "-")
		if !found {
			return nil, false
		}
		a, z = textproto.TrimString(a), textproto.TrimString(z)
		br, keep, ok := resolveRange(a, z, size)
		if !ok {
			return nil, false
		}
		if keep {
			ranges = append(ranges, br)
		}
	}
	return ranges, true
}

// resolveRange turns "a-z" into an inclusive range of a size-byte file;
// keep is false for a range wholly past the end.
func resolveRange(a, z string, size int64) (br byteRange, keep, ok bool) {
	if a == "" { // suffix: the last z bytes
		n, err := strconv.ParseInt(z, 10, 64)
		if err != nil || n <= 0 {
			return br, false, false
		}
		return byteRange{max(size-n, 0), size - 1}, true, true
	}
	first, err := strconv.ParseInt(a, 10, 64)
	if err != nil || first < 0 {
		return br, false, false
	}
	last := size - 1
	if z != "" {
		if last, err = strconv.ParseInt(z, 10, 64); err != nil || last < first {
			return br, false, false
		}
	}
	if first >= size {
		return br, false, true
	}
	return byteRange{first, min(last, size-1)}, true, true
}

// mergeRanges sorts ranges and merges those that overlap or lie less than
// rangeGap apart.
func mergeRanges(ranges []byteRange) []byteRange {
	slices.SortFunc(ranges, func(x, y byteRange) int {
		switch {
		case x.first < y.first:
			return -1
		case x.first > y.first:
			return 1
		}
		return 0
	})
	out := ranges[:1]
	for _, br := range ranges[1:] {
		cur := &out[len(out)-1]
		if br.first <= cur.last+rangeGap {
			cur.last = max(cur.last, br.last)
			continue
		}
		out = append(out, br)
	}
	return out
}
