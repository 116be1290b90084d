#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weir {

// The bid channels of the Flink Nexmark suite (BidGenerator, docs/nexmark.md
// §6.5) and Weir's deterministic URLs for them.
//
// Flink draws a bid's channel from the event's Random (hot with probability
// 1/2: one of 4 names; else "channel-<c>", c < 10000), but builds the URLs
// with an *unseeded* RNG, so no run of Flink can be reproduced. Weir keeps
// Flink's URL algorithm and order (as in BidGenerator at efed4d6: the 4 hot
// URLs, then channels 0..9999, each a base URL then a nextInt(10) > 0 coin
// for the "&channel_id=" suffix) and runs it on one java.util.Random seeded
// with kNexmarkUrlSeed. The table is therefore a constant of Weir.
//
//   baseUrl = "https://www.nexmark.com/" + s + "/" + s + "/" + s + "/item.htm?query=1"
//             with s = nextString(random, 5, '_')
//   channel c url = baseUrl [+ "&channel_id=" + Math.abs(Integer.reverse(c))]
//
// Contract: nexmark_channel_table() builds the table on first use (about a
// millisecond) and returns the same immutable object afterwards; thread-safe
// (C++ static initialisation), readable from any thread.

constexpr int32_t kNexmarkChannelCount = 10000;     // BidGenerator.CHANNELS_NUMBER
constexpr int32_t kNexmarkHotChannelsRatio = 2;     // BidGenerator.HOT_CHANNELS_RATIO
constexpr std::array<std::string_view, 4> kNexmarkHotChannels = {"Google", "Facebook", "Baidu", "Apple"};
// "Nexmark" in ASCII, as a seed.
constexpr int64_t kNexmarkUrlSeed = 0x4E65786D61726BLL;

// Channel c's name and URL lie next to each other in one buffer (a bid
// reads both: one or two cache lines, instead of a string object and its
// separate heap block per URL).
struct NexmarkChannelTable {
  std::array<std::string, 4> hot_urls;   // HOT_URLS[i], for kNexmarkHotChannels[i]
  std::vector<std::string_view> names;   // "channel-<c>", in `text`
  std::vector<std::string_view> urls;    // CHANNEL_URL_CACHE[c], in `text`
  std::string text;                      // every channel's name then URL
};

const NexmarkChannelTable& nexmark_channel_table();

// Math.abs(Integer.reverse(channel)): the 32 bits reversed as int32, absolute
// value with Java's wrap (Integer.MIN_VALUE stays negative).
int32_t nexmark_flink_channel_id(int32_t channel);

}  // namespace weir
