// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry points.
#include "kernels/csv_structural_scan.h"

#include <bit>
#include <cstring>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/csv_structural_scan.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr size_t kBlockBytes = 64;

// Bit i set when byte i of the 64-byte block equals the character.
struct BlockMasks {
  uint64_t quotes;
  uint64_t delimiters;
  uint64_t newlines;
};

// One byte at a time: the SCALAR target, and vector lengths that do not tile
// 64 bytes into whole bytes of mask (StoreMaskBits writes whole bytes).
HWY_INLINE BlockMasks ClassifyBlockBytewise(const uint8_t* block, uint8_t quote,
                                            uint8_t delimiter) {
  BlockMasks masks{0, 0, 0};
  for (size_t i = 0; i < kBlockBytes; ++i) {
    masks.quotes |= uint64_t{block[i] == quote} << i;
    masks.delimiters |= uint64_t{block[i] == delimiter} << i;
    masks.newlines |= uint64_t{block[i] == '\n'} << i;
  }
  return masks;
}

// The mask as bits, lane i at bit i (lanes <= 64). StoreMaskBits writes
// ceil(lanes / 8) bytes, lane 0 in the lowest bit of the first: on a
// little-endian machine, the low bytes of a uint64_t. The compiler keeps this
// in registers (a vpmovmskb on AVX2, a kmov on AVX3).
template <class D, class M>
HWY_INLINE uint64_t MaskBits(D d, M mask) {
  uint64_t bits = 0;
  hn::StoreMaskBits(d, mask, reinterpret_cast<uint8_t*>(&bits));
  return bits;
}

// Three compares per vector; the mask bits of 64 / Lanes vectors make up the
// block's three 64-bit masks.
HWY_INLINE BlockMasks ClassifyBlock(const uint8_t* HWY_RESTRICT block, uint8_t quote,
                                    uint8_t delimiter) {
  const hn::CappedTag<uint8_t, kBlockBytes> d;
  const size_t lanes = hn::Lanes(d);
  if (lanes < 8 || kBlockBytes % lanes != 0 || std::endian::native != std::endian::little) {
    return ClassifyBlockBytewise(block, quote, delimiter);
  }
  const auto quote_vector = hn::Set(d, quote);
  const auto delimiter_vector = hn::Set(d, delimiter);
  const auto newline_vector = hn::Set(d, uint8_t{'\n'});
  BlockMasks masks{0, 0, 0};
  for (size_t i = 0; i < kBlockBytes; i += lanes) {
    const auto bytes = hn::LoadU(d, block + i);
    masks.quotes |= MaskBits(d, hn::Eq(bytes, quote_vector)) << i;
    masks.delimiters |= MaskBits(d, hn::Eq(bytes, delimiter_vector)) << i;
    masks.newlines |= MaskBits(d, hn::Eq(bytes, newline_vector)) << i;
  }
  return masks;
}

// The last, partial block: copied into a zeroed block so that nothing past
// the text is read, and its bits past the text cleared (the delimiter may be
// '\0' and match the padding).
HWY_INLINE BlockMasks ClassifyTail(const uint8_t* tail, size_t size, uint8_t quote,
                                   uint8_t delimiter) {
  alignas(64) uint8_t block[kBlockBytes] = {};
  std::memcpy(block, tail, size);
  BlockMasks masks = ClassifyBlock(block, quote, delimiter);
  const uint64_t valid = (uint64_t{1} << size) - 1;  // size < 64
  masks.quotes &= valid;
  masks.delimiters &= valid;
  masks.newlines &= valid;
  return masks;
}

// Calls visit(block_index, masks, valid_bits) for every block of the text.
template <class Visit>
HWY_INLINE void ForEachBlock(const char* text, size_t size, char quote, char delimiter,
                             const Visit& visit) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text);
  const auto quote_byte = static_cast<uint8_t>(quote);
  const auto delimiter_byte = static_cast<uint8_t>(delimiter);
  const size_t whole_blocks = size / kBlockBytes;
  for (size_t block = 0; block < whole_blocks; ++block) {
    visit(block, ClassifyBlock(bytes + block * kBlockBytes, quote_byte, delimiter_byte),
          kBlockBytes);
  }
  const size_t tail = size % kBlockBytes;
  if (tail != 0) {
    visit(whole_blocks,
          ClassifyTail(bytes + whole_blocks * kBlockBytes, tail, quote_byte, delimiter_byte), tail);
  }
}

void FindCsvCharactersImpl(const char* HWY_RESTRICT text, size_t size, char quote, char delimiter,
                           CsvCharacterBits* HWY_RESTRICT bits) {
  ForEachBlock(text, size, quote, delimiter,
               [bits](size_t block, const BlockMasks& masks, size_t /*valid_bits*/) {
                 bits[block] = CsvCharacterBits{masks.quotes, masks.delimiters, masks.newlines};
               });
}

// Appends the offsets of the set bits of `bits` (a block at `offset`),
// writing eight (or more) entries unconditionally so that the usual block,
// with a handful of separators, costs no unpredictable branch (simdjson's
// flattening). Returns the new count.
HWY_INLINE size_t AppendBitPositions(uint64_t bits, uint32_t offset,
                                     uint32_t* HWY_RESTRICT positions, size_t count) {
  const size_t set = hwy::PopCount(bits);
  uint32_t* out = positions + count;
  // (Bit 63 keeps the count of zeros defined once `bits` runs out.)
  for (size_t i = 0; i < 8; ++i) {
    out[i] = offset +
             static_cast<uint32_t>(hwy::Num0BitsBelowLS1Bit_Nonzero64(bits | (uint64_t{1} << 63)));
    bits &= bits - 1;
  }
  if (HWY_UNLIKELY(set > 8)) {
    for (size_t i = 8; i < set; ++i) {
      out[i] = offset + static_cast<uint32_t>(hwy::Num0BitsBelowLS1Bit_Nonzero64(bits));
      bits &= bits - 1;
    }
  }
  return count + set;
}

CsvSeparatorCounts FindCsvSeparatorsImpl(const char* HWY_RESTRICT text, size_t size, char quote,
                                         char delimiter, uint32_t* HWY_RESTRICT positions) {
  CsvSeparatorCounts counts{0, 0, 0};
  ForEachBlock(text, size, quote, delimiter,
               [&](size_t block, const BlockMasks& masks, size_t /*valid_bits*/) {
                 counts.quotes += hwy::PopCount(masks.quotes);
                 counts.newlines += hwy::PopCount(masks.newlines);
                 counts.separators = AppendBitPositions(masks.delimiters | masks.newlines,
                                                        static_cast<uint32_t>(block * kBlockBytes),
                                                        positions, counts.separators);
               });
  return counts;
}

// Bit i of the result = XOR of bits 0..i: 1 inside a quoted region (opening
// quote included, closing quote excluded).
HWY_INLINE uint64_t PrefixXor(uint64_t bits) {
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SSSE3 && HWY_TARGET != HWY_EMU128 && \
    HWY_TARGET != HWY_SCALAR && !defined(HWY_DISABLE_PCLMUL_AES)
  // The low half of the carry-less product with all ones (pclmulqdq): one
  // instruction instead of six dependent shift-and-xor steps.
  const hn::Full128<uint64_t> d64;
  return hn::GetLane(hn::CLMulLower(hn::Set(d64, bits), hn::Set(d64, ~uint64_t{0})));
#else
  bits ^= bits << 1;
  bits ^= bits << 2;
  bits ^= bits << 4;
  bits ^= bits << 8;
  bits ^= bits << 16;
  bits ^= bits << 32;
  return bits;
#endif
}

CsvRecordCounts FindCsvRecordEndsImpl(const char* HWY_RESTRICT text, size_t size, char quote,
                                      char delimiter, CsvQuoteState* HWY_RESTRICT state,
                                      CsvRecordBits* HWY_RESTRICT bits) {
  uint64_t inside_quotes = state->inside_quotes;
  uint64_t may_open_quote = state->may_open_quote;
  // Counted here, where the target has a popcnt instruction (the caller,
  // compiled for the baseline, would call a library routine).
  CsvRecordCounts counts{0, 0, 0};
  ForEachBlock(
      text, size, quote, delimiter, [&](size_t block, const BlockMasks& masks, size_t valid_bits) {
        const uint64_t separators = masks.delimiters | masks.newlines;
        const uint64_t last_bit = uint64_t{1} << (valid_bits - 1);
        const size_t newlines = hwy::PopCount(masks.newlines);
        counts.newlines += newlines;
        if (masks.quotes == 0 && inside_quotes == 0) {
          // The usual block: no quote, nothing quoted.
          bits[block] = CsvRecordBits{masks.newlines, masks.newlines, 0};
          counts.record_ends += newlines;
          may_open_quote = (separators & last_bit) != 0 ? 1 : 0;
          return;
        }
        const uint64_t inside = PrefixXor(masks.quotes) ^ (uint64_t{0} - inside_quotes);
        // Quotes after which the parity is "inside": opening ones.
        const uint64_t opening = masks.quotes & inside;
        const uint64_t openers = separators | masks.quotes;
        const uint64_t may_open = (openers << 1) | may_open_quote;
        const CsvRecordBits result{masks.newlines, masks.newlines & ~inside, opening & ~may_open};
        bits[block] = result;
        counts.record_ends += hwy::PopCount(result.record_ends);
        counts.stray_quotes += hwy::PopCount(result.stray_quotes);
        inside_quotes = (inside & last_bit) != 0 ? 1 : 0;
        may_open_quote = (openers & last_bit) != 0 ? 1 : 0;
      });
  state->inside_quotes = inside_quotes;
  state->may_open_quote = may_open_quote;
  return counts;
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(FindCsvCharactersImpl);
HWY_EXPORT(FindCsvRecordEndsImpl);
HWY_EXPORT(FindCsvSeparatorsImpl);

CsvSeparatorCounts FindCsvSeparators(const char* text, size_t size, char quote, char delimiter,
                                     uint32_t* positions) {
  return HWY_DYNAMIC_DISPATCH(FindCsvSeparatorsImpl)(text, size, quote, delimiter, positions);
}

void FindCsvCharacters(const char* text, size_t size, char quote, char delimiter,
                       CsvCharacterBits* bits) {
  HWY_DYNAMIC_DISPATCH(FindCsvCharactersImpl)(text, size, quote, delimiter, bits);
}

CsvRecordCounts FindCsvRecordEnds(const char* text, size_t size, char quote, char delimiter,
                                  CsvQuoteState* state, CsvRecordBits* bits) {
  return HWY_DYNAMIC_DISPATCH(FindCsvRecordEndsImpl)(text, size, quote, delimiter, state, bits);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
