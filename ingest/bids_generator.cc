#include "ingest/bids_generator.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "runtime/errors.h"
#include "runtime/timestamp.h"

namespace weir {
namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
// Lines are built in memory and written this many rows at a time (about
// 3 MiB per write).
constexpr uint64_t kRowsPerWrite = 65'536;

constexpr const char* kChannels[] = {"web", "app", "ios", "android"};
const double kLogMinPrice = std::log(100.0);
const double kLogPriceRange = std::log(100000.0) - std::log(100.0);

// The splitmix64 finalizer: a bijective 64-bit mix.
uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Independent 64-bit draws for one row: a splitmix64 stream seeded by a hash
// of (seed, row), so any row can be generated without the ones before it.
class RowRandom {
 public:
  RowRandom(uint64_t seed_key, uint64_t row) : state_(mix64(seed_key ^ (row * kGolden))) {}
  uint64_t next() {
    state_ += kGolden;
    return mix64(state_);
  }
  // Uniform in [0, 1).
  double next_unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, bound] for bound >= 0.
  int64_t next_up_to(int64_t bound) {
    return static_cast<int64_t>(next() % (static_cast<uint64_t>(bound) + 1));
  }

 private:
  uint64_t state_;
};

void append_int(std::string& out, int64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, static_cast<size_t>(result.ptr - digits));
}

int64_t nominal_time(const BidsGeneratorOptions& options, uint64_t row) {
  const auto per_second = static_cast<uint64_t>(options.events_per_second);
  const uint64_t millis = (row / per_second) * 1000 + (row % per_second) * 1000 / per_second;
  return options.start_millis + static_cast<int64_t>(millis);
}

void append_row(const BidsGeneratorOptions& options, uint64_t seed_key, uint64_t row,
                std::string& out) {
  RowRandom random(seed_key, row);
  int64_t ts = nominal_time(options, row) - random.next_up_to(options.max_out_of_order_millis);
  if (random.next_unit() < options.late_fraction) ts -= options.late_by_millis;
  const double skew = random.next_unit();
  auto auction_index =
      static_cast<uint32_t>(static_cast<double>(options.auctions) * skew * skew * skew);
  if (auction_index >= options.auctions) auction_index = options.auctions - 1;
  int64_t price = std::llround(std::exp(kLogMinPrice + kLogPriceRange * random.next_unit()));
  price = price < 100 ? 100 : price > 100000 ? 100000 : price;
  const uint64_t channel_draw = random.next();
  const uint64_t fee_draw = random.next();

  format_timestamp(ts, out);
  out += ',';
  append_int(out, 1000 + static_cast<int64_t>(auction_index));
  out += ',';
  append_int(out, price);
  out += ',';
  if (channel_draw % 100 != 0) out += kChannels[(channel_draw / 100) % 4];
  out += ',';
  if (fee_draw % 100 != 0) {
    const int64_t basis_points = static_cast<int64_t>((fee_draw / 100) % 500);  // 0 to 4.99%
    const int64_t cents = price * basis_points / 100;
    append_int(out, cents / 100);
    out += '.';
    out += static_cast<char>('0' + cents / 10 % 10);
    out += static_cast<char>('0' + cents % 10);
  }
  out += '\n';
}

uint64_t seed_key_for(uint64_t seed) { return mix64(seed + 0x6A09E667F3BCC909ULL); }

void validate(const BidsGeneratorOptions& options) {
  auto fail = [](const std::string& what) { throw ConfigError("bids generator: " + what); };
  if (options.events_per_second < 1) fail("events_per_second must be at least 1");
  if (options.auctions < 1) fail("auctions must be at least 1");
  if (options.max_out_of_order_millis < 0) fail("max_out_of_order_millis must not be negative");
  if (options.late_by_millis < 0) fail("late_by_millis must not be negative");
  if (!(options.late_fraction >= 0.0 && options.late_fraction <= 1.0)) {
    fail("late_fraction must be within [0, 1]");
  }
}

[[noreturn]] void throw_io_error(const std::string& path, const char* action, int error) {
  throw ConfigError("bids generator: cannot " + std::string(action) + " \"" + path +
                    "\": " + std::strerror(error));
}

// Writes all of `bytes` to `descriptor`, retrying short writes.
void write_all(int descriptor, const std::string& bytes, const std::string& path) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t result = ::write(descriptor, bytes.data() + written, bytes.size() - written);
    if (result < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(descriptor);
      ::unlink(path.c_str());
      throw_io_error(path, "write", error);
    }
    written += static_cast<size_t>(result);
  }
}

}  // namespace

void append_bids_csv_rows(const BidsGeneratorOptions& options, uint64_t first_row, uint64_t count,
                          std::string& out) {
  const uint64_t seed_key = seed_key_for(options.seed);
  for (uint64_t row = first_row; row < first_row + count; ++row) {
    append_row(options, seed_key, row, out);
  }
}

void write_bids_csv(const BidsGeneratorOptions& options, const std::string& path) {
  validate(options);
  const std::string temporary_path = path + ".weir-tmp";
  const int descriptor =
      ::open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) throw_io_error(temporary_path, "create", errno);

  std::string buffer;
  buffer.reserve(kRowsPerWrite * 64);
  buffer += kBidsCsvHeader;
  buffer += '\n';
  for (uint64_t first = 0; first < options.rows; first += kRowsPerWrite) {
    const uint64_t count = std::min(options.rows - first, kRowsPerWrite);
    append_bids_csv_rows(options, first, count, buffer);
    write_all(descriptor, buffer, temporary_path);
    buffer.clear();
  }
  write_all(descriptor, buffer, temporary_path);  // the header when rows == 0
  if (::close(descriptor) != 0) {
    const int error = errno;
    ::unlink(temporary_path.c_str());
    throw_io_error(temporary_path, "write", error);
  }
  if (std::rename(temporary_path.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary_path.c_str());
    throw ConfigError("bids generator: cannot rename \"" + temporary_path + "\" to \"" + path +
                      "\": " + std::strerror(error));
  }
}

}  // namespace weir
