#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/batch.h"
#include "runtime/errors.h"
#include "runtime/schema.h"

namespace weir {

// Rows a sink prepared on a worker thread for a later write (a CSV sink:
// their text). Opaque to the caller, who only moves it to
// Sink::write_encoded().
class EncodedRows {
 public:
  virtual ~EncodedRows() = default;
};

// Where results go; the third of Weir's three interfaces (source, operator,
// sink).
//
// Contract: every method is called by the driver thread, in this order:
//   open(schema) once; then per epoch any number of write() calls followed by
//   commit_epoch(); then exactly one of finish() (the run ended, normally or
//   by an interrupt between epochs) or abort() (the run failed).
//   Exception: in a pipeline with a select list (no aggregation), write() is
//   called during the epoch by the executor's serial emit stage, on a
//   worker thread, never concurrently with any other call on the sink and
//   ordered before the next (happens-before); a sink must not depend on the
//   calling thread's identity (write_encoded() likewise; encode() alone is
//   called concurrently, see below). On a stop, that epoch's rows written
//   so far are kept (a prefix of the result in source order).
// Output must never be visible half-written: a file sink writes to a
// temporary name and renames on finish(); abort() removes what it wrote.
// A sink of an aggregation never sees rows of an epoch that was abandoned.
class Sink {
 public:
  virtual ~Sink() = default;

  virtual void open(std::shared_ptr<const Schema> schema) = 0;

  // Writes the batch's selected rows (batch.selection()), in selection order.
  virtual void write(const Batch& batch) = 0;

  // As write(), for a batch its producer no longer needs: a sink that keeps
  // rows in memory may take the batch's buffers instead of copying them.
  // The batch is left empty or unspecified; the producer does not reuse it.
  virtual void write_owned(Batch&& batch) { write(batch); }

  // Optional parallel half of write(), for sinks with work per row (text
  // formatting): encode() prepares the batch's selected rows, and the caller
  // later hands the result to write_encoded() exactly where it would have
  // called write(batch), with the same effect. encode() returns nullptr when
  // the sink has no such work (the default; the caller then calls write()).
  // encode() is called on worker threads, concurrently with other encode()
  // calls and with write() / write_encoded() on the writing thread, only
  // between open() and finish() / abort(); it reads only what open() set.
  // An encoded result may be dropped unwritten (the run stopped or failed).
  // Used by the executor's projection path (a select list: encoded in the
  // process stage) and by an aggregation's emission of large results
  // (chunks built and encoded on the workers).
  virtual std::unique_ptr<EncodedRows> encode(const Batch& /*batch*/) { return nullptr; }
  virtual void write_encoded(std::unique_ptr<EncodedRows> /*rows*/) {
    throw InternalError("write_encoded() on a sink that encodes nothing");
  }

  // Every row of epoch `epoch` was written.
  virtual void commit_epoch(uint64_t epoch) = 0;

  virtual void finish() = 0;
  virtual void abort() noexcept = 0;

  virtual std::string describe() const = 0;
};

}  // namespace weir
