// libFuzzer target for CsvSource: the input bytes are one CSV file, read
// through the same path as a file on disk (scan into morsels, load each).
//
// Bad data must end in InputError; any other exception, a crash, a hang or a
// sanitizer report is a bug. The file is read twice, with tiny morsels and
// tiny reads (records straddle reads and chunks), and with huge morsels and
// the default reads: both must fail, or both must give the same rows (morsel
// cutting and read sizes never change the result).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "ingest/csv_source.h"
#include "runtime/errors.h"

namespace {

using weir::Batch;
using weir::DataType;

struct Outcome {
  bool failed = false;
  uint64_t rows = 0;
  uint64_t digest = 14695981039346656037ull;  // FNV-1a over every value
};

void mix(Outcome& outcome, const void* bytes, size_t size) {
  const auto* cursor = static_cast<const unsigned char*>(bytes);
  for (size_t i = 0; i < size; ++i) {
    outcome.digest = (outcome.digest ^ cursor[i]) * 1099511628211ull;
  }
}

void mix_batch(Outcome& outcome, const Batch& batch) {
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    for (size_t index = 0; index < batch.num_columns(); ++index) {
      const weir::Column& column = batch.column(index);
      const bool valid = column.is_valid(row);
      mix(outcome, &valid, sizeof(valid));
      if (!valid) continue;
      switch (column.type()) {
        case DataType::Int64:
        case DataType::Timestamp:
          mix(outcome, &column.int64_data()[row], sizeof(int64_t));
          break;
        case DataType::Float64:
          mix(outcome, &column.float64_data()[row], sizeof(double));
          break;
        case DataType::Bool:
          mix(outcome, &column.bool_data()[row], 1);
          break;
        case DataType::String: {
          const std::string_view text = column.string_at(row);
          const uint64_t size = text.size();
          mix(outcome, &size, sizeof(size));
          mix(outcome, text.data(), text.size());
          break;
        }
      }
    }
  }
  outcome.rows += batch.num_rows();
}

Outcome read_everything(std::string_view csv, size_t max_rows, size_t read_block_bytes) {
  Outcome outcome;
  weir::CsvSourceOptions options{"fuzz.csv",
                                 weir::Schema({{"a", DataType::Int64},
                                               {"b", DataType::Float64},
                                               {"c", DataType::Bool},
                                               {"d", DataType::Timestamp},
                                               {"e", DataType::String}}),
                                 {"d"}};
  options.read_block_bytes = read_block_bytes;
  try {
    auto source = weir::CsvSource::from_bytes(std::move(options), csv);
    Batch batch(source->schema());
    uint64_t next_ordinal = 0;
    while (auto morsel = source->next_morsel(max_rows)) {
      if (morsel->num_rows == 0 || morsel->num_rows > max_rows) std::abort();
      if (morsel->first_row_ordinal != next_ordinal) std::abort();
      next_ordinal += morsel->num_rows;
      batch.clear();
      source->load(*morsel, batch);
      mix_batch(outcome, batch);
    }
    if (!source->exhausted()) std::abort();
  } catch (const weir::InputError&) {
    outcome.failed = true;
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  const Outcome small = read_everything(csv, 1 + size % 3, 1 + size % 5);
  const Outcome large = read_everything(csv, 1 << 20, 0);
  if (small.failed != large.failed) std::abort();
  if (!small.failed && (small.rows != large.rows || small.digest != large.digest)) std::abort();
  return 0;
}
