#include "enrich/id_resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

namespace enrich {
namespace {

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool read_file(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace

IdResolver::IdResolver(IdResolverOptions options) : options_(std::move(options)) {
  load(options_.passwd_file, passwd_stamp_, users_, true);
  load(options_.group_file, group_stamp_, groups_, true);
  next_check_ms_ = steady_ms() + options_.recheck_interval_ms;
}

void IdResolver::refresh() {
  if (options_.recheck_interval_ms > 0) {
    const int64_t now = steady_ms();
    if (now < next_check_ms_) return;
    next_check_ms_ = now + options_.recheck_interval_ms;
  }
  load(options_.passwd_file, passwd_stamp_, users_, false);
  load(options_.group_file, group_stamp_, groups_, false);
}

void IdResolver::load(const std::string& path, FileStamp& stamp, IdTable& table, bool force) {
  struct stat st {};
  FileStamp now;
  if (::stat(path.c_str(), &st) == 0) {
    now.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    now.size = st.st_size;
    now.inode = st.st_ino;
  }
  if (!force && now == stamp) return;
  stamp = now;
  table.clear();
  std::string text;
  if (now.mtime_ns >= 0 && read_file(path, text)) {
    table.parse(text);
  } else {
    ++read_errors_;
  }
  table.ensure_root();
  if (!force) ++reloads_;
}

}  // namespace enrich
