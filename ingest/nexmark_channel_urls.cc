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

// Fills `table` in place: its views point into its own `text`.
void build_channel_table(NexmarkChannelTable& table) {
  JavaRandom random(kNexmarkUrlSeed);
  for (std::string& url : table.hot_urls) append_base_url(random, url);
  std::vector<size_t> name_sizes(kNexmarkChannelCount);
  std::vector<size_t> url_sizes(kNexmarkChannelCount);
  for (int32_t channel = 0; channel < kNexmarkChannelCount; ++channel) {
    const size_t before = table.text.size();
    table.text += "channel-" + std::to_string(channel);
    name_sizes[channel] = table.text.size() - before;
    append_base_url(random, table.text);
    if (random.next_int(10) > 0) table.text += "&channel_id=" + std::to_string(nexmark_flink_channel_id(channel));
    url_sizes[channel] = table.text.size() - before - name_sizes[channel];
  }
  // Views once the buffer no longer moves.
  const std::string_view text = table.text;
  size_t offset = 0;
  for (int32_t channel = 0; channel < kNexmarkChannelCount; ++channel) {
    table.names.push_back(text.substr(offset, name_sizes[channel]));
    offset += name_sizes[channel];
    table.urls.push_back(text.substr(offset, url_sizes[channel]));
    offset += url_sizes[channel];
  }
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
  static const NexmarkChannelTable* const table = [] {
    auto* built = new NexmarkChannelTable;
    build_channel_table(*built);
    return built;
  }();
  return *table;
}

}  // namespace weir
