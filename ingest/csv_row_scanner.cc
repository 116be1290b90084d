#include "ingest/csv_row_scanner.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "kernels/csv_structural_scan.h"
#include "runtime/errors.h"

namespace weir {

void unescape_csv_quotes(std::string_view quoted_text, std::string& out) {
  size_t start = 0;
  while (start < quoted_text.size()) {
    const size_t quote = quoted_text.find('"', start);
    if (quote == std::string_view::npos) {
      out.append(quoted_text.substr(start));
      return;
    }
    // Keep the first quote of the pair, skip the second.
    out.append(quoted_text.substr(start, quote + 1 - start));
    start = quote + 2;
  }
}

void CsvFieldReader::load_window(const char* from) {
  kernels::CsvCharacterBits bits[kWindowBlocks];
  const size_t size = std::min(kWindowBlocks * 64, static_cast<size_t>(end_ - from));
  kernels::FindCsvCharacters(from, size, '"', ',', bits);
  window_blocks_ = (size + 63) / 64;
  for (size_t block = 0; block < window_blocks_; ++block) {
    separators_[block] = bits[block].delimiters | bits[block].newlines;
  }
  window_begin_ = from;
  window_end_ = from + size;
}

CsvRowScanner::CsvRowScanner(std::string_view text, size_t start_offset, std::string path, bool final)
    : text_begin_(text.data()),
      text_end_(text.data() + text.size()),
      position_(text.data() + std::min(start_offset, text.size())),
      final_(final),
      path_(std::move(path)) {}

void CsvRowScanner::continue_in(std::string_view text, size_t position, bool final) {
  WEIR_CHECK(position <= text.size());
  text_begin_ = text.data();
  text_end_ = text.data() + text.size();
  position_ = text.data() + position;
  final_ = final;
  needs_text_ = false;
}

bool CsvRowScanner::done() const {
  if (!final_) return false;
  const size_t left = static_cast<size_t>(text_end_ - position_);
  return left == 0 || (left == 1 && *position_ == '\r');
}

CsvRowScanner::Cut CsvRowScanner::cut(size_t max_rows) {
  Cut result;
  result.begin = static_cast<size_t>(position_ - text_begin_);
  result.first_line = line_;
  needs_text_ = false;
  while (result.rows < max_rows && !done() && !needs_text_) {
    result.rows += scan_records(max_rows - result.rows);
  }
  result.end = static_cast<size_t>(position_ - text_begin_);
  return result;
}

namespace {

// Bits 0 to `bit` set.
uint64_t bits_through(unsigned bit) { return bit == 63 ? ~uint64_t{0} : (uint64_t{2} << bit) - 1; }

uint64_t count_bits(uint64_t bits) { return static_cast<uint64_t>(std::popcount(bits)); }

}  // namespace

size_t CsvRowScanner::scan_records(size_t wanted) {
  // position_ is a record start, so the quote state starts afresh.
  kernels::CsvQuoteState state;
  kernels::CsvRecordBits bits[kScanChunkBytes / 64];
  size_t taken = 0;
  uint64_t pending_lines = 0;  // '\n' in [position_, the chunk or block being looked at)
  for (const char* chunk = position_; chunk < text_end_; chunk += kScanChunkBytes) {
    const size_t size = std::min(kScanChunkBytes, static_cast<size_t>(text_end_ - chunk));
    const kernels::CsvRecordCounts counts =
        kernels::FindCsvRecordEnds(chunk, size, '"', ',', &state, bits);
    const size_t blocks = (size + 63) / 64;
    if (counts.stray_quotes == 0 && counts.record_ends <= wanted - taken) {
      // The usual chunk: every record in it is taken, counted by the kernel.
      if (counts.record_ends == 0) {
        pending_lines += counts.newlines;
        continue;
      }
      size_t index = blocks - 1;
      while (bits[index].record_ends == 0) --index;
      const auto last = 63 - static_cast<unsigned>(std::countl_zero(bits[index].record_ends));
      // '\n' after the last record end are inside quotes: rarely any.
      uint64_t lines_after = 0;
      if (counts.newlines != counts.record_ends) {
        lines_after = count_bits(bits[index].newlines & ~bits_through(last));
        for (size_t later = index + 1; later < blocks; ++later) {
          lines_after += count_bits(bits[later].newlines);
        }
      }
      line_ += pending_lines + counts.newlines - lines_after;
      pending_lines = lines_after;
      position_ = chunk + index * 64 + last + 1;
      taken += counts.record_ends;
      if (taken == wanted) return taken;
      continue;
    }
    // The chunk holding the last record wanted, or a stray quote: block by block.
    for (size_t index = 0; index < blocks; ++index) {
      const kernels::CsvRecordBits& block = bits[index];
      // Record ends below a stray quote are exact; from it on, the walk decides.
      const uint64_t stray = block.stray_quotes;
      const uint64_t trusted = stray == 0 ? ~uint64_t{0} : (stray & (0 - stray)) - 1;
      uint64_t ends = block.record_ends & trusted;
      if (ends != 0) {
        const auto available = static_cast<size_t>(count_bits(ends));
        const size_t take = std::min(available, wanted - taken);
        unsigned last;  // bit of the last record end taken
        if (take == available) {
          last = 63 - static_cast<unsigned>(std::countl_zero(ends));
        } else {
          for (size_t skipped = 1; skipped < take; ++skipped) ends &= ends - 1;
          last = static_cast<unsigned>(std::countr_zero(ends));
        }
        line_ += pending_lines + count_bits(block.newlines & bits_through(last));
        pending_lines = count_bits(block.newlines & ~bits_through(last));
        position_ = chunk + index * 64 + last + 1;
        taken += take;
        if (taken == wanted) return taken;
      } else {
        pending_lines += count_bits(block.newlines);
      }
      if (stray != 0) {
        // position_ starts the record holding the stray quote.
        return taken + walk_one_record();
      }
    }
  }
  // No record end left after position_: what remains is the start of a
  // record that goes on in text not read yet, or (in a final text) a last
  // record without newline (unless it is empty or a lone '\r'), or holds an
  // unterminated quote, for which the walk throws.
  if (!final_) {
    needs_text_ = true;
    return taken;
  }
  if (done()) return taken;
  return taken + walk_one_record();
}

size_t CsvRowScanner::walk_one_record() {
  const char* next = walk_record(position_);
  if (next == nullptr) {
    needs_text_ = true;
    return 0;
  }
  position_ = next;
  return 1;
}

const char* CsvRowScanner::walk_record(const char* record_start) {
  // Mirrors read_csv_field, without building fields.
  const char* cursor = record_start;
  const uint64_t record_line = line_;
  size_t field_index = 0;
  while (true) {
    if (cursor < text_end_ && *cursor == '"') {
      const uint64_t field_line = line_;
      ++cursor;
      while (true) {
        const auto* quote = static_cast<const char*>(std::memchr(cursor, '"', text_end_ - cursor));
        if (quote == nullptr) {
          if (!final_) {
            line_ = record_line;
            return nullptr;
          }
          throw_unterminated_quote(field_line, field_index);
        }
        line_ += static_cast<uint64_t>(std::count(cursor, quote, '\n'));
        cursor = quote + 1;
        if (cursor < text_end_ && *cursor == '"') {
          ++cursor;
          continue;
        }
        break;
      }
    }
    cursor = csv_text::find_comma_or_newline(cursor, text_end_);
    if (cursor == text_end_) {
      if (!final_) {
        line_ = record_line;
        return nullptr;
      }
      ++line_;
      return text_end_;
    }
    if (*cursor == '\n') {
      ++line_;
      return cursor + 1;
    }
    ++cursor;
    ++field_index;
  }
}

void CsvRowScanner::throw_unterminated_quote(uint64_t line, size_t field_index) const {
  std::string message =
      path_ + ":" + std::to_string(line) + ": column " + std::to_string(field_index + 1);
  if (field_index < field_names_.size()) message += " (" + field_names_[field_index] + ")";
  message += ": unterminated quoted field (no closing '\"' before the end of the file)";
  throw InputError(message);
}

}  // namespace weir
