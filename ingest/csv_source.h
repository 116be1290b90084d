#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/chunked_file_reader.h"
#include "ingest/csv_header.h"
#include "ingest/csv_row_scanner.h"
#include "ingest/readable_file.h"
#include "ingest/text_chunk_pool.h"
#include "runtime/source.h"

namespace weir {

struct CsvSourceOptions {
  std::string path;  // a .csv file, or a directory of them
  Schema schema;     // the declared columns, matched by name to each file's header
  // Declared columns that must never be NULL (the event-time column).
  std::vector<std::string> not_null_columns;
  // Directories: each file is a partition of its own (its own watermark and
  // lateness order), and the files are read side by side, round robin.
  bool partition_by_file = false;
  // Bytes per read of a file (0: kDefaultReadBlockBytes). Tests make it
  // tiny so records straddle reads and chunks.
  size_t read_block_bytes = 0;
};

// One input file being read: its name and how its header maps to the
// schema. Shared (read-only) by the morsels cut from it.
struct CsvInputFile {
  std::string path;
  CsvHeader header;
};

// A run of whole records of one file (a morsel never spans two files), in
// a chunk of the file's text.
struct CsvMorsel final : SourceMorsel {
  std::shared_ptr<const CsvInputFile> file;
  std::shared_ptr<const TextChunk> text;
  size_t begin = 0;  // byte range of the records in text
  size_t end = 0;
  uint64_t first_line = 0;  // physical line of the first record (header = 1)
};

// Reads CSV files: one file, or every "*.csv" file of a directory.
//
// Input:
//  * Every file starts with a header row naming its columns (see CsvHeader:
//    matched by name, extra columns ignored, any order). A UTF-8 byte-order
//    mark before it is skipped.
//  * Structure as in csv_row_scanner.h (RFC 4180; LF or CRLF line endings; a
//    final line without newline is a row; an empty text after the last
//    newline is not). Every record must have as many fields as the header.
//  * Columns the pipeline does not read (skip_unread_columns) are filled
//    with NULLs: their fields are neither parsed nor checked (not-null
//    columns excepted: they are always read).
//  * Values: an empty unquoted field is NULL for every type. A quoted empty
//    field ("") is the empty string in a string column and NULL in the
//    others. Strings are taken as-is (no trimming). Other types: see
//    csv_field_parser.h.
//
// Reading: a file is read front to back in blocks (pread) into a few
// recycled chunks of memory (ChunkedFileReader); morsels share the chunk
// their records are in, and a chunk is reused once its morsels are loaded.
//
// Directories: the files whose names end in ".csv" (any case) and do not
// start with '.', in name order. The constructor lists the directory once;
// each discover() appends the files that appeared since, in name order, and
// each file is read exactly once. A file is read as it is when the source
// gets to it, so it must be complete when it appears: writers should write
// it elsewhere (or under a name starting with '.' or not ending in ".csv")
// and then rename it into place. A directory source is unbounded until
// seal(); a single file is bounded.
//
// Partitions: one (every file in name order, one after the other), or with
// partition_by_file one per file, numbered in the order the files were
// discovered; morsels are cut from the unfinished partitions in turn. A file
// partition is finished once read whole, even while the directory is
// watched: files are complete when they appear.
//
// Contract: as Source (runtime/source.h). The constructor, discover(),
// seal(), exhausted() run on the driver thread between epochs; next_morsel()
// in the serial stage (it opens the next file and reads its header when it
// gets to it, reads the file, and throws InputError for read, header and
// structural errors);
// load() on any worker, concurrently for different morsels (it only reads
// the morsel and immutable state).
class CsvSource final : public Source {
 public:
  // Throws ConfigError when the path does not exist or is neither a file nor
  // a directory, or a not-null column is not declared.
  explicit CsvSource(CsvSourceOptions options, MemoryTracker* tracker = nullptr);

  // A single-"file" source over an in-memory copy of `contents` (tests and
  // fuzzers); options.path only names it in messages.
  static std::unique_ptr<CsvSource> from_bytes(CsvSourceOptions options, std::string_view contents,
                                               MemoryTracker* tracker = nullptr);

  std::shared_ptr<const Schema> schema() const override { return schema_; }
  void discover() override;
  void seal() override;
  bool bounded() const override { return !is_directory_ || sealed_; }
  bool exhausted() const override;
  size_t partition_count() const override { return partitions_.size(); }
  bool partition_finished(size_t partition) const override;
  bool partition_has_input(size_t partition) const override;
  std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) override;
  static constexpr size_t kDefaultReadBlockBytes = size_t{256} << 10;
  // With more partitions (partition_by_file), a file's descriptor is
  // closed after each cut and reopened for the next.
  static constexpr size_t kPartitionsWithOpenFiles = 16;
  void load(SourceMorsel& morsel, Batch& batch) const override;
  // Reads up to kReadAheadBlocks blocks ahead in the file the last morsel
  // was cut from (ChunkedFileReader::read_ahead); none while descriptors are
  // closed between cuts (many partitions).
  void read_ahead() const noexcept override;
  static constexpr size_t kReadAheadBlocks = 4;
  // Unread columns are loaded as NULLs without parsing their fields.
  void skip_unread_columns(const std::vector<bool>& read) override;
  std::string describe() const override;

 private:
  CsvSource(CsvSourceOptions options, MemoryTracker* tracker,
            std::shared_ptr<const ReadableFile> in_memory_contents);

  // Files read one after another as one ordered sequence of rows.
  struct Partition {
    std::deque<std::string> pending_files;  // discovered, not opened yet
    std::shared_ptr<const CsvInputFile> current_file;
    std::shared_ptr<ChunkedFileReader> reader;  // of current_file (shared with read_ahead())
    std::unique_ptr<CsvRowScanner> scanner;     // over reader->text()
    bool has_rows_to_cut() const;
  };

  // Records cut and the chunk they are in.
  struct CutInChunk {
    CsvRowScanner::Cut cut;
    std::shared_ptr<const TextChunk> chunk;
  };

  // Queues a discovered file: in the one partition, or in a new one.
  void add_file(std::string path);
  // Opens the partition's next pending file and reads its header; false
  // when none is left.
  bool open_next_file(Partition& partition);
  // Cuts up to `max_rows` records of the partition's current file, reading
  // more of it as needed; fewer at its end or where a chunk is full (a
  // morsel never spans two chunks). Afterwards the scanner is done()
  // exactly when the file has no record left.
  CutInChunk cut_records(Partition& partition, size_t max_rows);

  std::string path_;
  std::shared_ptr<const Schema> schema_;
  std::vector<uint8_t> not_null_;  // per schema column
  std::vector<uint8_t> read_;      // per schema column, 0: not read (empty: all read)
  MemoryTracker* tracker_;  // counts the text chunks (batches count their own)
  bool is_directory_ = false;
  bool sealed_ = false;
  std::shared_ptr<const ReadableFile> in_memory_contents_;  // from_bytes() only
  size_t read_block_bytes_;
  std::unique_ptr<TextChunkPool> chunk_pool_;

  bool partition_by_file_ = false;
  std::vector<Partition> partitions_;
  size_t turn_ = 0;  // the partition the next morsel is cut from, if it has rows
  std::set<std::string> seen_file_names_;  // directories: every name ever queued
  uint64_t next_row_ordinal_ = 0;
  // The reader read_ahead() reads ahead in: set by next_morsel().
  mutable std::mutex read_ahead_mutex_;
  std::shared_ptr<ChunkedFileReader> read_ahead_reader_;
};

}  // namespace weir
