// The CSV reader over generated bids (ingest/bids_generator.h; about 46
// bytes a row, 5 fields: timestamp, two int64, a string, a float64), single
// threaded, in bytes of CSV per second:
//
//  * BM_CsvStructuralScan, BM_CsvRecordEnds, BM_CsvSeparators: the SIMD
//    kernels (kernels/csv_structural_scan.h) alone, in their callers' chunks.
//  * BM_CsvRowScanner: the serial cut into morsels of 16,384 rows.
//  * BM_CsvSourceLoad: parsing morsels already cut into a batch (the
//    parallel stage).
//  * BM_CsvSourceEndToEnd: a file on disk (page cache) read through
//    CsvSource: map, cut, load. What one worker of `weir run` sees.
//  * BM_Parse*Field: the field parsers the loader calls, alone, per field.
//
// The text is larger than the caches (2,000,000 rows, about 92 MB) so that
// every figure includes reading it from memory, as a real file does.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "ingest/bids_generator.h"
#include "ingest/csv_field_parser.h"
#include "ingest/csv_row_scanner.h"
#include "ingest/csv_source.h"
#include "runtime/batch.h"

#if __has_include("kernels/csv_structural_scan.h")
#include "kernels/csv_structural_scan.h"
#define WEIR_HAVE_CSV_STRUCTURAL_SCAN 1
#endif

namespace weir {
namespace {

constexpr uint64_t kRows = 2'000'000;
constexpr size_t kMorselRows = 16'384;

const std::string& BidsCsv() {
  static const std::string text = [] {
    std::string out = std::string(kBidsCsvHeader) + "\n";
    append_bids_csv_rows(BidsGeneratorOptions{}, 0, kRows, out);
    return out;
  }();
  return text;
}

Schema BidsSchema() {
  return Schema({{"ts", DataType::Timestamp},
                 {"auction", DataType::Int64},
                 {"price", DataType::Int64},
                 {"channel", DataType::String},
                 {"fee", DataType::Float64}});
}

// The same text as a file, written once, removed at exit.
class BidsFile {
 public:
  BidsFile()
      : path_((std::filesystem::temp_directory_path() /
               ("weir_csv_scan_bench_" + std::to_string(getpid()) + ".csv"))
                  .string()) {
    std::ofstream out(path_, std::ios::binary);
    out.write(BidsCsv().data(), static_cast<std::streamsize>(BidsCsv().size()));
  }
  ~BidsFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& BidsFilePath() {
  static const BidsFile file;
  return file.path();
}

void ReportBytes(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

#ifdef WEIR_HAVE_CSV_STRUCTURAL_SCAN
// The kernels over `bytes` of the text (all of it, or the first 256 KiB:
// cache-resident), in the chunks their callers use.
template <typename Call>
void ScanChunks(benchmark::State& state, size_t chunk, Call call) {
  const std::string& text = BidsCsv();
  const size_t bytes = std::min(static_cast<size_t>(state.range(0)), text.size());
  for (auto _ : state) {
    for (size_t offset = 0; offset < bytes; offset += chunk) {
      call(text.data() + offset, std::min(chunk, bytes - offset));
    }
    benchmark::ClobberMemory();
  }
  ReportBytes(state, bytes);
}

// The three character masks (CsvFieldReader, 4 KiB windows).
void BM_CsvStructuralScan(benchmark::State& state) {
  std::vector<kernels::CsvCharacterBits> bits(4096 / 64);
  ScanChunks(state, 4096, [&](const char* text, size_t size) {
    kernels::FindCsvCharacters(text, size, '"', ',', bits.data());
    benchmark::DoNotOptimize(bits.data());
  });
}
BENCHMARK(BM_CsvStructuralScan)->ArgName("bytes")->Arg(int64_t{1} << 40)->Arg(256 << 10);

// Record ends with quote parity and counts (CsvRowScanner, 4 KiB chunks).
void BM_CsvRecordEnds(benchmark::State& state) {
  std::vector<kernels::CsvRecordBits> bits(4096 / 64);
  ScanChunks(state, 4096, [&](const char* text, size_t size) {
    kernels::CsvQuoteState quote_state;
    benchmark::DoNotOptimize(
        kernels::FindCsvRecordEnds(text, size, '"', ',', &quote_state, bits.data()));
  });
}
BENCHMARK(BM_CsvRecordEnds)->ArgName("bytes")->Arg(int64_t{1} << 40)->Arg(256 << 10);

// Separator offsets (the column-at-a-time loader, 8 KiB windows).
void BM_CsvSeparators(benchmark::State& state) {
  std::vector<uint32_t> positions(8192 + 8);
  ScanChunks(state, 8192, [&](const char* text, size_t size) {
    benchmark::DoNotOptimize(kernels::FindCsvSeparators(text, size, '"', ',', positions.data()));
  });
}
BENCHMARK(BM_CsvSeparators)->ArgName("bytes")->Arg(int64_t{1} << 40)->Arg(256 << 10);
#endif

void BM_CsvRowScanner(benchmark::State& state) {
  const std::string& text = BidsCsv();
  for (auto _ : state) {
    CsvRowScanner scanner(text, 0, "bids.csv");
    size_t rows = 0;
    while (!scanner.done()) rows += scanner.cut(kMorselRows).rows;
    benchmark::DoNotOptimize(rows);
  }
  ReportBytes(state, text.size());
}
BENCHMARK(BM_CsvRowScanner)->Unit(benchmark::kMillisecond);

void LoadMorsels(benchmark::State& state, Schema schema) {
  auto source = CsvSource::from_bytes({"bids.csv", std::move(schema), {}}, BidsCsv());
  std::vector<std::unique_ptr<SourceMorsel>> morsels;
  while (auto morsel = source->next_morsel(kMorselRows)) morsels.push_back(std::move(morsel));
  Batch batch(source->schema());
  for (auto _ : state) {
    for (const auto& morsel : morsels) {
      batch.clear();
      source->load(*morsel, batch);
    }
    benchmark::DoNotOptimize(batch.num_rows());
  }
  ReportBytes(state, BidsCsv().size());
}

void BM_CsvSourceLoad(benchmark::State& state) { LoadMorsels(state, BidsSchema()); }
BENCHMARK(BM_CsvSourceLoad)->Unit(benchmark::kMillisecond);

// One column declared (the others are split but not parsed): what each
// column costs, by difference with the others.
void BM_CsvSourceLoadOneColumn(benchmark::State& state) {
  const Field field = BidsSchema().field(static_cast<size_t>(state.range(0)));
  state.SetLabel(field.name);
  LoadMorsels(state, Schema({field}));
}
BENCHMARK(BM_CsvSourceLoadOneColumn)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

void BM_CsvSourceEndToEnd(benchmark::State& state) {
  const std::string& path = BidsFilePath();
  for (auto _ : state) {
    CsvSource source({path, BidsSchema(), {"ts"}});
    Batch batch(source.schema());
    size_t rows = 0;
    while (auto morsel = source.next_morsel(kMorselRows)) {
      batch.clear();
      source.load(*morsel, batch);
      rows += batch.num_rows();
    }
    benchmark::DoNotOptimize(rows);
  }
  ReportBytes(state, BidsCsv().size());
}
BENCHMARK(BM_CsvSourceEndToEnd)->Unit(benchmark::kMillisecond);

// The texts of one column of the first 100,000 bids (field `column`), in
// place in the CSV text, as the loader sees them.
std::vector<std::string_view> FieldTexts(size_t column) {
  std::vector<std::string_view> texts;
  const std::string& text = BidsCsv();
  size_t position = text.find('\n') + 1;
  while (texts.size() < 100'000) {
    const size_t line_end = text.find('\n', position);
    size_t field_begin = position;
    for (size_t skip = 0; skip < column; ++skip) field_begin = text.find(',', field_begin) + 1;
    const size_t field_end = std::min(text.find(',', field_begin), line_end);
    texts.emplace_back(text.data() + field_begin, field_end - field_begin);
    position = line_end + 1;
  }
  return texts;
}

// Calls parse(text, readable) for every text of `column`.
template <typename Parse>
void ParseColumn(benchmark::State& state, size_t column, Parse parse) {
  const std::vector<std::string_view> texts = FieldTexts(column);
  const char* const text_end = BidsCsv().data() + BidsCsv().size();
  size_t bytes = 0;
  for (const std::string_view text : texts) bytes += text.size();
  for (auto _ : state) {
    for (const std::string_view text : texts) {
      benchmark::DoNotOptimize(parse(text, static_cast<size_t>(text_end - text.data())));
    }
  }
  ReportBytes(state, bytes);
  state.counters["fields/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * texts.size()), benchmark::Counter::kIsRate);
}

// What the loader calls per field (the readable-length overloads and the
// date-remembering timestamp parser).
void BM_ParseTimestampField(benchmark::State& state) {
  TimestampFieldParser parser;
  ParseColumn(state, 0, [&](std::string_view text, size_t) {
    int64_t value = 0;
    return parser.parse(text, value) ? value : -1;
  });
}
BENCHMARK(BM_ParseTimestampField);

void BM_ParseInt64Field(benchmark::State& state) {
  ParseColumn(state, 2, [](std::string_view text, size_t readable) {
    int64_t value = 0;
    return parse_int64_field(text, readable, value) ? value : -1;
  });
}
BENCHMARK(BM_ParseInt64Field);

void BM_ParseFloat64Field(benchmark::State& state) {
  ParseColumn(state, 4, [](std::string_view text, size_t readable) {
    double value = 0;
    return parse_float64_field(text, readable, value) ? value : -1.0;
  });
}
BENCHMARK(BM_ParseFloat64Field);

}  // namespace
}  // namespace weir
