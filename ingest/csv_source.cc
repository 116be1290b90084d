#include "ingest/csv_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>
#include <utility>

#include "ingest/csv_morsel_loader.h"
#include "runtime/errors.h"

namespace weir {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool has_csv_extension(const std::string& name) {
  if (name.size() < 4) return false;
  std::string extension = name.substr(name.size() - 4);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".csv";
}

}  // namespace

CsvSource::CsvSource(CsvSourceOptions options, MemoryTracker* tracker)
    : CsvSource(std::move(options), tracker, nullptr) {}

std::unique_ptr<CsvSource> CsvSource::from_bytes(CsvSourceOptions options,
                                                 std::string_view contents,
                                                 MemoryTracker* tracker) {
  return std::unique_ptr<CsvSource>(
      new CsvSource(std::move(options), tracker, ReadableFile::from_bytes(contents)));
}

CsvSource::CsvSource(CsvSourceOptions options, MemoryTracker* tracker,
                     std::shared_ptr<const ReadableFile> in_memory_contents)
    : path_(std::move(options.path)),
      schema_(std::make_shared<const Schema>(std::move(options.schema))),
      tracker_(tracker),
      in_memory_contents_(std::move(in_memory_contents)),
      read_block_bytes_(options.read_block_bytes != 0 ? options.read_block_bytes
                                                      : kDefaultReadBlockBytes),
      chunk_pool_(std::make_unique<TextChunkPool>(tracker_, read_block_bytes_ * ChunkedFileReader::kBlocksPerChunk)) {
  for (size_t index = 0; index < schema_->size(); ++index) {
    if (schema_->find(schema_->field(index).name) != index) {
      throw ConfigError("csv source " + path_ + ": column \"" + schema_->field(index).name +
                        "\" is declared twice");
    }
  }
  not_null_.assign(schema_->size(), 0);
  for (const std::string& name : options.not_null_columns) {
    const std::optional<size_t> column = schema_->find(name);
    if (!column) {
      throw ConfigError("csv source " + path_ + ": not-null column \"" + name +
                        "\" is not a declared column");
    }
    not_null_[*column] = 1;
  }

  partition_by_file_ = options.partition_by_file;
  if (in_memory_contents_ != nullptr) {
    add_file(path_);
    return;
  }
  std::error_code error;
  const fs::file_status status = fs::status(path_, error);
  if (fs::is_regular_file(status)) {
    add_file(path_);
  } else if (fs::is_directory(status)) {
    is_directory_ = true;
    discover();
  } else if (status.type() == fs::file_type::not_found) {
    throw ConfigError("csv source: \"" + path_ + "\" does not exist");
  } else if (error) {
    throw ConfigError("csv source: cannot access \"" + path_ + "\": " + error.message());
  } else {
    throw ConfigError("csv source: \"" + path_ + "\" is neither a file nor a directory");
  }
}

void CsvSource::discover() {
  if (!is_directory_ || sealed_) return;
  std::vector<std::string> fresh_names;
  std::error_code error;
  for (fs::directory_iterator entry(path_, error), last; !error && entry != last;
       entry.increment(error)) {
    std::string name = entry->path().filename().string();
    if (name.empty() || name[0] == '.' || !has_csv_extension(name)) continue;
    if (seen_file_names_.count(name) != 0) continue;
    std::error_code type_error;
    if (!entry->is_regular_file(type_error)) continue;  // follows symlinks
    fresh_names.push_back(std::move(name));
  }
  if (error) throw InputError("cannot list directory " + path_ + ": " + error.message());
  std::sort(fresh_names.begin(), fresh_names.end());
  for (std::string& name : fresh_names) {
    add_file((fs::path(path_) / name).string());
    seen_file_names_.insert(std::move(name));
  }
}

void CsvSource::seal() { sealed_ = true; }

void CsvSource::add_file(std::string path) {
  if (partitions_.empty() || partition_by_file_) partitions_.emplace_back();
  partitions_.back().pending_files.push_back(std::move(path));
}

bool CsvSource::Partition::has_rows_to_cut() const {
  return !pending_files.empty() || (scanner != nullptr && !scanner->done());
}

bool CsvSource::exhausted() const {
  if (!bounded()) return false;
  for (const Partition& partition : partitions_) {
    if (partition.has_rows_to_cut()) return false;
  }
  return true;
}

bool CsvSource::partition_finished(size_t partition) const {
  if (partitions_.at(partition).has_rows_to_cut()) return false;
  return partition_by_file_ || bounded();
}

bool CsvSource::partition_has_input(size_t partition) const { return partitions_.at(partition).has_rows_to_cut(); }

bool CsvSource::open_next_file(Partition& partition) {
  partition.scanner.reset();
  partition.reader.reset();
  partition.current_file.reset();
  if (partition.pending_files.empty()) return false;
  auto file = std::make_shared<CsvInputFile>();
  file->path = std::move(partition.pending_files.front());
  partition.pending_files.pop_front();
  std::shared_ptr<const ReadableFile> contents = in_memory_contents_ != nullptr
                                                     ? in_memory_contents_
                                                     : std::make_shared<const ReadableFile>(file->path);
  partition.reader = std::make_shared<ChunkedFileReader>(std::move(contents), *chunk_pool_, read_block_bytes_);
  ChunkedFileReader& reader = *partition.reader;
  // Enough bytes to see a byte-order mark.
  while (!reader.at_end() && reader.text().size() < kByteOrderMark.size()) reader.read_more(0);
  const std::string_view text = reader.text();
  const size_t start = text.substr(0, kByteOrderMark.size()) == kByteOrderMark ? 3 : 0;
  partition.scanner = std::make_unique<CsvRowScanner>(text, start, file->path, reader.at_end());
  partition.current_file = file;
  const CutInChunk header_record = cut_records(partition, 1);
  if (header_record.cut.rows == 0) {
    throw InputError(file->path + ":1: empty file; expected a header row naming the columns");
  }
  file->header = read_csv_header(
      std::string_view(header_record.chunk->data() + header_record.cut.begin,
                       header_record.cut.end - header_record.cut.begin),
      *schema_, file->path);
  partition.scanner->set_field_names(file->header.names);
  return true;
}

CsvSource::CutInChunk CsvSource::cut_records(Partition& partition, size_t max_rows) {
  ChunkedFileReader& reader = *partition.reader;
  CsvRowScanner& scanner = *partition.scanner;
  CsvRowScanner::Cut cut = scanner.cut(max_rows);
  while (cut.rows < max_rows && scanner.needs_text()) {
    // A full chunk ends the morsel: only the record it cuts short moves on.
    if (cut.rows > 0 && !reader.has_room()) break;
    // Keep the records cut so far: they move with the rest when a fresh
    // chunk starts. Without any, the record being waited for is all that is
    // kept: read at least as much again (geometric growth, so a long record
    // or an unterminated quote is rescanned O(1) times per byte).
    const size_t kept = reader.text().size() - cut.begin;
    const size_t moved = reader.read_more(cut.begin, cut.rows == 0 ? kept : 0);
    cut.begin -= moved;
    cut.end -= moved;
    scanner.continue_in(reader.text(), cut.end, reader.at_end());
    const CsvRowScanner::Cut more = scanner.cut(max_rows - cut.rows);
    cut.rows += more.rows;
    cut.end = more.end;
  }
  CutInChunk result{cut, reader.chunk()};
  // Text used up before the end of the file: read on, so that done() is
  // exact (what is left then holds 2 bytes or more: a record).
  if (!reader.at_end() && cut.end == reader.text().size()) {
    const size_t moved = reader.read_more(cut.end);
    scanner.continue_in(reader.text(), cut.end - moved, reader.at_end());
  }
  return result;
}

std::unique_ptr<SourceMorsel> CsvSource::next_morsel(size_t max_rows) {
  WEIR_CHECK(max_rows > 0);
  for (size_t tried = 0; tried < partitions_.size(); ++tried) {
    const size_t index = turn_;
    turn_ = (turn_ + 1) % partitions_.size();
    Partition& partition = partitions_[index];
    CutInChunk cut_in_chunk;
    while (cut_in_chunk.cut.rows == 0) {
      while (partition.scanner == nullptr || partition.scanner->done()) {
        if (!open_next_file(partition)) break;
      }
      if (partition.scanner == nullptr) break;
      // No record only when the file shrank while it was read.
      cut_in_chunk = cut_records(partition, max_rows);
    }
    if (cut_in_chunk.cut.rows == 0) continue;
    const CsvRowScanner::Cut& cut = cut_in_chunk.cut;
    auto morsel = std::make_unique<CsvMorsel>();
    morsel->first_row_ordinal = next_row_ordinal_;
    morsel->num_rows = cut.rows;
    morsel->partition = static_cast<uint32_t>(index);
    morsel->file = partition.current_file;
    morsel->text = std::move(cut_in_chunk.chunk);
    morsel->begin = cut.begin;
    morsel->end = cut.end;
    morsel->first_line = cut.first_line;
    next_row_ordinal_ += cut.rows;
    std::shared_ptr<ChunkedFileReader> ahead;
    if (partition.scanner->done()) {
      // Drop our references now so the file is closed and its last chunk
      // recycled once its morsels are done.
      partition.scanner.reset();
      partition.reader.reset();
      partition.current_file.reset();
    } else if (partitions_.size() > kPartitionsWithOpenFiles) {
      // Many files read side by side: keep descriptors closed between cuts
      // (and so no reading ahead).
      partition.reader->stop_reading_ahead();
      partition.reader->release_descriptor();
    } else {
      ahead = partition.reader;
    }
    {
      std::lock_guard lock(read_ahead_mutex_);
      read_ahead_reader_ = std::move(ahead);
    }
    return morsel;
  }
  return nullptr;
}

void CsvSource::load(SourceMorsel& morsel, Batch& batch) const {
  const auto* csv_morsel = dynamic_cast<const CsvMorsel*>(&morsel);
  WEIR_CHECK(csv_morsel != nullptr && csv_morsel->file != nullptr && csv_morsel->text != nullptr);
  WEIR_CHECK(batch.num_columns() == schema_->size());
  batch.clear();
  load_csv_morsel(*csv_morsel, not_null_, read_, batch);
  batch.first_row_ordinal = csv_morsel->first_row_ordinal;
  batch.first_line = csv_morsel->first_line;
  batch.set_num_rows(csv_morsel->num_rows);
}

void CsvSource::read_ahead() const noexcept {
  std::shared_ptr<ChunkedFileReader> reader;
  {
    std::lock_guard lock(read_ahead_mutex_);
    reader = read_ahead_reader_;
  }
  if (reader != nullptr) reader->read_ahead(kReadAheadBlocks);
}

void CsvSource::skip_unread_columns(const std::vector<bool>& read) {
  WEIR_CHECK(read.size() == schema_->size());
  read_.assign(read.begin(), read.end());
  // A not-null column is always checked, read or not.
  for (size_t c = 0; c < read_.size(); ++c) read_[c] = read_[c] != 0 || not_null_[c] != 0 ? 1 : 0;
}

std::string CsvSource::describe() const { return "csv " + path_; }

}  // namespace weir
