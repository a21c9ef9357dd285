// Notices changes to the config and rule files (inotify on their directories, since
// editors and config managers replace files by rename). Non-blocking: the run loop calls
// changed() once per turn.
#pragma once

#include <string>
#include <vector>

namespace daemon_cli {

class FileWatch {
 public:
  FileWatch();
  ~FileWatch();
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;

  // Replaces the watched set. Files that do not exist yet are watched through their
  // directory too.
  void watch(const std::vector<std::string>& files);
  // True if any watched file was written, created, moved or deleted since the last call.
  bool changed();
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::vector<int> wds_;
  std::vector<std::string> names_;  // basenames of interest, per watched directory
  std::vector<std::string> dirs_;
};

}  // namespace daemon_cli
