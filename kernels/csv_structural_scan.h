#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::kernels {

// The structural scan of CSV text (simdjson / simdcsv style): 64 bytes at a
// time are compared against splatted characters and turned into 64-bit
// masks, bit i of block b standing for byte 64 * b + i of the text. Callers
// walk the masks with bit operations instead of the bytes one at a time.
// SIMD with Highway runtime dispatch (the best target the processor has).
//
// Contract (every function): `text` points to `size` readable bytes, any
// alignment; no byte at or past text + size is read (the end of a mapping or
// of an exact-size heap block is safe). `text` may be null when size is 0.
// Unless said otherwise, exactly ceil(size / 64) entries of the output array
// are written; in the last one, bits for positions at or past `size` are
// zero. Pure apart from the outputs, thread-safe.

// Every occurrence of three characters.
struct CsvCharacterBits {
  uint64_t quotes;      // bytes equal to `quote`
  uint64_t delimiters;  // bytes equal to `delimiter`
  uint64_t newlines;    // bytes equal to '\n'
};

void FindCsvCharacters(const char* text, size_t size, char quote, char delimiter,
                       CsvCharacterBits* bits);

// The offsets of every delimiter and '\n' in the text, ascending: the field
// boundaries of text known to hold no quote, for a loader that then checks
// the records' shape and parses one column at a time without walking the
// bytes in between again. `positions` must have room for size + 8 entries
// (entries past the count returned may be overwritten with anything).
// `size` must be below 2^32.
struct CsvSeparatorCounts {
  size_t separators;  // entries written to `positions`
  size_t newlines;    // how many of them are '\n'
  size_t quotes;      // quote characters seen (the caller's check)
};

CsvSeparatorCounts FindCsvSeparators(const char* text, size_t size, char quote, char delimiter,
                                     uint32_t* positions);

// Record ends, honoring quoted fields. The quote parity (prefix XOR of the
// quote mask, through a carry-less multiply where the target has one) marks
// the bytes inside quoted fields; a "" inside a quoted field closes and
// reopens it, so it needs no special case.
//
// Parity alone describes csv_row_scanner.h's dialect only while every quote
// that opens a quoted field stands at the start of a field. A quote that the
// parity would take as opening but that follows a byte other than the
// delimiter, '\n' or another quote (5'10" in an unquoted field, or text
// after a closing quote holding a quote) is reported as a stray quote: the
// parity of everything from it on is not the dialect's, so the caller must
// walk the record holding it byte by byte. Record ends below a block's
// lowest stray quote are exact.
//
// The scan may be split into consecutive calls: `state` carries the parity
// and the last byte's class from one call to the next. A scan starting at a
// record start begins with a default-constructed state.
struct CsvQuoteState {
  uint64_t inside_quotes = 0;   // 1: the text so far ends inside a quoted field
  uint64_t may_open_quote = 1;  // 1: a quote at the next byte may open a field
};

struct CsvRecordBits {
  uint64_t newlines;      // every '\n' (physical lines)
  uint64_t record_ends;   // '\n' outside quoted fields
  uint64_t stray_quotes;  // see above; zero in well-formed text
};

// The number of set bits in each mask over all blocks written (the caller
// then needs no popcount for the usual chunk, where it takes every record).
struct CsvRecordCounts {
  size_t newlines;
  size_t record_ends;
  size_t stray_quotes;
};

CsvRecordCounts FindCsvRecordEnds(const char* text, size_t size, char quote, char delimiter,
                                  CsvQuoteState* state, CsvRecordBits* bits);

}  // namespace weir::kernels
