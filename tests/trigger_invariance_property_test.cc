// The central property of Weir: for the same input, the final output is the
// same under every trigger, micro-batch cut, thread count and morsel size,
// from files or from memory, and equals a simple row-at-a-time reference
// written here. Cases cover tumbling and hopping windows (size a multiple of
// the slide or not), allowed lateness, and aggregations without a window
// (with or without an event-time column).
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "ingest/csv_epoch_files_sink.h"
#include "ingest/csv_sink.h"
#include "ingest/csv_source.h"
#include "ingest/memory_source.h"
#include "runtime/pipeline_builder.h"
#include "runtime/timestamp.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

struct Row {
  int64_t ts;
  std::optional<int64_t> k1;
  std::optional<std::string> k2;
  std::optional<bool> b;
  std::optional<int64_t> v;
  std::optional<double> f;  // multiples of 1/8: sums are exact in a double
  std::optional<std::string> s;
};

using Tri = std::optional<bool>;  // SQL three-valued logic: nullopt = NULL

Tri sql_or(Tri a, Tri b) {
  if (a == true || b == true) return true;
  if (a == false && b == false) return false;
  return std::nullopt;
}
Tri sql_and(Tri a, Tri b) {
  if (a == false || b == false) return false;
  if (a == true && b == true) return true;
  return std::nullopt;
}

struct PredicateCase {
  const char* text;  // empty: no WHERE
  std::function<Tri(const Row&)> reference;
};

const std::vector<PredicateCase>& predicates() {
  static const std::vector<PredicateCase> cases = {
      {"", [](const Row&) -> Tri { return true; }},
      {"v >= 0", [](const Row& r) -> Tri { return r.v ? Tri(*r.v >= 0) : std::nullopt; }},
      {"k2 <> 'b' OR v IS NULL",
       [](const Row& r) { return sql_or(r.k2 ? Tri(*r.k2 != "b") : std::nullopt, Tri(!r.v.has_value())); }},
      {"NOT (v < -50) AND f IS NOT NULL",
       [](const Row& r) { return sql_and(r.v ? Tri(!(*r.v < -50)) : std::nullopt, Tri(r.f.has_value())); }},
      {"v % 3 = 1 OR k1 = 2",
       [](const Row& r) {
         return sql_or(r.v ? Tri(*r.v % 3 == 1) : std::nullopt, r.k1 ? Tri(*r.k1 == 2) : std::nullopt);
       }},
      {"f * 2 > v + 1.5",
       [](const Row& r) -> Tri {
         if (!r.f || !r.v) return std::nullopt;
         return *r.f * 2 > static_cast<double>(*r.v) + 1.5;
       }},
      {"b OR s = ''",
       [](const Row& r) { return sql_or(r.b ? Tri(*r.b) : std::nullopt, r.s ? Tri(r.s->empty()) : std::nullopt); }},
  };
  return cases;
}

const std::vector<std::string> kAggregates = {
    "count(*) AS n",   "count(v) AS nv",  "sum(v) AS sv",    "min(v) AS minv",   "max(v) AS maxv",
    "avg(v) AS av",    "sum(f) AS sf",    "avg(f) AS af",    "min(f) AS minf",   "max(f) AS maxf",
    "min(s) AS mins",  "max(s) AS maxs",  "count(s) AS ns",  "min(ts) AS mints", "max(ts) AS maxts"};

struct Case {
  std::vector<Row> rows;
  bool windowed;        // a tumbling or hopping window; else one aggregation over all rows
  bool has_event_time;  // always with a window; optional without
  int64_t window_size;
  int64_t window_slide;      // == window_size: tumbling
  int64_t allowed_lateness;  // with a window
  bool session;              // windowed: session windows of session_gap instead
  int64_t session_gap;
  OutputMode output_mode;
  int64_t delay;
  std::vector<std::string> group_by;  // subset of k1, k2, b
  size_t predicate;
  std::vector<size_t> file_sizes;  // the input split into files of these sizes
  // Partitioned: file f (memory: table f) is partition f and holds the rows
  // with partition_of[row] == f, in row order; else the files are
  // consecutive runs of rows of one partition.
  bool partitioned = false;
  std::vector<size_t> partition_of;
  bool iso_timestamps;
};

Case random_case(std::mt19937_64& random) {
  Case c;
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(random); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(random); };
  const size_t n = static_cast<size_t>(uniform(0, 1500));
  c.windowed = chance(0.75);
  c.has_event_time = c.windowed || chance(0.5);
  c.window_size = std::vector<int64_t>{1000, 2500, 10000, 60000}[uniform(0, 3)];
  // Hopping in 40% of windowed cases; a divisor of 3 gives sizes that are no
  // multiple of the slide (1000 / 3 = 333).
  c.window_slide = chance(0.4) ? c.window_size / uniform(1, 5) : c.window_size;
  c.allowed_lateness = chance(0.3) ? std::vector<int64_t>{500, 2000, 15000}[uniform(0, 2)] : 0;
  c.output_mode = std::vector<OutputMode>{OutputMode::Append, OutputMode::Append, OutputMode::Update,
                                          OutputMode::Complete}[uniform(0, 3)];
  c.session = c.windowed && chance(0.3);
  c.session_gap = std::vector<int64_t>{300, 1000, 5000}[uniform(0, 2)];
  // Sessions: append or complete (update is refused, see the user guide).
  if (c.session && c.output_mode == OutputMode::Update) c.output_mode = OutputMode::Append;
  c.delay = std::vector<int64_t>{0, 500, 3000, 20000}[uniform(0, 3)];
  for (const char* key : {"k1", "k2", "b"}) {
    if (chance(0.5)) c.group_by.push_back(key);
  }
  std::shuffle(c.group_by.begin(), c.group_by.end(), random);
  c.predicate = static_cast<size_t>(uniform(0, static_cast<int64_t>(predicates().size()) - 1));
  c.iso_timestamps = chance(0.5);
  const int64_t base = 1767225600000 + uniform(-100000, 100000);
  const int64_t step = uniform(1, 200);
  const std::vector<std::string> k2_values = {"a", "b", "c", "dd"};
  const std::vector<std::string> s_values = {"x", "y1", "", "zz", "b"};
  for (size_t i = 0; i < n; ++i) {
    Row row;
    row.ts = base + static_cast<int64_t>(i) * step;
    if (c.delay > 0 && chance(0.5)) row.ts -= uniform(0, c.delay);  // out of order within the delay
    if (chance(0.03)) row.ts -= uniform(c.delay, c.delay + 3 * c.window_size);  // late beyond it
    if (!chance(0.1)) row.k1 = uniform(0, 4);
    if (!chance(0.1)) row.k2 = k2_values[uniform(0, 3)];
    if (!chance(0.1)) row.b = chance(0.5);
    if (!chance(0.2)) row.v = uniform(-100, 100);
    if (!chance(0.2)) row.f = static_cast<double>(uniform(-80000, 80000)) / 8.0;
    if (!chance(0.2)) row.s = s_values[uniform(0, 4)];
    c.rows.push_back(std::move(row));
  }
  size_t left = n;
  const size_t files = static_cast<size_t>(uniform(1, 4));
  for (size_t f = 0; f + 1 < files && left > 0; ++f) {
    const size_t size = static_cast<size_t>(uniform(0, static_cast<int64_t>(left)));
    c.file_sizes.push_back(size);
    left -= size;
  }
  c.file_sizes.push_back(left);
  c.partitioned = c.has_event_time && chance(0.35);
  if (c.partitioned) {
    // Rows dealt to 1-4 partitions at random: each partition's times are
    // nearly ordered and the partitions overlap in time.
    const size_t partitions = static_cast<size_t>(uniform(1, 4));
    c.file_sizes.assign(partitions, 0);
    for (size_t i = 0; i < n; ++i) {
      c.partition_of.push_back(static_cast<size_t>(uniform(0, static_cast<int64_t>(partitions) - 1)));
      ++c.file_sizes[c.partition_of.back()];
    }
  }
  return c;
}

// The rows of file (partition) f, in row order.
std::vector<const Row*> rows_of_file(const Case& c, size_t f) {
  std::vector<const Row*> rows;
  size_t first = 0;
  for (size_t g = 0; g < f && !c.partitioned; ++g) first += c.file_sizes[g];
  for (size_t i = 0; i < c.rows.size(); ++i) {
    if (c.partitioned ? c.partition_of[i] == f : (i >= first && i < first + c.file_sizes[f])) {
      rows.push_back(&c.rows[i]);
    }
  }
  return rows;
}

std::string format_double(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

std::string format_string(const std::string& value) { return value.empty() ? "\"\"" : value; }

void write_inputs(const Case& c, const std::string& directory) {
  for (size_t f = 0; f < c.file_sizes.size(); ++f) {
    std::ofstream out(directory + "/part-" + std::to_string(f) + ".csv");
    out << "ts,k1,k2,b,v,f,s\n";
    for (const Row* row : rows_of_file(c, f)) {
      const Row& r = *row;
      out << (c.iso_timestamps ? format_timestamp(r.ts) : std::to_string(r.ts)) << ',';
      out << (r.k1 ? std::to_string(*r.k1) : "") << ',' << (r.k2 ? *r.k2 : "") << ',';
      out << (r.b ? (*r.b ? "true" : "false") : "") << ',' << (r.v ? std::to_string(*r.v) : "") << ',';
      out << (r.f ? format_double(*r.f) : "") << ',' << (r.s ? format_string(*r.s) : "") << '\n';
    }
  }
}

// ---- The reference: one row at a time, in source order. ----

struct ReferenceKey {
  int64_t window_start;
  std::vector<std::optional<std::string>> keys;  // encoded so that NULLs sort last
};

struct ReferenceState {
  int64_t end = 0;  // the window's end
  int64_t n = 0, nv = 0, ns = 0, sv = 0, nf = 0;
  std::optional<int64_t> minv, maxv, mints, maxts;
  double sf = 0;
  std::optional<double> minf, maxf;
  std::optional<std::string> mins, maxs;
};

struct ReferenceResult {
  std::string csv;
  uint64_t late = 0;
  std::string late_csv;  // what the late sink holds (windowed cases)
};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

ReferenceResult reference(const Case& c) {
  ReferenceResult result;
  // Key: window start, then per group column (is_null, value) ordered as Weir orders them.
  using KeyPart = std::tuple<bool, int64_t, std::string>;
  std::map<std::pair<int64_t, std::vector<KeyPart>>, ReferenceState> groups;
  // The greatest event time before a row, in its partition.
  std::map<size_t, std::optional<int64_t>> max_seen_of_partition;
  std::ostringstream late_out;
  late_out << "ts,k1,k2,b,v,f,s,reason\n";
  using Key = std::vector<KeyPart>;
  auto key_of = [&](const Row& r) {
    Key key;
    for (const std::string& column : c.group_by) {
      if (column == "k1") key.emplace_back(!r.k1, r.k1.value_or(0), "");
      if (column == "k2") key.emplace_back(!r.k2, 0, r.k2.value_or(""));
      if (column == "b") key.emplace_back(!r.b, r.b.value_or(false) ? 1 : 0, "");
    }
    return key;
  };
  auto accumulate = [](ReferenceState& s, const Row& r) {
    ++s.n;
    if (r.v) {
      ++s.nv;
      s.sv += *r.v;
      s.minv = s.minv ? std::min(*s.minv, *r.v) : *r.v;
      s.maxv = s.maxv ? std::max(*s.maxv, *r.v) : *r.v;
    }
    if (r.f) {
      ++s.nf;
      s.sf += *r.f;
      s.minf = s.minf ? std::min(*s.minf, *r.f) : *r.f;
      s.maxf = s.maxf ? std::max(*s.maxf, *r.f) : *r.f;
    }
    if (r.s) {
      ++s.ns;
      s.mins = s.mins ? std::min(*s.mins, *r.s) : *r.s;
      s.maxs = s.maxs ? std::max(*s.maxs, *r.s) : *r.s;
    }
    s.mints = s.mints ? std::min(*s.mints, r.ts) : r.ts;
    s.maxts = s.maxts ? std::max(*s.maxts, r.ts) : r.ts;
  };
  auto write_late = [&](const Row& r, const std::string& reason) {
    ++result.late;
    late_out << format_timestamp(r.ts) << ',' << (r.k1 ? std::to_string(*r.k1) : "") << ','
             << (r.k2 ? format_string(*r.k2) : "") << ',' << (r.b ? (*r.b ? "true" : "false") : "") << ','
             << (r.v ? std::to_string(*r.v) : "") << ',' << (r.f ? format_double(*r.f) : "") << ','
             << (r.s ? format_string(*r.s) : "") << ',' << reason << '\n';
  };
  if (c.session) {
    // A row is late when its time + allowed lateness < the watermark before
    // it. Sessions: per key, the on-time rows that pass the filter, sorted by
    // time, split where a row is at or past the current end (last + gap).
    std::map<Key, std::vector<const Row*>> by_key;
    for (const Row& r : c.rows) {
      std::optional<int64_t>& max_seen = max_seen_of_partition[c.partitioned ? c.partition_of[&r - c.rows.data()] : 0];
      if (max_seen && r.ts + c.allowed_lateness < *max_seen - c.delay) {
        write_late(r, "session: event time" +
                          (c.allowed_lateness > 0 ? " + allowed lateness " + std::to_string(c.allowed_lateness) + " ms"
                                                  : std::string()) +
                          " below watermark " + format_timestamp(*max_seen - c.delay));
        max_seen = std::max(*max_seen, r.ts);
        continue;
      }
      max_seen = max_seen ? std::max(*max_seen, r.ts) : r.ts;
      if (predicates()[c.predicate].reference(r) == true) by_key[key_of(r)].push_back(&r);
    }
    for (auto& [key, rows] : by_key) {
      std::stable_sort(rows.begin(), rows.end(), [](const Row* a, const Row* b) { return a->ts < b->ts; });
      ReferenceState* session = nullptr;
      for (const Row* r : rows) {
        if (session == nullptr || r->ts >= session->end) {
          session = &groups[{r->ts, key}];
          session->end = r->ts + c.session_gap;
        }
        session->end = std::max(session->end, r->ts + c.session_gap);
        accumulate(*session, *r);
      }
    }
  }
  for (const Row& r : c.rows) {
    if (c.session) break;
    std::optional<int64_t>& max_seen = max_seen_of_partition[c.partitioned ? c.partition_of[&r - c.rows.data()] : 0];
    // The windows holding r.ts: [k * slide, k * slide + size). A row is late
    // for a window when its end + allowed lateness <= the watermark of the
    // rows before it; late (counted, dropped) when late for all of them.
    // Without a window nothing ever closes, so no row is late.
    std::vector<int64_t> starts;
    if (c.windowed) {
      for (int64_t start = floor_div(r.ts, c.window_slide) * c.window_slide; start + c.window_size > r.ts;
           start -= c.window_slide) {
        if (!max_seen || start + c.window_size + c.allowed_lateness > *max_seen - c.delay) starts.push_back(start);
      }
    } else {
      starts.push_back(0);
    }
    if (starts.empty()) {
      const int64_t newest = floor_div(r.ts, c.window_slide) * c.window_slide;
      write_late(r, (c.window_slide == c.window_size ? "window " : "newest window ") + format_timestamp(newest) +
                        ".." + format_timestamp(newest + c.window_size) + " closed at watermark " +
                        format_timestamp(*max_seen - c.delay) +
                        (c.allowed_lateness > 0 ? " (allowed lateness " + std::to_string(c.allowed_lateness) + " ms)"
                                                : std::string()));
    }
    max_seen = max_seen ? std::max(*max_seen, r.ts) : r.ts;
    if (starts.empty()) continue;
    if (predicates()[c.predicate].reference(r) != true) continue;
    const Key key = key_of(r);
    for (const int64_t start : starts) {
      ReferenceState& s = groups[{start, key}];
      s.end = start + c.window_size;
      accumulate(s, r);
    }
  }
  if (!c.windowed && c.group_by.empty() && groups.empty()) groups[{0, {}}];  // SQL: one row, count 0
  std::ostringstream out;
  if (c.windowed) out << "window_start,window_end,";
  bool first_column = true;
  for (const std::string& column : c.group_by) {
    out << (first_column ? "" : ",") << column;
    first_column = false;
  }
  out << (first_column ? "" : ",") << "n,nv,sv,minv,maxv,av,sf,af,minf,maxf,mins,maxs,ns,mints,maxts\n";
  auto opt_int = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
  auto opt_double = [](const std::optional<double>& v) { return v ? format_double(*v) : std::string(); };
  auto opt_string = [](const std::optional<std::string>& v) { return v ? format_string(*v) : std::string(); };
  // Sessions come out by end, then start, then key; other windows by start
  // (and so by end), then key.
  std::vector<const std::pair<const std::pair<int64_t, Key>, ReferenceState>*> ordered;
  for (const auto& entry : groups) ordered.push_back(&entry);
  if (c.session) {
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->second.end < b->second.end; });
  }
  for (const auto* entry : ordered) {
    const auto& key = entry->first;
    const ReferenceState& s = entry->second;
    if (c.windowed) out << format_timestamp(key.first) << ',' << format_timestamp(s.end) << ',';
    for (size_t k = 0; k < c.group_by.size(); ++k) {
      const auto& [is_null, number, text] = key.second[k];
      if (k > 0) out << ',';
      if (is_null) continue;
      if (c.group_by[k] == "k1") out << number;
      if (c.group_by[k] == "k2") out << text;
      if (c.group_by[k] == "b") out << (number != 0 ? "true" : "false");
    }
    out << (c.group_by.empty() ? "" : ",") << s.n << ',' << s.nv << ',' << (s.nv ? std::to_string(s.sv) : "") << ',' << opt_int(s.minv)
        << ',' << opt_int(s.maxv) << ','
        << (s.nv ? format_double(static_cast<double>(s.sv) / static_cast<double>(s.nv)) : "") << ','
        << (s.nf ? format_double(s.sf) : "") << ','
        << (s.nf ? format_double(s.sf / static_cast<double>(s.nf)) : "") << ',' << opt_double(s.minf) << ','
        << opt_double(s.maxf) << ',' << opt_string(s.mins) << ',' << opt_string(s.maxs) << ',' << s.ns << ','
        << (s.mints ? format_timestamp(*s.mints) : "") << ',' << (s.maxts ? format_timestamp(*s.maxts) : "")
        << '\n';
  }
  result.csv = out.str();
  result.late_csv = late_out.str();
  return result;
}

// ---- Weir ----

struct WeirResult {
  std::string csv;
  std::string late_csv;  // windowed cases
  RunSummary summary;
};

Schema input_schema() {
  return Schema({{"ts", DataType::Timestamp},
                 {"k1", DataType::Int64},
                 {"k2", DataType::String},
                 {"b", DataType::Bool},
                 {"v", DataType::Int64},
                 {"f", DataType::Float64},
                 {"s", DataType::String}});
}

// The case's rows as one in-memory table (for MemorySource).
std::shared_ptr<const Batch> input_table(const Case& c) {
  auto table = std::make_shared<Batch>(std::make_shared<const Schema>(input_schema()));
  for (const Row& r : c.rows) {
    table->column(0).append_int64(r.ts);
    r.k1 ? table->column(1).append_int64(*r.k1) : table->column(1).append_null();
    r.k2 ? table->column(2).append_string(*r.k2) : table->column(2).append_null();
    r.b ? table->column(3).append_bool(*r.b) : table->column(3).append_null();
    r.v ? table->column(4).append_int64(*r.v) : table->column(4).append_null();
    r.f ? table->column(5).append_float64(*r.f) : table->column(5).append_null();
    r.s ? table->column(6).append_string(*r.s) : table->column(6).append_null();
  }
  table->set_num_rows(c.rows.size());
  return table;
}

// Reads the case from the files in `input_directory`, or from memory when
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The final result of a run: the append output; the last upsert of each key
// over every update file; the last complete file. Update results are put in
// the reference's line order (each key once), so they compare as text.
std::string final_result(const Case& c, const std::string& output_path) {
  if (c.output_mode == OutputMode::Append) return testing::read_file_text(output_path);
  std::vector<std::string> files;
  for (uint64_t epoch = 0; std::filesystem::exists(CsvEpochFilesSink::epoch_file(output_path, epoch)); ++epoch) {
    files.push_back(testing::read_file_text(CsvEpochFilesSink::epoch_file(output_path, epoch)));
  }
  if (files.empty()) return "(no epoch files)";
  if (c.output_mode == OutputMode::Complete) return files.back();
  const size_t key_fields = (c.windowed ? 2 : 0) + c.group_by.size();
  auto key_of = [&](const std::string& line) {
    size_t at = 0;
    for (size_t field = 0; field < key_fields; ++field) at = line.find(',', at) + 1;
    return line.substr(0, at);
  };
  std::map<std::string, std::string> last;
  std::string header;
  for (const std::string& file : files) {
    const std::vector<std::string> lines = lines_of(file);
    if (lines.empty()) return "(empty epoch file)";
    header = lines[0];
    for (size_t i = 1; i < lines.size(); ++i) last[key_of(lines[i])] = lines[i];
  }
  std::vector<std::string> rows;
  for (const auto& [key, line] : last) rows.push_back(line);
  std::sort(rows.begin(), rows.end());
  std::string text = header + "\n";
  for (const std::string& row : rows) text += row + "\n";
  return text;
}

// Sorts a CSV text's rows (not its header), to compare update results.
std::string sorted_rows(const std::string& csv) {
  std::vector<std::string> lines = lines_of(csv);
  if (lines.empty()) return csv;
  std::sort(lines.begin() + 1, lines.end());
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// `table` is given.
WeirResult run_weir(const Case& c, const std::string& input_directory, const std::string& output_path,
                    const RunOptions& options, std::shared_ptr<const Batch> table = nullptr) {
  std::unique_ptr<Source> input;
  if (table && c.partitioned) {
    // One table per partition.
    std::vector<std::shared_ptr<const Batch>> partitions;
    for (size_t f = 0; f < c.file_sizes.size(); ++f) {
      auto part = std::make_shared<Batch>(table->schema_pointer());
      for (size_t i = 0; i < c.rows.size(); ++i) {
        if (c.partition_of[i] != f) continue;
        for (size_t column = 0; column < table->num_columns(); ++column) {
          part->column(column).append_rows(table->column(column), i, 1);
        }
      }
      part->set_num_rows(c.file_sizes[f]);
      partitions.push_back(std::move(part));
    }
    input = std::make_unique<MemorySource>(std::move(partitions), "case");
  } else if (table) {
    input = std::make_unique<MemorySource>(std::move(table), "case");
  } else {
    CsvSourceOptions source;
    source.path = input_directory;
    source.schema = input_schema();
    source.not_null_columns = {"ts"};
    source.partition_by_file = c.partitioned;
    // A watched directory is unbounded under processing-time; seal it so this
    // run ends with the files written above, as a bounded input.
    auto csv_source = std::make_unique<CsvSource>(source);
    csv_source->seal();
    input = std::move(csv_source);
  }
  PipelineBuilder builder;
  builder.source(std::move(input)).group_by(c.group_by).output_mode(c.output_mode);
  if (c.output_mode == OutputMode::Append) {
    builder.sink(std::make_unique<CsvSink>(CsvSinkOptions{output_path}));
  } else {
    builder.sink(std::make_unique<CsvEpochFilesSink>(output_path));
  }
  if (c.has_event_time) builder.event_time("ts", c.delay);
  if (c.session) {
    builder.session_window(c.session_gap);
  } else if (c.windowed && c.window_slide == c.window_size) {
    builder.tumbling_window(c.window_size);
  }
  if (c.windowed && !c.session && c.window_slide != c.window_size) builder.hopping_window(c.window_size, c.window_slide);
  if (c.windowed && c.allowed_lateness > 0) builder.allowed_lateness(c.allowed_lateness);
  const std::string late_path = output_path + ".late.csv";
  if (c.windowed) builder.late_sink(std::make_unique<CsvSink>(CsvSinkOptions{late_path}));
  if (*predicates()[c.predicate].text != '\0') builder.where(predicates()[c.predicate].text);
  for (const std::string& aggregate : kAggregates) builder.aggregate(aggregate);
  WeirResult result;
  result.summary = builder.build()->run(options);
  result.csv = final_result(c, output_path);
  if (c.windowed) result.late_csv = testing::read_file_text(late_path);
  return result;
}

#ifdef WEIR_EXTENDED_PROPERTY_TESTS
constexpr int kCases = 3000;
#else
constexpr int kCases = 250;
#endif

TEST(TriggerInvarianceProperty, EveryTriggerCutThreadCountAndMorselSizeGivesTheReferenceResult) {
  std::mt19937_64 random(20261125);
  for (int case_index = 0; case_index < kCases; ++case_index) {
    const Case c = random_case(random);
    testing::TestDirectory directory;
    const std::string input = directory.file("input");
    std::filesystem::create_directories(input);
    write_inputs(c, input);
    const ReferenceResult expected = reference(c);

    auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(random); };
    std::vector<RunOptions> runs(5);
    runs[0].trigger = {TriggerKind::AvailableNow, 0};
    runs[1].trigger = {TriggerKind::Once, 0};
    runs[2].trigger = {TriggerKind::ProcessingTime, 0};
    runs[2].max_rows_per_trigger = static_cast<uint64_t>(uniform(1, static_cast<int64_t>(c.rows.size()) + 1));
    runs[3].trigger = {TriggerKind::AvailableNow, 0};
    runs[3].max_rows_per_trigger = static_cast<uint64_t>(uniform(1, 64));
    runs[4].trigger = {TriggerKind::ProcessingTime, 0};  // from memory
    runs[4].max_rows_per_trigger = static_cast<uint64_t>(uniform(1, static_cast<int64_t>(c.rows.size()) + 200));
    const auto table = input_table(c);
    for (RunOptions& options : runs) {
      options.threads = static_cast<size_t>(uniform(1, 4));
      options.morsel_rows = static_cast<size_t>(std::vector<int64_t>{1, 7, 64, 100, 1000, 32768}[uniform(0, 5)]);
    }
    for (size_t r = 0; r < runs.size(); ++r) {
      const WeirResult actual = run_weir(c, input, directory.file("out-" + std::to_string(r) + ".csv"), runs[r],
                                         r == 4 ? table : nullptr);
      ASSERT_EQ(actual.csv, c.output_mode == OutputMode::Update ? sorted_rows(expected.csv) : expected.csv)
          << "case " << case_index << " run " << r << " trigger " << describe_trigger(runs[r].trigger)
          << " max_rows " << runs[r].max_rows_per_trigger.value_or(0) << " threads " << runs[r].threads
          << " morsel " << runs[r].morsel_rows << " where '" << predicates()[c.predicate].text << "'"
          << (c.session ? " session gap " + std::to_string(c.session_gap) : "")
          << (c.windowed ? " window " + std::to_string(c.window_size) + "/" + std::to_string(c.window_slide) +
                               " lateness " + std::to_string(c.allowed_lateness)
                         : " no window")
          << (c.has_event_time ? "" : " no event time") << " output mode " << output_mode_name(c.output_mode)
          << (c.partitioned ? " partitions " + std::to_string(c.file_sizes.size()) : "");
      ASSERT_EQ(actual.summary.rows_late, expected.late) << "case " << case_index << " run " << r;
      // Partitions interleave in any order: their late rows too.
      if (c.windowed) {
        ASSERT_EQ(c.partitioned ? sorted_rows(actual.late_csv) : actual.late_csv,
                  c.partitioned ? sorted_rows(expected.late_csv) : expected.late_csv)
            << "case " << case_index << " run " << r;
      }
      ASSERT_EQ(actual.summary.rows_read, c.rows.size()) << "case " << case_index << " run " << r;
    }
  }
}

}  // namespace
}  // namespace weir
