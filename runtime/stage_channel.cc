#include "runtime/stage_channel.h"

#include <algorithm>

#include "runtime/errors.h"

namespace weir {
namespace {

struct ChannelMorsel final : SourceMorsel {
  std::shared_ptr<const Batch> rows;
  size_t first_row = 0;
};

}  // namespace

class StageChannel::ChannelSink final : public Sink {
 public:
  explicit ChannelSink(StageChannel& channel) : channel_(channel) {}

  void open(std::shared_ptr<const Schema> schema) override { schema_ = std::move(schema); }

  void write(const Batch& batch) override {
    const SelectionVector& selection = batch.selection();
    if (selection.size() == 0) return;
    auto copy = std::make_shared<Batch>(schema_);
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      const Column& from = batch.column(c);
      Column& to = copy->column(c);
      if (selection.size() == batch.num_rows()) {
        to.append_rows(from, 0, batch.num_rows());
      } else {
        for (size_t i = 0; i < selection.size(); ++i) to.append_rows(from, selection[i], 1);
      }
    }
    copy->set_num_rows(selection.size());
    channel_.written_.push_back(std::move(copy));
  }

  void write_owned(Batch&& batch) override {
    if (batch.selection().size() != batch.num_rows()) {
      write(batch);
      return;
    }
    if (batch.num_rows() == 0) return;
    channel_.written_.push_back(std::make_shared<Batch>(std::move(batch)));
  }

  void commit_epoch(uint64_t /*epoch*/) override {}
  void finish() override {}
  void abort() noexcept override { channel_.written_.clear(); }
  std::string describe() const override { return "the next stage"; }

 private:
  StageChannel& channel_;
  std::shared_ptr<const Schema> schema_;
};

class StageChannel::ChannelSource final : public Source {
 public:
  ChannelSource(StageChannel& channel, std::shared_ptr<const Schema> schema)
      : channel_(channel), schema_(std::move(schema)) {}

  std::shared_ptr<const Schema> schema() const override { return schema_; }
  void discover() override {}
  void seal() override {}
  bool bounded() const override { return channel_.upstream_source_->bounded(); }
  bool exhausted() const override { return channel_.upstream_source_->exhausted() && channel_.written_.empty(); }

  std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) override {
    if (max_rows == 0 || channel_.written_.empty()) return nullptr;
    const std::shared_ptr<const Batch>& front = channel_.written_.front();
    auto morsel = std::make_unique<ChannelMorsel>();
    morsel->rows = front;
    morsel->first_row = channel_.next_row_;
    morsel->num_rows = std::min(max_rows, front->num_rows() - channel_.next_row_);
    morsel->first_row_ordinal = channel_.next_ordinal_;
    channel_.next_ordinal_ += morsel->num_rows;
    channel_.next_row_ += morsel->num_rows;
    if (channel_.next_row_ == front->num_rows()) {
      channel_.written_.pop_front();
      channel_.next_row_ = 0;
    }
    return morsel;
  }

  void load(SourceMorsel& morsel, Batch& batch) const override {
    const auto& channel_morsel = static_cast<const ChannelMorsel&>(morsel);
    const Batch& rows = *channel_morsel.rows;
    for (size_t c = 0; c < rows.num_columns(); ++c) {
      batch.column(c).append_rows(rows.column(c), channel_morsel.first_row, morsel.num_rows);
    }
    batch.set_num_rows(morsel.num_rows);
    batch.first_row_ordinal = morsel.first_row_ordinal;
    batch.first_line = 0;
  }

  std::string describe() const override { return "the previous stage's output"; }

 private:
  StageChannel& channel_;
  std::shared_ptr<const Schema> schema_;
};

std::unique_ptr<Sink> StageChannel::make_sink() { return std::make_unique<ChannelSink>(*this); }

std::unique_ptr<Source> StageChannel::make_source(std::shared_ptr<const Schema> schema) {
  return std::make_unique<ChannelSource>(*this, std::move(schema));
}

}  // namespace weir
