// Package trust is the pure wire codec of Cisco signed files (".sgn") and
// trust lists (ITL/CTL ".tlv"), as ../shared/spec/cisco-formats.md §11.1 and
// §11.2 describe them. It imports only the standard library.
//
// Every element is tag (1 byte) | length (2 bytes, big-endian) | value, except
// the padding tag 13, a single byte. A signed config looks like this (§11.1):
//
//	01 0002 01 00                          version 1.0
//	02 0002 01 7C                          header length = 380
//	03 0032                                signer info, 50 bytes follow
//	   04 0010 "CN=TFTP-Lab,O=X\0"         signer name
//	   06 0010 "CN=TFTP-Lab,O=X\0"         issuer name
//	   05 0009 <9-byte serial>
//	07 000F                                signature info
//	   08 0001 01                          hash = SHA-1
//	   09 0008                             signature-algorithm info
//	      0A 0001 00                       RSA PKCS#1 v1.5
//	      0B 0001 02                       2048-bit
//	0C 0100 <256-byte RSA signature>
//	0E 001C "SEP00AA11BB22CC.cnf.xml.sgn\0" filename
//	0F 0004 <unix time>
//	0D 0D                                  padding to a multiple of 4
//	<original XML bytes…>                  payload starts at offset 380
//
// The signature covers the whole file (header and payload) without the 3+N
// bytes of the tag-12 element.
//
// Where the spec is silent this package chooses, and says so:
//   - the position of the signer-version element (tag 28) in a trust-list
//     header: right after the header-length element (where the public
//     certutils tlvfile writes it); the parser accepts it anywhere in the
//     header;
//   - a record's length element (tag 1) has length 2 and holds the length of
//     the whole record, this element included;
//   - the value of the record hash-algorithm element (tag 12): one byte with
//     the §11.1 tag-8 codes, here always 1 (SHA-1), naming the hash of tag 11;
//   - the IP-address element (tag 10) is not built (its encoding is not
//     documented); the parser keeps its raw bytes.
package trust
