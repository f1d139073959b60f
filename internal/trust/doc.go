// Package trust is the pure wire codec of Cisco signed files (".sgn"),
// trust lists (ITL/CTL ".tlv") and encrypted configurations (".enc.sgn"),
// as ../shared/spec/cisco-formats.md §11.1 to §11.3 describe them. It imports only the standard library.
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
//     documented); the parser keeps its raw bytes;
//   - a trust-list record must carry a role (tag 4; absent, it would read as
//     role 0, SAST) and a certificate (tag 9) or public key (tag 7);
//   - the encrypted configuration (§11.3, version 2.0) puts its elements
//     after the file name and timestamp, before the padding, in this order:
//     16 { 17 { 18, 19, 20 }, 21 { 22, 23, 24, 25 } }, 26, 27; the parser
//     takes them anywhere in the header;
//   - the sizes §11.3 leaves open: tags 18, 22 and 24 are one byte, tag 23
//     (key size in bits, 128) two bytes, big-endian; tag 26 is one byte
//     with the §11.1 tag-8 codes, the same hash that signs the file;
//   - a plaintext already a multiple of 16 bytes gets no padding (pad count
//     0); the reader accepts a pad count of up to 16 (one whole block);
//   - the encrypted configuration carries the hash of the plaintext in the
//     clear (tag 27), as §11.3 documents: whoever guesses a configuration
//     can confirm the guess; DecryptConfig checks that hash but not the
//     signature (Verify or VerifySigned does).
//
// The phone's side: VerifyTrustList accepts a trust list as a phone does
// (§11.2 rollover rule, "leap of faith" with no list installed),
// VerifySigned checks a signed file against the list's TFTP records, and
// DecryptConfig decrypts an encrypted configuration with the phone's key.
package trust
