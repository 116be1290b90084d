// Embedding Weir in a C++ program: the builder API is the primary interface;
// the JSON pipeline file maps onto it one to one. Built by CMake as
// `weir_embedding_example`, so this example always compiles.
//
//   weir_embedding_example data/bids.csv out/bid_volume.csv
#include <cstdio>
#include <exception>
#include <memory>

#include "ingest/csv_sink.h"
#include "ingest/csv_source.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s INPUT.csv OUTPUT.csv\n", argv[0]);
    return 2;
  }
  try {
    weir::CsvSourceOptions source;
    source.path = argv[1];
    source.schema = weir::Schema({{"ts", weir::DataType::Timestamp},
                                  {"auction", weir::DataType::Int64},
                                  {"price", weir::DataType::Int64},
                                  {"channel", weir::DataType::String},
                                  {"fee", weir::DataType::Float64}});
    source.not_null_columns = {"ts"};  // a NULL event time is bad input

    std::unique_ptr<weir::Pipeline> pipeline =
        weir::PipelineBuilder()
            .source(std::make_unique<weir::CsvSource>(source))
            .event_time("ts", /*watermark_delay_millis=*/5'000)
            .where("price >= 1000 AND channel <> 'app'")
            .tumbling_window(/*size_millis=*/10'000)
            .group_by({"auction"})
            .aggregate("count(*) AS bids")
            .aggregate("sum(price) AS volume")
            .aggregate("max(price) AS top")
            .aggregate("avg(fee) AS avg_fee")
            .sink(std::make_unique<weir::CsvSink>(weir::CsvSinkOptions{argv[2]}))
            .build();

    weir::RunOptions options;
    options.trigger = weir::parse_trigger("processing-time:100ms");
    options.max_rows_per_trigger = 100'000;
    const weir::RunSummary summary = pipeline->run(options);
    std::printf("read %llu rows (%llu late), wrote %llu rows in %llu micro-batches\n",
                static_cast<unsigned long long>(summary.rows_read),
                static_cast<unsigned long long>(summary.rows_late),
                static_cast<unsigned long long>(summary.rows_out),
                static_cast<unsigned long long>(summary.micro_batches));
    return 0;
  } catch (const weir::UserError& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return error.exit_code();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "internal error: %s\n", error.what());
    return 3;
  }
}
