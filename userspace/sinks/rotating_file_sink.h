// NDJSON to a file, rotated by size: when the next write would pass max_bytes, PATH is
// renamed PATH.1 (PATH.1 -> PATH.2 ..., the oldest beyond `keep` removed) and a new PATH is
// opened. Rotation happens between documents only: a line is never split across files.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "sinks/fd_sink.h"

namespace sinks {

class RotatingFileSink final : public Sink {
 public:
  static core::Result<std::unique_ptr<RotatingFileSink>> open(std::string path, uint64_t max_bytes, uint32_t keep);
  ~RotatingFileSink() override;
  void write(std::string_view bytes) override;
  // Batches that need no rotation go to the file sink whole (writev, no copy).
  void write_parts(const std::string_view* parts, size_t n) override;
  void write_parts_now(const std::string_view* parts, size_t n) override;
  void flush() override;
  uint64_t errors() const override { return errors_ + (out_ ? out_->errors() : 0); }
  uint64_t bytes_written() const override { return total_; }
  uint64_t rotations() const { return rotations_; }
  bool may_stall() const override { return !out_ || out_->may_stall(); }

 private:
  RotatingFileSink(std::string path, uint64_t max_bytes, uint32_t keep)
      : path_(std::move(path)), max_(max_bytes), keep_(keep) {}
  core::Result<void> open_file();
  void rotate();
  // write_parts (now: write_parts_now): whole to the file sink unless the batch needs a
  // rotation.
  void write_batch(const std::string_view* parts, size_t n, bool now);

  std::string path_;
  uint64_t max_;
  uint32_t keep_;
  int fd_ = -1;
  std::unique_ptr<FdSink> out_;
  uint64_t current_ = 0;
  uint64_t total_ = 0;
  uint64_t errors_ = 0;
  uint64_t rotations_ = 0;
};

}  // namespace sinks
