// The comparison filters (kernels/compare_filter.h) over 64 MiB of input
// per operand (memory-bound) and 256 KiB (cache-resident), dense and over a
// selection of every other row, each with a scalar baseline; then
// FilterEvaluator over one 64K-row batch shaped like the bids stream, the
// path a `WHERE price >= 1000 AND ...` takes in the engine.
//
// rows/s counts the rows compared (the selection's size for the selected
// forms); bytes/s the bytes read from the operand columns (8 per row and
// column operand) plus the uint32 input selection. Comparisons keep about
// half of the rows, the hardest case for branchy code; columns have ~1% NULLs
// unless the name says "NoNulls".
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "kernels/compare_filter.h"
#include "runtime/batch.h"
#include "runtime/expression_evaluator.h"
#include "runtime/expression_parser.h"

namespace weir {
namespace {

using kernels::CompareOp;

constexpr int64_t kLargeBytes = int64_t{64} << 20;
constexpr int64_t kSmallBytes = int64_t{256} << 10;
constexpr size_t kBatchRows = 65'536;

void ReportRates(benchmark::State& state, size_t rows, size_t bytes_per_row) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rows * bytes_per_row));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(rows),
                         benchmark::Counter::kIsRate);
}

// ---- Kernels -----------------------------------------------------------------

constexpr size_t kMaxRows = static_cast<size_t>(kLargeBytes) / sizeof(int64_t);

struct Operands {
  std::vector<int64_t> ints, other_ints;  // uniform in [0, 1000)
  std::vector<double> floats, other_floats;
  std::vector<uint64_t> validity;         // ~1% NULL
  std::vector<uint32_t> half_selection;   // each row with probability 1/2
};

const Operands& BenchOperands() {
  static const Operands operands = [] {
    Operands out;
    std::mt19937_64 rng(3);
    out.ints.resize(kMaxRows);
    out.other_ints.resize(kMaxRows);
    out.floats.resize(kMaxRows);
    out.other_floats.resize(kMaxRows);
    for (size_t i = 0; i < kMaxRows; ++i) {
      out.ints[i] = static_cast<int64_t>(rng() % 1000);
      out.other_ints[i] = static_cast<int64_t>(rng() % 1000);
      out.floats[i] = static_cast<double>(out.ints[i]) + 0.25;
      out.other_floats[i] = static_cast<double>(out.other_ints[i]);
    }
    out.validity.assign(kMaxRows / 64, ~uint64_t{0});
    for (size_t i = 0; i < kMaxRows; ++i) {
      if (rng() % 100 == 0) out.validity[i / 64] &= ~(uint64_t{1} << (i % 64));
    }
    for (uint32_t row = 0; row < kMaxRows; ++row) {
      if ((rng() & 1) != 0) out.half_selection.push_back(row);
    }
    return out;
  }();
  return operands;
}

size_t RowsFor(const benchmark::State& state) {
  return static_cast<size_t>(state.range(0)) / sizeof(int64_t);
}

// The selected forms compare about half of the rows below 2 * rows (all of
// the 64 MiB arrays for the large size).
std::vector<uint32_t> SelectionFor(size_t rows) {
  const std::vector<uint32_t>& all = BenchOperands().half_selection;
  std::vector<uint32_t> selection;
  for (uint32_t row : all) {
    if (row >= 2 * rows) break;
    selection.push_back(row);
  }
  return selection;
}

// The scalar baseline: a branch-free loop like the evaluator's compaction.
size_t ScalarLessInt64(const int64_t* values, const uint64_t* validity, int64_t constant,
                       const uint32_t* rows, size_t count, uint32_t* out) {
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t row = rows == nullptr ? static_cast<uint32_t>(i) : rows[i];
    const uint64_t valid = (validity[row >> 6] >> (row & 63)) & 1;
    out[kept] = row;
    kept += valid & static_cast<uint64_t>(values[row] < constant);
  }
  return kept;
}

void BM_FilterInt64Constant(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const Operands& operands = BenchOperands();
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterInt64Constant(CompareOp::Less, operands.ints.data(),
                                                          operands.validity.data(), 500, rows,
                                                          out.data()));
  }
  ReportRates(state, rows, sizeof(int64_t));
}

void BM_FilterInt64ConstantNoNulls(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const Operands& operands = BenchOperands();
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterInt64Constant(CompareOp::Less, operands.ints.data(),
                                                          nullptr, 500, rows, out.data()));
  }
  ReportRates(state, rows, sizeof(int64_t));
}

void BM_FilterInt64ConstantScalarLoop(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const Operands& operands = BenchOperands();
  std::vector<uint32_t> out(rows);
  int64_t constant = 500;
  benchmark::DoNotOptimize(constant);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ScalarLessInt64(operands.ints.data(), operands.validity.data(),
                                             constant, nullptr, rows, out.data()));
  }
  ReportRates(state, rows, sizeof(int64_t));
}

void BM_FilterInt64ConstantSelected(benchmark::State& state) {
  const Operands& operands = BenchOperands();
  const std::vector<uint32_t> selection = SelectionFor(RowsFor(state));
  std::vector<uint32_t> out(selection.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterInt64ConstantSelected(
        CompareOp::Less, operands.ints.data(), operands.validity.data(), 500, selection.data(),
        selection.size(), out.data()));
  }
  ReportRates(state, selection.size(), sizeof(int64_t) + sizeof(uint32_t));
}

void BM_FilterInt64ConstantSelectedScalarLoop(benchmark::State& state) {
  const Operands& operands = BenchOperands();
  const std::vector<uint32_t> selection = SelectionFor(RowsFor(state));
  std::vector<uint32_t> out(selection.size());
  int64_t constant = 500;
  benchmark::DoNotOptimize(constant);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ScalarLessInt64(operands.ints.data(), operands.validity.data(),
                                             constant, selection.data(), selection.size(),
                                             out.data()));
  }
  ReportRates(state, selection.size(), sizeof(int64_t) + sizeof(uint32_t));
}

void BM_FilterFloat64Constant(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const Operands& operands = BenchOperands();
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterFloat64Constant(
        CompareOp::GreaterEqual, operands.floats.data(), operands.validity.data(), 500.0, rows,
        out.data()));
  }
  ReportRates(state, rows, sizeof(double));
}

void BM_FilterFloat64ConstantSelected(benchmark::State& state) {
  const Operands& operands = BenchOperands();
  const std::vector<uint32_t> selection = SelectionFor(RowsFor(state));
  std::vector<uint32_t> out(selection.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterFloat64ConstantSelected(
        CompareOp::GreaterEqual, operands.floats.data(), operands.validity.data(), 500.0,
        selection.data(), selection.size(), out.data()));
  }
  ReportRates(state, selection.size(), sizeof(double) + sizeof(uint32_t));
}

void BM_FilterInt64Columns(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const Operands& operands = BenchOperands();
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterInt64Columns(
        CompareOp::Greater, operands.ints.data(), operands.validity.data(),
        operands.other_ints.data(), nullptr, rows, out.data()));
  }
  ReportRates(state, rows, 2 * sizeof(int64_t));
}

void BM_FilterInt64ColumnsSelected(benchmark::State& state) {
  const Operands& operands = BenchOperands();
  const std::vector<uint32_t> selection = SelectionFor(RowsFor(state));
  std::vector<uint32_t> out(selection.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterInt64ColumnsSelected(
        CompareOp::Greater, operands.ints.data(), operands.validity.data(),
        operands.other_ints.data(), nullptr, selection.data(), selection.size(), out.data()));
  }
  ReportRates(state, selection.size(), 2 * sizeof(int64_t) + sizeof(uint32_t));
}

void BM_FilterFloat64Columns(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  const Operands& operands = BenchOperands();
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::FilterFloat64Columns(
        CompareOp::LessEqual, operands.floats.data(), operands.validity.data(),
        operands.other_floats.data(), nullptr, rows, out.data()));
  }
  ReportRates(state, rows, 2 * sizeof(double));
}

// Compaction alone: a 0/1 byte per row (one byte read per row).
void BM_SelectByByteMask(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<uint8_t> mask(rows);
  std::mt19937_64 rng(5);
  for (uint8_t& byte : mask) byte = static_cast<uint8_t>(rng() & 1);
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        kernels::SelectByByteMask(mask.data(), nullptr, nullptr, rows, out.data()));
  }
  ReportRates(state, rows, 1);
}

void BM_SelectByByteMaskScalarLoop(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<uint8_t> mask(rows);
  std::mt19937_64 rng(5);
  for (uint8_t& byte : mask) byte = static_cast<uint8_t>(rng() & 1);
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    size_t kept = 0;
    for (size_t i = 0; i < rows; ++i) {
      out[kept] = static_cast<uint32_t>(i);
      kept += mask[i];
    }
    benchmark::DoNotOptimize(kept);
    benchmark::ClobberMemory();
  }
  ReportRates(state, rows, 1);
}

void BM_SelectByBitmask(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<uint64_t> mask(rows / 64);
  std::mt19937_64 rng(5);
  for (uint64_t& word : mask) word = rng();
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels::SelectByBitmask(mask.data(), nullptr, rows, out.data()));
  }
  ReportRates(state, rows, 0);
}

// Baseline: one count-trailing-zeros step per kept row.
void BM_SelectByBitmaskScalarLoop(benchmark::State& state) {
  const size_t rows = RowsFor(state);
  std::vector<uint64_t> mask(rows / 64);
  std::mt19937_64 rng(5);
  for (uint64_t& word : mask) word = rng();
  std::vector<uint32_t> out(rows);
  for (auto _ : state) {
    size_t kept = 0;
    for (size_t word = 0; word < mask.size(); ++word) {
      for (uint64_t bits = mask[word]; bits != 0; bits &= bits - 1) {
        out[kept++] = static_cast<uint32_t>(word * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
      }
    }
    benchmark::DoNotOptimize(kept);
    benchmark::ClobberMemory();
  }
  ReportRates(state, rows, 0);
}

BENCHMARK(BM_FilterInt64Constant)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterInt64ConstantNoNulls)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterInt64ConstantScalarLoop)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterInt64ConstantSelected)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterInt64ConstantSelectedScalarLoop)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterFloat64Constant)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterFloat64ConstantSelected)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterInt64Columns)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterInt64ColumnsSelected)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_FilterFloat64Columns)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_SelectByByteMask)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_SelectByByteMaskScalarLoop)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_SelectByBitmask)->Arg(kLargeBytes)->Arg(kSmallBytes);
BENCHMARK(BM_SelectByBitmaskScalarLoop)->Arg(kLargeBytes)->Arg(kSmallBytes);

// ---- FilterEvaluator -----------------------------------------------------------

// price int64 log-uniform in [100, 100000] (as the bids generator), reserve
// int64 in [100, 10000], fee float64 up to 5% of price, channel one of four
// strings; price, fee and channel ~1% NULL.
const Batch& BidsBatch() {
  static const std::unique_ptr<Batch> batch = [] {
    auto schema = std::make_shared<const Schema>(std::vector<Field>{
        {"price", DataType::Int64},
        {"reserve", DataType::Int64},
        {"fee", DataType::Float64},
        {"channel", DataType::String},
    });
    auto out = std::make_unique<Batch>(schema);
    const char* const channels[] = {"web", "app", "ios", "android"};
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (size_t row = 0; row < kBatchRows; ++row) {
      const auto price = static_cast<int64_t>(std::llround(100.0 * std::pow(1000.0, unit(rng))));
      if (rng() % 100 == 0) {
        out->column(0).append_null();
      } else {
        out->column(0).append_int64(price);
      }
      out->column(1).append_int64(100 + static_cast<int64_t>(rng() % 9901));
      if (rng() % 100 == 0) {
        out->column(2).append_null();
      } else {
        out->column(2).append_float64(static_cast<double>(price) * 0.05 * unit(rng));
      }
      if (rng() % 100 == 0) {
        out->column(3).append_null();
      } else {
        out->column(3).append_string(channels[rng() % 4]);
      }
    }
    out->set_num_rows(kBatchRows);
    return out;
  }();
  return *batch;
}

const char* const kPredicates[] = {
    "price >= 1000",                        // 0: int64 column vs literal, NULLs
    "price >= 1000 AND channel = 'web'",    // 1: then a string conjunct
    "fee < 12.5",                           // 2: float64 column vs literal, NULLs
    "price > reserve",                      // 3: int64 column vs column
    "price >= 1000 AND fee < 12.5",         // 4: two numeric conjuncts
    "price >= 1000 OR channel = 'web'",     // 5: not a conjunct (general path)
};

// range(0): predicate index; range(1): 1 = start from every other row.
void BM_FilterEvaluator(benchmark::State& state) {
  const Batch& batch = BidsBatch();
  const std::unique_ptr<Expression> predicate =
      parse_expression(kPredicates[state.range(0)], batch.schema());
  FilterEvaluator evaluator(*predicate);
  std::vector<uint32_t> input;
  for (uint32_t row = 0; row < kBatchRows; ++row) {
    if (state.range(1) == 0 || row % 2 == 0) input.push_back(row);
  }
  SelectionVector selection;
  size_t kept = 0;
  for (auto _ : state) {
    selection.resize(input.size());
    std::copy(input.begin(), input.end(), selection.data());
    evaluator.filter(batch, selection);
    kept = selection.size();
  }
  state.SetLabel(kPredicates[state.range(0)]);
  state.counters["kept"] = static_cast<double>(kept);
  ReportRates(state, input.size(), 0);
}
BENCHMARK(BM_FilterEvaluator)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {0, 1}})
    ->ArgNames({"predicate", "half"});

// What BM_FilterEvaluator spends resetting the selection each iteration
// (subtract it to get the filter alone).
void BM_FilterEvaluatorSelectionReset(benchmark::State& state) {
  std::vector<uint32_t> input;
  for (uint32_t row = 0; row < kBatchRows; ++row) {
    if (state.range(0) == 0 || row % 2 == 0) input.push_back(row);
  }
  SelectionVector selection;
  for (auto _ : state) {
    selection.resize(input.size());
    std::copy(input.begin(), input.end(), selection.data());
    benchmark::ClobberMemory();
  }
  ReportRates(state, input.size(), 0);
}
BENCHMARK(BM_FilterEvaluatorSelectionReset)->Arg(0)->Arg(1)->ArgName("half");

}  // namespace
}  // namespace weir
