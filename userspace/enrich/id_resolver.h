// uid/gid <-> name resolution for resolve_ids, read from passwd/group files rather than NSS:
//  - in a container the host's database is a mounted file (USERS.md #8), not the
//    container's /etc/passwd that getpwuid would read;
//  - replay of another host's logs points it at that host's copies (--passwd/--group).
// Tables are cached and reloaded when a file's mtime, size or inode changes, checked at most
// once per recheck interval, so a user added after start is named correctly. One resolver per
// worker thread: no locking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "enrich/id_table.h"

namespace enrich {

struct IdResolverOptions {
  std::string passwd_file = "/etc/passwd";
  std::string group_file = "/etc/group";
  int64_t recheck_interval_ms = 1000;  // 0: stat the files before every event
};

class IdResolver {
 public:
  explicit IdResolver(IdResolverOptions options);

  // Call once per event: reloads a table whose file changed (throttled by the interval).
  void refresh();

  std::string_view user_name(std::string_view uid) const { return users_.name_of(uid); }
  std::string_view group_name(std::string_view gid) const { return groups_.name_of(gid); }
  std::string_view user_id(std::string_view name) const { return users_.id_of(name); }
  std::string_view group_id(std::string_view name) const { return groups_.id_of(name); }

  uint64_t reloads() const { return reloads_; }
  uint64_t read_errors() const { return read_errors_; }  // file missing or unreadable

 private:
  struct FileStamp {
    int64_t mtime_ns = -1;
    off_t size = -1;
    ino_t inode = 0;
    bool operator==(const FileStamp&) const = default;
  };
  void load(const std::string& path, FileStamp& stamp, IdTable& table, bool force);

  IdResolverOptions options_;
  IdTable users_;
  IdTable groups_;
  FileStamp passwd_stamp_;
  FileStamp group_stamp_;
  int64_t next_check_ms_ = 0;
  uint64_t reloads_ = 0;
  uint64_t read_errors_ = 0;
};

}  // namespace enrich
