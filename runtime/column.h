#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "memory/aligned_buffer.h"
#include "runtime/data_type.h"
#include "runtime/errors.h"

namespace weir {

// One column of a batch: typed values plus a validity bitmap (bit set = the
// value is present, clear = NULL). Buffers are 64-byte aligned, padded, and
// counted by the run's MemoryTracker.
//
// Layouts by type: see runtime/data_type.h. The value slot of a NULL row is
// kept zeroed (strings: empty), so kernels may read it without branching.
//
// Contract: a column is written by one thread (the one that builds the
// batch) and then read by any number of threads; it is never written while
// being read.
class Column {
 public:
  Column(DataType type, MemoryTracker* tracker = nullptr);
  Column(Column&&) noexcept = default;
  Column& operator=(Column&&) noexcept = default;

  DataType type() const { return type_; }
  size_t size() const { return size_; }

  // Removes every row; keeps capacity.
  void clear();
  // Makes room for `rows` rows (and, for strings, `string_bytes` bytes).
  void reserve(size_t rows, size_t string_bytes = 0);

  // Appending, one row at a time (sources and tests). Fixed-width only.
  // Inline: output is built one value at a time.
  void append_int64(int64_t value) {
    WEIR_CHECK(is_int64_backed(type_));
    values_.resize((size_ + 1) * sizeof(int64_t));
    values_.as<int64_t>()[size_] = value;
    grow_validity(++size_);
  }
  void append_float64(double value) {
    WEIR_CHECK(type_ == DataType::Float64);
    values_.resize((size_ + 1) * sizeof(double));
    values_.as<double>()[size_] = value;
    grow_validity(++size_);
  }
  void append_bool(bool value);
  void append_string(std::string_view value) {
    char* bytes = append_string_uninitialized(value.size());
    if (!value.empty()) std::memcpy(bytes, value.data(), value.size());
  }
  // Appends a string row of `bytes` bytes and returns where to write them
  // (valid until the column changes again): a producer that builds the
  // bytes in place (e.g. a generator) skips a copy.
  char* append_string_uninitialized(size_t bytes) {
    WEIR_CHECK(type_ == DataType::String);
    const int64_t start = offsets_.as<int64_t>()[size_];
    bytes_.resize(static_cast<size_t>(start) + bytes);
    offsets_.resize((size_ + 2) * sizeof(int64_t));
    offsets_.as<int64_t>()[size_ + 1] = start + static_cast<int64_t>(bytes);
    grow_validity(++size_);
    return reinterpret_cast<char*>(bytes_.data()) + start;
  }
  void append_null();
  // Appends `count` NULL rows at once.
  void append_nulls(size_t count);

  // Makes this column a zero-copy view of rows [first_row, first_row + rows)
  // of `source` (same fixed-width type; first_row a multiple of 64 so the
  // validity words line up). `source` must stay alive and unchanged until
  // this column is cleared; writing to the view copies it first.
  void view_rows(const Column& source, size_t first_row, size_t rows);
  // Appends rows [first_row, first_row + rows) of `source` (same type).
  void append_rows(const Column& source, size_t first_row, size_t rows);

  // Appends `count` rows: row i is row rows[i] of *sources[which[i]] (all
  // of this column's type; `which` may be null when there is one source).
  // Gathers rows picked across batches (a join's pairs, a state's kept
  // rows) with one sizing per call: no per-row reallocation checks.
  void append_gathered(const Column* const* sources, const uint32_t* which, const uint32_t* rows, size_t count);
  void append_selected(const Column& source, const uint32_t* rows, size_t count) {
    const Column* one = &source;
    append_gathered(&one, nullptr, rows, count);
  }

  // Appends `rows` rows: row r takes the next row of `source` (same type;
  // source rows 0, 1, ... in order) when bit r of `present` (bit r % 64 of
  // word r / 64) is set, and is NULL otherwise. Builds a column of a union
  // of row kinds (e.g. a Nexmark stream of several event kinds) in one pass.
  void append_scattered(const Column& source, const uint64_t* present, size_t rows);

  // Bulk sizing for fixed-width columns: rows [old size, rows) become valid
  // with unspecified values that the caller then writes through *_data().
  void resize_fixed(size_t rows);

  int64_t* int64_data() { return values_.as<int64_t>(); }
  const int64_t* int64_data() const { return values_.as<int64_t>(); }
  double* float64_data() { return values_.as<double>(); }
  const double* float64_data() const { return values_.as<double>(); }
  uint8_t* bool_data() { return values_.as<uint8_t>(); }
  const uint8_t* bool_data() const { return values_.as<uint8_t>(); }

  // Strings: offsets has size() + 1 entries.
  const int64_t* string_offsets() const { return offsets_.as<int64_t>(); }
  const char* string_bytes() const { return bytes_.as<char>(); }
  std::string_view string_at(size_t row) const {
    const int64_t* offsets = string_offsets();
    return std::string_view(string_bytes() + offsets[row],
                            static_cast<size_t>(offsets[row + 1] - offsets[row]));
  }

  // Validity. validity_words() has ceil(size()/64) words; bits past size()
  // are unspecified.
  bool has_nulls() const { return null_count_ > 0; }
  size_t null_count() const { return null_count_; }
  bool is_valid(size_t row) const {
    return null_count_ == 0 || ((validity_.as<uint64_t>()[row >> 6] >> (row & 63)) & 1) != 0;
  }
  const uint64_t* validity_words() const { return validity_.as<uint64_t>(); }
  // Marks an existing row NULL (zeroing its value slot for fixed-width types).
  void set_null(size_t row);

 private:
  size_t value_width() const;
  // Makes the validity bitmap cover `rows` rows (new rows valid).
  void grow_validity(size_t rows) {
    if (rows > validity_.size() * 8) grow_validity_words(rows);
  }
  void grow_validity_words(size_t rows);

  DataType type_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  AlignedBuffer values_;    // fixed-width values
  AlignedBuffer offsets_;   // strings: int64 offsets
  AlignedBuffer bytes_;     // strings: bytes
  AlignedBuffer validity_;  // one bit per row
};

}  // namespace weir
