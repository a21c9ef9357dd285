// Reads raw auditd logs (a file or a pipe) and feeds their records to the pipeline.
// Bad lines never stop a replay: each is counted by cause, the first few are reported as
// FILE:LINE: reason on the error stream.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pipeline/node_table.h"
#include "pipeline/sharded_reassembly.h"
#include "reassembly/serial_gaps.h"
#include "record/header.h"

namespace pipeline {

struct LogReadStats {
  uint64_t bytes = 0;
  uint64_t lines = 0;
  uint64_t records = 0;
  uint64_t blank_lines = 0;
  // Indexed by record::HeaderError; kNone and kEmpty stay 0.
  std::array<uint64_t, 8> bad_lines{};
  uint64_t serial_gaps = 0;  // serials never seen; in logs this is not loss

  uint64_t bad_total() const {
    uint64_t n = 0;
    for (auto v : bad_lines) n += v;
    return n;
  }
};

struct LogReaderOptions {
  size_t block_size = 1 << 20;
  unsigned max_reported_errors = 20;
  FILE* errors = stderr;      // FILE:LINE messages; nullptr to keep quiet
  bool progress = false;      // one \r-updated line on the error stream
  int progress_interval_ms = 500;
};

class LogReader {
 public:
  LogReader(ShardedReassembly& pipeline, LogReaderOptions options = {})
      : pipeline_(pipeline), options_(options) {}
  // A mapped file stays mapped until here: the pipeline's events point into it, so
  // finish the pipeline first.
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Reads fd to its end. name is used in messages (the path, or "-" for stdin).
  core::Result<void> read_fd(int fd, std::string_view name, uint64_t size_hint = 0);
  // Feeds one line (without its newline). Exposed for tests and stream sources.
  void feed_line(std::string_view line);
  // Settles the serial-gap count; call after the last line.
  void finish();

  const LogReadStats& stats() const { return stats_; }
  const NodeTable& nodes() const { return nodes_; }

 private:
  void report(record::HeaderError e, std::string_view line);
  core::Result<void> read_mapped(int fd, uint64_t size);

  ShardedReassembly& pipeline_;
  LogReaderOptions options_;
  LogReadStats stats_;
  NodeTable nodes_;
  reassembly::SerialGapTracker gaps_;
  std::string name_ = "-";
  uint64_t index_ = 0;
  std::vector<int64_t> node_clock_;
  void* mapped_ = nullptr;
  uint64_t mapped_size_ = 0;
  bool stable_ = false;
  unsigned reported_ = 0;
};

}  // namespace pipeline
