#include "ingest/nexmark_channel_urls.h"

#include "ingest/java_random.h"
#include "ingest/nexmark_strings.h"

namespace weir {

namespace {

void append_base_url(JavaRandom& random, std::string& out) {
  out += "https://www.nexmark.com/";
  append_nexmark_string(random, 5, '_', out);
  out += '/';
  append_nexmark_string(random, 5, '_', out);
  out += '/';
  append_nexmark_string(random, 5, '_', out);
  out += "/item.htm?query=1";
}

NexmarkChannelTable build_channel_table() {
  NexmarkChannelTable table;
  JavaRandom random(kNexmarkUrlSeed);
  for (std::string& url : table.hot_urls) append_base_url(random, url);
  table.names.resize(kNexmarkChannelCount);
  table.urls.resize(kNexmarkChannelCount);
  for (int32_t channel = 0; channel < kNexmarkChannelCount; ++channel) {
    table.names[channel] = "channel-" + std::to_string(channel);
    std::string& url = table.urls[channel];
    append_base_url(random, url);
    if (random.next_int(10) > 0) url += "&channel_id=" + std::to_string(nexmark_flink_channel_id(channel));
  }
  return table;
}

}  // namespace

int32_t nexmark_flink_channel_id(int32_t channel) {
  uint32_t bits = static_cast<uint32_t>(channel);
  uint32_t reversed = 0;
  for (int i = 0; i < 32; ++i) {
    reversed = (reversed << 1) | (bits & 1);
    bits >>= 1;
  }
  const auto value = static_cast<int32_t>(reversed);
  // Math.abs(int): -Integer.MIN_VALUE wraps to itself.
  return value < 0 ? static_cast<int32_t>(0u - reversed) : value;
}

const NexmarkChannelTable& nexmark_channel_table() {
  // Never destroyed: TBB workers that read it may outlive static destruction.
  static const NexmarkChannelTable* const table = new NexmarkChannelTable(build_channel_table());
  return *table;
}

}  // namespace weir
