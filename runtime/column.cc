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
    // The rows' bytes are one block: copied at once, offsets rebased.
    const size_t base = size_;
    const int64_t* from_offsets = source.string_offsets() + first_row;
    const int64_t first_byte = from_offsets[0];
    const auto block = static_cast<size_t>(from_offsets[rows] - first_byte);
    const int64_t start = offsets_.as<int64_t>()[base];
    bytes_.resize(static_cast<size_t>(start) + block);
    if (block > 0) std::memcpy(bytes_.data() + start, source.string_bytes() + first_byte, block);
    offsets_.resize((base + rows + 1) * sizeof(int64_t));
    int64_t* offsets = offsets_.as<int64_t>() + base + 1;
    for (size_t i = 0; i < rows; ++i) offsets[i] = start + (from_offsets[i + 1] - first_byte);
    size_ = base + rows;
    grow_validity(size_);
    if (source.null_count_ > 0) {
      for (size_t i = 0; i < rows; ++i) {
        if (!source.is_valid(first_row + i)) set_null(base + i);
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

void Column::append_gathered(const Column* const* sources, const uint32_t* which, const uint32_t* rows,
                             size_t count) {
  auto source_of = [&](size_t i) -> const Column& { return *sources[which != nullptr ? which[i] : 0]; };
  const size_t base = size_;
  bool any_nulls = false;
  if (type_ == DataType::String) {
    size_t bytes = 0;
    for (size_t i = 0; i < count; ++i) {
      const Column& from = source_of(i);
      WEIR_CHECK(from.type_ == type_);
      const int64_t* from_offsets = from.string_offsets();
      bytes += static_cast<size_t>(from_offsets[rows[i] + 1] - from_offsets[rows[i]]);
      any_nulls = any_nulls || from.null_count_ > 0;
    }
    const int64_t start = offsets_.as<int64_t>()[base];
    bytes_.resize(static_cast<size_t>(start) + bytes);
    offsets_.resize((base + count + 1) * sizeof(int64_t));
    int64_t* offsets = offsets_.as<int64_t>() + base + 1;
    char* to = reinterpret_cast<char*>(bytes_.data());
    int64_t end = start;
    for (size_t i = 0; i < count; ++i) {
      const Column& from = source_of(i);
      const int64_t* from_offsets = from.string_offsets();
      const int64_t begin = from_offsets[rows[i]];
      const auto length = static_cast<size_t>(from_offsets[rows[i] + 1] - begin);
      if (length > 0) std::memcpy(to + end, from.string_bytes() + begin, length);
      end += static_cast<int64_t>(length);
      offsets[i] = end;
    }
  } else {
    const size_t width = value_width();
    values_.resize((base + count) * width);
    uint8_t* to = values_.data() + base * width;
    for (size_t i = 0; i < count; ++i) {
      const Column& from = source_of(i);
      WEIR_CHECK(from.type_ == type_);
      any_nulls = any_nulls || from.null_count_ > 0;
      if (width == sizeof(int64_t)) {
        reinterpret_cast<int64_t*>(to)[i] = from.values_.as<int64_t>()[rows[i]];
      } else {
        std::memcpy(to + i * width, from.values_.data() + rows[i] * width, width);
      }
    }
  }
  size_ = base + count;
  grow_validity(size_);
  if (any_nulls) {
    for (size_t i = 0; i < count; ++i) {
      if (!source_of(i).is_valid(rows[i])) set_null(base + i);
    }
  }
}

void Column::append_scattered(const Column& source, const uint64_t* present, size_t rows) {
  WEIR_CHECK(source.type_ == type_);
  auto is_present = [present](size_t r) { return ((present[r >> 6] >> (r & 63)) & 1) != 0; };
  size_t taken = 0;
  for (size_t w = 0; w < (rows + 63) / 64; ++w) {
    const size_t bits = std::min<size_t>(64, rows - w * 64);
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    taken += static_cast<size_t>(std::popcount(present[w] & mask));
  }
  WEIR_CHECK(taken <= source.size_);
  const size_t base = size_;
  if (type_ == DataType::String) {
    // The present rows take source rows [0, taken), whose bytes are one block.
    const int64_t* from_offsets = source.string_offsets();
    const int64_t first_byte = from_offsets[0];
    const size_t block = static_cast<size_t>(from_offsets[taken] - first_byte);
    const int64_t start = offsets_.as<int64_t>()[base];
    bytes_.resize(static_cast<size_t>(start) + block);
    if (block > 0) std::memcpy(bytes_.data() + start, source.string_bytes() + first_byte, block);
    offsets_.resize((base + rows + 1) * sizeof(int64_t));
    int64_t* offsets = offsets_.as<int64_t>();
    size_t next = 0;
    for (size_t r = 0; r < rows; ++r) {
      if (is_present(r)) ++next;
      offsets[base + r + 1] = start + (from_offsets[next] - first_byte);
    }
  } else if (value_width() == sizeof(int64_t)) {
    // int64, timestamp, float64: copied as 8-byte words, branch-free.
    values_.resize((base + rows) * sizeof(int64_t));
    int64_t* to = values_.as<int64_t>() + base;
    const int64_t* from = source.values_.as<int64_t>();
    size_t next = 0;
    for (size_t r = 0; r < rows; ++r) {
      const bool take = is_present(r);
      to[r] = take ? from[next] : 0;
      next += take ? 1 : 0;
    }
  } else {
    const size_t width = value_width();
    values_.resize((base + rows) * width);
    uint8_t* to = values_.data() + base * width;
    const uint8_t* from = source.values_.data();
    size_t next = 0;
    for (size_t r = 0; r < rows; ++r) {
      if (is_present(r)) {
        std::memcpy(to + r * width, from + next * width, width);
        ++next;
      } else {
        std::memset(to + r * width, 0, width);
      }
    }
  }
  size_ = base + rows;
  grow_validity(size_);
  uint64_t* words = validity_.as<uint64_t>();
  if (base % 64 == 0 && source.null_count_ == 0) {
    // The validity is the presence bitmap itself (bits past size() are
    // unspecified).
    std::memcpy(words + base / 64, present, (rows + 63) / 64 * sizeof(uint64_t));
    // Rows appended later count as valid until marked NULL: keep the bits
    // past the last row set.
    if (rows % 64 != 0) words[(base + rows) / 64] |= ~uint64_t{0} << (rows % 64);
    null_count_ += rows - taken;
    return;
  }
  size_t next = 0;
  for (size_t r = 0; r < rows; ++r) {
    const bool valid = is_present(r) && source.is_valid(next);
    next += is_present(r) ? 1 : 0;
    const size_t row = base + r;
    const uint64_t bit = uint64_t{1} << (row & 63);
    words[row >> 6] = valid ? words[row >> 6] | bit : words[row >> 6] & ~bit;
    null_count_ += valid ? 0 : 1;
  }
}

void Column::append_nulls(size_t count) {
  if (count == 0) return;
  const size_t base = size_;
  if (type_ == DataType::String) {
    offsets_.resize((base + count + 1) * sizeof(int64_t));
    int64_t* offsets = offsets_.as<int64_t>();
    std::fill(offsets + base + 1, offsets + base + count + 1, offsets[base]);
    size_ = base + count;
    grow_validity(size_);
  } else {
    const size_t width = value_width();
    resize_fixed(base + count);
    std::memset(values_.data() + base * width, 0, count * width);
  }
  // Clear the validity bits of rows [base, base + count).
  uint64_t* words = validity_.as<uint64_t>();
  size_t row = base;
  const size_t end = base + count;
  while (row < end) {
    const size_t bit = row & 63;
    const size_t bits = std::min<size_t>(64 - bit, end - row);
    const uint64_t mask = (bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1) << bit;
    words[row >> 6] &= ~mask;
    row += bits;
  }
  null_count_ += count;
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
