package dhcp

import "fmt"

// optionOrder walks DHCPv4 option areas in the order given and returns
// each option code once, in the order of its first appearance. It reads
// only codes and lengths (the values are decoded by the library): Pad (0)
// is one byte, End (255) ends an area, every other option is a code, a
// length and that many bytes (RFC 2132, section 2):
//
//	 Code   Len   Data item        Code   Len   Data item       Code
//	+-----+-----+-----+-----+---  +-----+-----+-----+-----+---  +-----+
//	|  tn |  n  |  d1 |  d2 | ... |  tn |  4  |  d1 |  d2 | ... | 255 |
//	+-----+-----+-----+-----+---  +-----+-----+-----+-----+---  +-----+
//
// An option running past the end of its area is an error.
func optionOrder(areas ...[]byte) ([]uint8, error) {
	var seen [256]bool
	var order []uint8
	for n, area := range areas {
		for i := 0; i < len(area); {
			code := area[i]
			if code == 0 {
				i++
				continue
			}
			if code == 255 {
				break
			}
			if i+1 >= len(area) || i+2+int(area[i+1]) > len(area) {
				return nil, fmt.Errorf("%w: option %d at byte %d of option area %d runs past its end", ErrMalformed, code, i, n)
			}
			if !seen[code] {
				seen[code] = true
				order = append(order, code)
			}
			i += 2 + int(area[i+1])
		}
	}
	return order, nil
}
