#include "runtime/column.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "runtime/errors.h"

namespace weir {

Column::Column(DataType type, MemoryTracker* tracker)
    : type_(type), values_(tracker), offsets_(tracker), bytes_(tracker), validity_(tracker) {
  if (type_ == DataType::String) {
    offsets_.resize(sizeof(int64_t));
    offsets_.as<int64_t>()[0] = 0;
  }
}

size_t Column::value_width() const {
  switch (type_) {
    case DataType::Int64:
    case DataType::Timestamp:
      return sizeof(int64_t);
    case DataType::Float64:
      return sizeof(double);
    case DataType::Bool:
      return sizeof(uint8_t);
    case DataType::String:
      return 0;
  }
  return 0;
}

void Column::clear() {
  size_ = 0;
  null_count_ = 0;
  values_.clear();
  bytes_.clear();
  validity_.clear();
  if (type_ == DataType::String) {
    offsets_.resize(sizeof(int64_t));
    offsets_.as<int64_t>()[0] = 0;
  }
}

void Column::reserve(size_t rows, size_t string_bytes) {
  if (type_ == DataType::String) {
    offsets_.reserve((rows + 1) * sizeof(int64_t));
    bytes_.reserve(string_bytes);
  } else {
    values_.reserve(rows * value_width());
  }
  validity_.reserve(((rows + 63) / 64) * sizeof(uint64_t));
}

void Column::grow_validity_words(size_t rows) {
  const size_t words_needed = (rows + 63) / 64;
  const size_t words_have = validity_.size() / sizeof(uint64_t);
  if (words_needed > words_have) {
    validity_.resize(words_needed * sizeof(uint64_t));
    uint64_t* words = validity_.as<uint64_t>();
    for (size_t w = words_have; w < words_needed; ++w) words[w] = ~uint64_t{0};
  }
}

void Column::resize_fixed(size_t rows) {
  WEIR_CHECK(type_ != DataType::String);
  values_.resize(rows * value_width());
  grow_validity(rows);
  size_ = rows;
}

void Column::view_rows(const Column& source, size_t first_row, size_t rows) {
  WEIR_CHECK(source.type_ == type_ && type_ != DataType::String);
  WEIR_CHECK(first_row % 64 == 0 && first_row + rows <= source.size_);
  const size_t width = value_width();
  values_.view(source.values_.data() + first_row * width, rows * width);
  const size_t first_word = first_row / 64;
  const size_t words = (rows + 63) / 64;
  const uint64_t* validity = source.validity_.as<uint64_t>() + first_word;
  validity_.view(reinterpret_cast<const uint8_t*>(validity), words * sizeof(uint64_t));
  size_ = rows;
  null_count_ = 0;
  if (source.null_count_ > 0) {
    for (size_t w = 0; w < words; ++w) {
      const size_t bits = std::min<size_t>(64, rows - w * 64);
      const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
      null_count_ += static_cast<size_t>(std::popcount(~validity[w] & mask));
    }
  }
}

void Column::append_rows(const Column& source, size_t first_row, size_t rows) {
  WEIR_CHECK(source.type_ == type_ && first_row + rows <= source.size_);
  if (type_ == DataType::String) {
    reserve(size_ + rows);
    for (size_t row = first_row; row < first_row + rows; ++row) {
      if (source.is_valid(row)) {
        append_string(source.string_at(row));
      } else {
        append_null();
      }
    }
    return;
  }
  const size_t width = value_width();
  const size_t old_size = size_;
  resize_fixed(old_size + rows);
  if (rows > 0) std::memcpy(values_.data() + old_size * width, source.values_.data() + first_row * width, rows * width);
  if (source.null_count_ > 0) {
    for (size_t i = 0; i < rows; ++i) {
      if (!source.is_valid(first_row + i)) set_null(old_size + i);
    }
  }
}

void Column::append_bool(bool value) {
  WEIR_CHECK(type_ == DataType::Bool);
  values_.resize(size_ + 1);
  values_.as<uint8_t>()[size_] = value ? 1 : 0;
  grow_validity(++size_);
}

void Column::append_null() {
  switch (type_) {
    case DataType::Int64:
    case DataType::Timestamp:
      append_int64(0);
      break;
    case DataType::Float64:
      append_float64(0.0);
      break;
    case DataType::Bool:
      append_bool(false);
      break;
    case DataType::String:
      append_string(std::string_view());
      break;
  }
  set_null(size_ - 1);
}

void Column::set_null(size_t row) {
  WEIR_CHECK(row < size_);
  uint64_t& word = validity_.as<uint64_t>()[row >> 6];
  const uint64_t bit = uint64_t{1} << (row & 63);
  if ((word & bit) == 0) return;
  word &= ~bit;
  ++null_count_;
  const size_t width = value_width();
  if (width > 0) std::memset(values_.data() + row * width, 0, width);
}

}  // namespace weir
