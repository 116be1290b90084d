#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "runtime/sink.h"
#include "runtime/source.h"

namespace weir {

// The link between two stages of a chained pipeline (PipelineBuilder::then):
// the upstream stage writes its output rows into the channel's sink end,
// and the downstream stage reads them, in the order written, from its
// source end. Every row written before a downstream epoch starts is cut in
// that epoch.
//
// The source end has one partition. It is bounded when the upstream stage's
// source is, and exhausted when that source is and every row written was
// cut: the upstream stage writes everything, its final windows included, in
// the epoch in which its source runs out, before the downstream stage runs.
//
// Contract: both ends are called as Sink and Source require, by one driver
// (Pipeline::run), which runs the upstream stage's epoch before the
// downstream's; write() may also come from the upstream executor's serial
// emit stage (a projection), never concurrently with the source end.
class StageChannel {
 public:
  // `upstream_source`: the upstream stage's source (outlives the channel).
  explicit StageChannel(const Source* upstream_source) : upstream_source_(upstream_source) {}

  // The sink end, for the upstream stage (the channel must outlive it).
  std::unique_ptr<Sink> make_sink();
  // The source end, for the downstream stage, with the upstream stage's
  // output schema (the channel must outlive it).
  std::unique_ptr<Source> make_source(std::shared_ptr<const Schema> schema);

 private:
  class ChannelSink;
  class ChannelSource;
  const Source* upstream_source_;
  std::deque<std::shared_ptr<const Batch>> written_;  // not yet cut whole
  size_t next_row_ = 0;                               // in written_.front()
  uint64_t next_ordinal_ = 0;
};

}  // namespace weir
