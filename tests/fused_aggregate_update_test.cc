#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "runtime/aggregate_function.h"
#include "runtime/aggregate_state.h"
#include "runtime/fused_aggregate_update.h"

namespace weir {
namespace {

// Random layouts of count / sum / avg / min / max over int64, timestamp and
// string columns, with and without NULLs, folded into random groups by
// AggregateStateLayout::update() (the one-pass fused update when it applies,
// one pass per aggregate otherwise), against a scalar reference per group.
TEST(FusedAggregateUpdate, EveryLayoutMatchesAScalarReferenceWithAndWithoutNulls) {
  const Schema schema({{"i", DataType::Int64}, {"t", DataType::Timestamp}, {"s", DataType::String}});
  const std::vector<std::string> calls = {"count(*)", "count(i)", "count(s)", "sum(i)", "avg(i)",
                                          "min(i)",   "max(i)",   "min(t)",   "max(t)"};
  std::mt19937_64 random(2026);
  int fused_cases = 0, unfused_cases = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const size_t num_aggregates = 1 + random() % 4;
    std::vector<AggregateSpec> specs;
    for (size_t a = 0; a < num_aggregates; ++a) specs.push_back(parse_aggregate(calls[random() % calls.size()], schema));
    const AggregateStateLayout layout(specs);

    const size_t rows = 1 + random() % 3000;
    const bool with_nulls = random() % 3 == 0;
    const int regime = static_cast<int>(random() % 3);
    auto value = [&]() -> int64_t {
      switch (regime) {
        case 0: return static_cast<int64_t>(random() % 2001) - 1000;
        case 1: return std::numeric_limits<int64_t>::max() - static_cast<int64_t>(random() % 3);
        default: return std::numeric_limits<int64_t>::min() + static_cast<int64_t>(random() % 3);
      }
    };
    Column i_column(DataType::Int64), t_column(DataType::Timestamp), s_column(DataType::String);
    for (size_t r = 0; r < rows; ++r) {
      with_nulls && random() % 5 == 0 ? i_column.append_null() : i_column.append_int64(value());
      with_nulls && random() % 5 == 0 ? t_column.append_null() : t_column.append_int64(value());
      with_nulls && random() % 5 == 0 ? s_column.append_null() : s_column.append_string("x");
    }
    const Column* columns[] = {&i_column, &t_column, &s_column};
    std::vector<const Column*> inputs;
    for (const AggregateSpec& spec : specs) inputs.push_back(spec.input_column ? columns[*spec.input_column] : nullptr);

    // A random subset of the rows, in random groups.
    const uint32_t groups = 1 + static_cast<uint32_t>(random() % 40);
    std::vector<uint32_t> selected, group_of;
    for (uint32_t r = 0; r < rows; ++r) {
      if (random() % 4 == 0) continue;
      selected.push_back(r);
      group_of.push_back(static_cast<uint32_t>(random() % groups));
    }
    std::vector<uint8_t> storage(groups * layout.block_bytes() + 16);
    auto* blocks = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(storage.data()) + 15) & ~uintptr_t{15});
    for (uint32_t g = 0; g < groups; ++g) layout.initialize(blocks + g * layout.block_bytes());
    Arena arena;
    // In up to three calls, as consecutive batches of one epoch would be.
    const size_t cut1 = selected.empty() ? 0 : random() % (selected.size() + 1);
    const size_t cut2 = cut1 + (selected.size() == cut1 ? 0 : random() % (selected.size() - cut1 + 1));
    for (auto [begin, end] : {std::pair{size_t{0}, cut1}, std::pair{cut1, cut2}, std::pair{cut2, selected.size()}}) {
      layout.update(inputs, selected.data() + begin, group_of.data() + begin, end - begin, blocks, arena);
    }

    // Whether the one-pass update takes these columns (it must for layouts
    // of at most three int64 aggregates without NULLs in their columns).
    bool eligible = num_aggregates <= FusedAggregateUpdate::kMaxOperations;
    for (const AggregateSpec& spec : specs) {
      if (!spec.input_column) continue;
      if (columns[*spec.input_column]->has_nulls()) eligible = false;
      if (spec.input_type == DataType::String && spec.kind != AggregateKind::Count) eligible = false;
    }
    std::vector<size_t> offsets;
    for (size_t a = 0; a < specs.size(); ++a) offsets.push_back(32 * a);
    std::vector<uint8_t> scratch(32 * specs.size() + 16, 0);
    auto* scratch_block = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(scratch.data()) + 15) & ~uintptr_t{15});
    const uint32_t zero = 0, first_row = 0;
    EXPECT_EQ(FusedAggregateUpdate(specs, offsets).try_update(inputs, &first_row, &zero, 1, scratch_block, 0), eligible);
    (eligible ? fused_cases : unfused_cases) += 1;

    for (size_t a = 0; a < specs.size(); ++a) {
      const AggregateSpec& spec = specs[a];
      const Column* input = spec.input_column ? columns[*spec.input_column] : nullptr;
      for (uint32_t g = 0; g < groups; ++g) {
        int64_t count = 0;
        __int128 sum = 0;
        std::optional<int64_t> low, high;
        for (size_t k = 0; k < selected.size(); ++k) {
          if (group_of[k] != g) continue;
          const uint32_t r = selected[k];
          if (input != nullptr && !input->is_valid(r)) continue;
          ++count;
          if (input == nullptr || input->type() == DataType::String) continue;
          const int64_t v = input->int64_data()[r];
          sum += v;
          low = low ? std::min(*low, v) : v;
          high = high ? std::max(*high, v) : v;
        }
        Column out(spec.output_type());
        const uint8_t* block = blocks + g * layout.block_bytes();
        const std::string where = "trial " + std::to_string(trial) + " " + spec.output_name + " group " +
                                  std::to_string(g);
        switch (spec.kind) {
          case AggregateKind::CountStar:
          case AggregateKind::Count:
            layout.finalize(a, block, out);
            ASSERT_EQ(out.int64_data()[0], count) << where;
            break;
          case AggregateKind::Sum:
            if (sum > std::numeric_limits<int64_t>::max() || sum < std::numeric_limits<int64_t>::min()) {
              EXPECT_ANY_THROW(layout.finalize(a, block, out)) << where;
              break;
            }
            layout.finalize(a, block, out);
            ASSERT_EQ(out.is_valid(0), count > 0) << where;
            if (count > 0) ASSERT_EQ(out.int64_data()[0], static_cast<int64_t>(sum)) << where;
            break;
          case AggregateKind::Avg:
            layout.finalize(a, block, out);
            ASSERT_EQ(out.is_valid(0), count > 0) << where;
            if (count > 0) {
              ASSERT_DOUBLE_EQ(out.float64_data()[0], static_cast<double>(sum) / static_cast<double>(count)) << where;
            }
            break;
          case AggregateKind::Min:
          case AggregateKind::Max: {
            layout.finalize(a, block, out);
            const std::optional<int64_t> wanted = spec.kind == AggregateKind::Min ? low : high;
            ASSERT_EQ(out.is_valid(0), wanted.has_value()) << where;
            if (wanted) ASSERT_EQ(out.int64_data()[0], *wanted) << where;
            break;
          }
        }
      }
    }
  }
  // Both paths were exercised.
  EXPECT_GT(fused_cases, 50);
  EXPECT_GT(unfused_cases, 50);
}

}  // namespace
}  // namespace weir
