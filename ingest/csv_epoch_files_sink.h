#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/csv_sink.h"
#include "runtime/sink.h"

namespace weir {

// The sink of the update and complete output modes: one CSV file per epoch
// (per trigger that ran) in a directory, named by epoch number,
// epoch-000000000042.csv, each in CsvSink's format (header included, even
// with no rows) and written atomically: a file appears under its final name
// only when its epoch committed, so a reader never sees a partial file.
//
// open() creates the directory and removes epoch-*.csv files an earlier run
// left there (they would mix with this run's). abort() removes the file of
// the epoch in progress and every file this run committed, as CsvSink does
// with its one file: a failed run leaves no output behind.
//
// Contract: as Sink (runtime/sink.h): every method on the driver thread.
class CsvEpochFilesSink final : public Sink {
 public:
  explicit CsvEpochFilesSink(std::string directory);
  ~CsvEpochFilesSink() override;
  CsvEpochFilesSink(const CsvEpochFilesSink&) = delete;
  CsvEpochFilesSink& operator=(const CsvEpochFilesSink&) = delete;

  void open(std::shared_ptr<const Schema> schema) override;
  void write(const Batch& batch) override;
  // The epoch's CsvSink encodes (the file is fixed for the whole epoch).
  std::unique_ptr<EncodedRows> encode(const Batch& batch) override;
  void write_encoded(std::unique_ptr<EncodedRows> rows) override;
  void commit_epoch(uint64_t epoch) override;
  void finish() override;
  void abort() noexcept override;
  std::string describe() const override;

  // The file of epoch `epoch` in `directory`.
  static std::string epoch_file(const std::string& directory, uint64_t epoch);

 private:
  void start_epoch_file();

  std::string directory_;
  std::shared_ptr<const Schema> schema_;
  std::unique_ptr<CsvSink> current_;  // the epoch in progress
  uint64_t next_epoch_ = 0;
  std::vector<std::string> committed_;
  bool open_ = false;
};

}  // namespace weir
