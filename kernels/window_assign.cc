// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry points.
//
// Fast path (SIMD has no int64 division, not even AVX-512), all in double:
// for -2^50 <= t < 2^50 and size <= 2^49, t and size are exact doubles and
//   q = round(t * (1 / size))
// is floor(t / size) or floor(t / size) + 1. (With size = 1, 1 / size is
// exact and q = t. Otherwise |t / size| < 2^49, and the two roundings in
// t * (1 / size) have a relative error below 2^-52 * (1 + 2^-53), so an
// absolute error below 1/8; with the rounding to an integer, |q - t / size|
// < 5/8.) start = q * size and t - start are exact (magnitudes stay below
// 2^51), so one correction, start -= size when start > t, makes it exact.
//
// Conversions and rounding use the 1.5 * 2^52 "magic number": for an integer
// i in [-2^51, 2^51), the bits of (double)(1.5 * 2^52 + i) are the bits of
// 1.5 * 2^52 plus i, and adding then subtracting 1.5 * 2^52 rounds a double
// in that range to the nearest integer. Both are plain adds on every target,
// where a Highway ConvertTo between int64 and double and Floor are emulated
// below AVX-512 (measured in cache, G rows/s, this version against one using
// ConvertTo and Floor: AVX3 6.0 / 4.2, AVX2 3.7 / 0.56; the scalar loop with
// an int64 division runs at 0.50). Requires the default rounding mode.
#include "kernels/window_assign.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/window_assign.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#ifndef WEIR_KERNELS_WINDOW_ASSIGN_CONSTANTS_
#define WEIR_KERNELS_WINDOW_ASSIGN_CONSTANTS_
namespace weir::kernels::window_assign_detail {
// Event times in [-2^kFastTimeBits, 2^kFastTimeBits) ms (about 35,700 years
// either side of 1970) take the double path; vectors holding any other value
// are computed one row at a time.
constexpr int kFastTimeBits = 50;
// Window sizes above this take the scalar path everywhere.
constexpr int64_t kFastSizeLimit = int64_t{1} << 49;
// 1.5 * 2^52 and its bit pattern.
constexpr double kMagic = 6755399441055744.0;
constexpr int64_t kMagicBits = 0x4338000000000000;
}  // namespace weir::kernels::window_assign_detail
#endif

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using window_assign_detail::kFastSizeLimit;
using window_assign_detail::kFastTimeBits;
using window_assign_detail::kMagic;
using window_assign_detail::kMagicBits;

// The fast path over one vector of event times. Returns false (and stores
// nothing) when a lane is outside the fast range.
template <class DI, class VI = hn::Vec<DI>, class VD = hn::Vec<hn::Rebind<double, DI>>>
HWY_INLINE bool WindowStartsFast(DI di, VI times, VD size, VD inverse_size,
                                 int64_t* HWY_RESTRICT out) {
  const hn::Rebind<double, DI> dd;
  const hn::RebindToUnsigned<DI> du;
  // -2^50 <= t < 2^50 exactly when t + 2^50, as unsigned (wrapping), is below
  // 2^51: has no bit at 51 or above.
  const auto biased = hn::BitCast(du, hn::Add(times, hn::Set(di, int64_t{1} << kFastTimeBits)));
  if (!hn::AllTrue(du, hn::Eq(hn::ShiftRight<kFastTimeBits + 1>(biased), hn::Zero(du)))) {
    return false;
  }
  const VD magic = hn::Set(dd, kMagic);
  const VI magic_bits = hn::Set(di, kMagicBits);
  const VD t = hn::Sub(hn::BitCast(dd, hn::Add(times, magic_bits)), magic);
  const VD quotient = hn::Sub(hn::Add(hn::Mul(t, inverse_size), magic), magic);
  VD start = hn::Mul(quotient, size);
  start = hn::IfThenElse(hn::Gt(start, t), hn::Sub(start, size), start);
  hn::StoreU(hn::Sub(hn::BitCast(di, hn::Add(start, magic)), magic_bits), di, out);
  return true;
}

void AssignTumblingWindowsImpl(const int64_t* event_times, size_t count, int64_t size_millis,
                               int64_t* window_starts) {
  const hn::ScalableTag<int64_t> di;
  const hn::Rebind<double, decltype(di)> dd;
  const size_t lanes = hn::Lanes(di);
  if (count < lanes || size_millis > kFastSizeLimit) {
    for (size_t i = 0; i < count; ++i) {
      window_starts[i] = TumblingWindowStart(event_times[i], size_millis);
    }
    return;
  }
  const auto size = hn::Set(dd, static_cast<double>(size_millis));
  const auto inverse_size = hn::Set(dd, 1.0 / static_cast<double>(size_millis));
  auto one_vector = [&](size_t i) {
    const auto times = hn::LoadU(di, event_times + i);
    if (!WindowStartsFast(di, times, size, inverse_size, window_starts + i)) {
      for (size_t lane = 0; lane < lanes; ++lane) {
        window_starts[i + lane] = TumblingWindowStart(event_times[i + lane], size_millis);
      }
    }
  };
  size_t i = 0;
  for (; i + lanes <= count; i += lanes) one_vector(i);
  // Tail: redo the last full vector. Harmless even in place, because a window
  // start is its own window start.
  if (i < count) one_vector(count - lanes);
}

void AssignTumblingWindowsSelectedImpl(const int64_t* HWY_RESTRICT event_times,
                                       const uint32_t* HWY_RESTRICT selection, size_t count,
                                       int64_t size_millis, int64_t* HWY_RESTRICT window_starts) {
  // Gather a chunk with scalar loads into the output, then convert it in
  // place with the contiguous kernel while it is still in L1. Measured on
  // AMD EPYC (Zen 5, AVX3), half of the rows selected: 2.2 G rows/s in cache
  // and 0.76 G rows/s over 64 MiB, against 0.50 and 0.04 G rows/s with
  // hardware gathers (hn::GatherIndex, vpgatherqq) feeding the vector math.
  constexpr size_t kChunk = 512;
  for (size_t begin = 0; begin < count; begin += kChunk) {
    const size_t chunk = count - begin < kChunk ? count - begin : kChunk;
    int64_t* out = window_starts + begin;
    const uint32_t* rows = selection + begin;
    for (size_t j = 0; j < chunk; ++j) out[j] = event_times[rows[j]];
    AssignTumblingWindowsImpl(out, chunk, size_millis, out);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(AssignTumblingWindowsImpl);
HWY_EXPORT(AssignTumblingWindowsSelectedImpl);

void AssignTumblingWindows(const int64_t* event_times, size_t count, int64_t size_millis,
                           int64_t* window_starts) {
  HWY_DYNAMIC_DISPATCH(AssignTumblingWindowsImpl)(event_times, count, size_millis, window_starts);
}

void AssignTumblingWindowsSelected(const int64_t* event_times, const uint32_t* selection,
                                   size_t count, int64_t size_millis, int64_t* window_starts) {
  const auto implementation = HWY_DYNAMIC_DISPATCH(AssignTumblingWindowsSelectedImpl);
  implementation(event_times, selection, count, size_millis, window_starts);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
