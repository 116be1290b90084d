#pragma once

#include <cmath>

namespace weir {

// A float64 sum kept as an unevaluated pair hi + lo (double-double) plus the
// plain sum of non-finite inputs. Adding is exact whenever the exact sum of
// the inputs spans at most ~106 bits (true for money-like data: values with a
// few decimals, up to billions of rows), so the result does not depend on the
// order of additions: the same input gives the same bits under any morsel cut
// or thread count. Beyond that span the result is still accurate to ~1e-32
// relative but may differ in the last bit between orders.
struct ExactFloatSum {
  double hi = 0.0;
  double lo = 0.0;
  double non_finite = 0.0;  // sum of the inf/NaN inputs (order-independent)

  void add(double value) {
    if (!std::isfinite(value)) {
      non_finite += value;
      return;
    }
    const double sum = hi + value;
    const double value_part = sum - hi;
    const double error = (hi - (sum - value_part)) + (value - value_part);
    renormalize(sum, error + lo);
  }

  void merge(const ExactFloatSum& other) {
    non_finite += other.non_finite;
    const double sum = hi + other.hi;
    const double other_part = sum - hi;
    const double error = (hi - (sum - other_part)) + (other.hi - other_part);
    renormalize(sum, error + (lo + other.lo));
  }

  double value() const {
    if (non_finite != 0.0 || std::isnan(non_finite)) return non_finite;
    return hi + lo;
  }

 private:
  void renormalize(double sum, double error) {
    hi = sum + error;
    lo = error - (hi - sum);
  }
};

}  // namespace weir
