#include "ingest/csv_epoch_files_sink.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "runtime/errors.h"

namespace weir {

namespace fs = std::filesystem;

CsvEpochFilesSink::CsvEpochFilesSink(std::string directory) : directory_(std::move(directory)) {}

CsvEpochFilesSink::~CsvEpochFilesSink() {
  if (open_) abort();
}

std::string CsvEpochFilesSink::epoch_file(const std::string& directory, uint64_t epoch) {
  char name[64];
  std::snprintf(name, sizeof name, "epoch-%012llu.csv", static_cast<unsigned long long>(epoch));
  return (fs::path(directory) / name).string();
}

void CsvEpochFilesSink::open(std::shared_ptr<const Schema> schema) {
  WEIR_CHECK(!open_ && schema != nullptr);
  schema_ = std::move(schema);
  std::error_code error;
  fs::create_directories(directory_, error);
  if (error || !fs::is_directory(directory_)) {
    throw ConfigError("csv sink: cannot create directory \"" + directory_ + "\" (the update and complete " +
                      "output modes write one file per trigger there)" + (error ? ": " + error.message() : ""));
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(directory_, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("epoch-", 0) == 0 && entry.path().extension() == ".csv") fs::remove(entry.path(), error);
  }
  open_ = true;
  start_epoch_file();
}

void CsvEpochFilesSink::start_epoch_file() {
  current_ = std::make_unique<CsvSink>(CsvSinkOptions{epoch_file(directory_, next_epoch_)});
  current_->open(schema_);
}

void CsvEpochFilesSink::write(const Batch& batch) {
  WEIR_CHECK(open_);
  current_->write(batch);
}

std::unique_ptr<EncodedRows> CsvEpochFilesSink::encode(const Batch& batch) {
  WEIR_CHECK(open_);
  return current_->encode(batch);
}

void CsvEpochFilesSink::write_encoded(std::unique_ptr<EncodedRows> rows) {
  WEIR_CHECK(open_);
  current_->write_encoded(std::move(rows));
}

void CsvEpochFilesSink::commit_epoch(uint64_t /*epoch*/) {
  WEIR_CHECK(open_);
  current_->finish();  // renames the epoch's file into place
  committed_.push_back(epoch_file(directory_, next_epoch_));
  ++next_epoch_;
  start_epoch_file();
}

void CsvEpochFilesSink::finish() {
  WEIR_CHECK(open_);
  current_->abort();  // the epoch that never started: no file
  current_.reset();
  open_ = false;
}

void CsvEpochFilesSink::abort() noexcept {
  if (!open_) return;
  if (current_) current_->abort();
  current_.reset();
  for (const std::string& path : committed_) std::remove(path.c_str());
  committed_.clear();
  open_ = false;
}

std::string CsvEpochFilesSink::describe() const { return "csv files in " + directory_; }

}  // namespace weir
