#include "daemon/file_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace daemon_cli {

FileWatch::FileWatch() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}

FileWatch::~FileWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWatch::watch(const std::vector<std::string>& files) {
  if (fd_ < 0) return;
  for (int wd : wds_) ::inotify_rm_watch(fd_, wd);
  wds_.clear();
  dirs_.clear();
  names_.clear();
  for (const auto& f : files) {
    const size_t slash = f.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : f.substr(0, slash));
    names_.push_back(slash == std::string::npos ? f : f.substr(slash + 1));
    if (std::find(dirs_.begin(), dirs_.end(), dir) != dirs_.end()) continue;
    const int wd = ::inotify_add_watch(fd_, dir.c_str(),
                                       IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM);
    if (wd >= 0) {
      wds_.push_back(wd);
      dirs_.push_back(dir);
    }
  }
}

bool FileWatch::changed() {
  if (fd_ < 0) return false;
  bool hit = false;
  alignas(inotify_event) char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) break;  // EAGAIN: nothing more
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      if (ev->len > 0) {
        const std::string name(ev->name);
        if (std::find(names_.begin(), names_.end(), name) != names_.end()) hit = true;
      }
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
  return hit;
}

}  // namespace daemon_cli
