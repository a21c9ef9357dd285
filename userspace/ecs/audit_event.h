// The normalized meaning of one audit event, between the records and the ECS document: the
// same model as go-libaudit's aucoalesce.Event (summary actor/action/object/how, user ids,
// process, file, addresses, data, paths, ECS categorization), so the rules that build it can
// be checked against aucoalesce's goldens. Reused from event to event (strings keep capacity).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/field_map.h"

namespace ecs {

struct Address {
  bool present = false;
  std::string ip, port, path;
  void clear() { present = false; ip.clear(); port.clear(); path.clear(); }
};

enum class Direction : uint8_t { kNone, kIngress, kEgress };

struct Entity {  // an ECS user/group reference: an id, a name, or both after resolution
  std::string id, name;
  bool empty() const { return id.empty() && name.empty(); }
  void clear() { id.clear(); name.clear(); }
};

struct ProcessInfo {
  // Views of the event's data values (the record text or a data entry's own buffer), valid
  // until the next event.
  std::string_view pid, ppid, title, name, exe, cwd;
  std::vector<std::string> args;
  size_t nargs = 0;         // live entries of args (the vector keeps old strings for reuse)
  int64_t args_count = -1;  // argc from EXECVE; -1 when there was no EXECVE
  void clear() {
    pid = ppid = title = name = exe = cwd = {};
    nargs = 0;
    args_count = -1;
  }
};

struct FileInfo {
  bool present = false;
  std::string path, device, inode, mode, uid, gid, owner, group;
  FieldMap selinux;
  void clear() {
    present = false;
    path.clear(); device.clear(); inode.clear(); mode.clear(); uid.clear(); gid.clear();
    owner.clear(); group.clear();
    selinux.clear();
  }
};

struct AuditEvent {
  int64_t sec = 0;
  uint16_t msec = 0;
  uint32_t sequence = 0;
  uint16_t type = 0;           // record type that names the event (first non-SYSCALL record)
  std::string type_name;       // "SYSCALL", "USER_LOGIN", "UNKNOWN[1999]"
  std::string result;          // success | fail | unknown
  std::string session;
  std::vector<std::string> tags;

  std::string actor_primary, actor_secondary, action, object_type, object_primary,
      object_secondary, how;

  FieldMap user_ids;      // auid, uid, euid, ..., gid, ... as in the record
  FieldMap user_names;    // same keys, resolved names
  FieldMap log_names;     // same keys, names auditd wrote in an ENRICHED log
  FieldMap user_selinux;  // subj_* parts without the prefix
  ProcessInfo process;
  FileInfo file;
  Address source, destination;
  Direction direction = Direction::kNone;
  FieldMap data;
  std::vector<FieldMap> paths;
  size_t npaths = 0;

  std::string_view ecs_kind;  // "" -> "event"
  std::vector<std::string_view> ecs_category, ecs_type;  // views into the static table
  std::string ecs_outcome;
  Entity ecs_user, ecs_effective, ecs_target, ecs_changes, ecs_group;

  std::vector<std::string> warnings;

  void clear() {
    tags.clear();
    result.clear(); session.clear(); type_name.clear();
    actor_primary.clear(); actor_secondary.clear(); action.clear(); object_type.clear();
    object_primary.clear(); object_secondary.clear(); how.clear();
    user_ids.clear(); user_names.clear(); log_names.clear(); user_selinux.clear();
    process.clear(); file.clear(); source.clear(); destination.clear();
    direction = Direction::kNone;
    data.clear();
    npaths = 0;
    ecs_kind = {};
    ecs_category.clear(); ecs_type.clear(); ecs_outcome.clear();
    ecs_user.clear(); ecs_effective.clear(); ecs_target.clear(); ecs_changes.clear(); ecs_group.clear();
    warnings.clear();
  }
  FieldMap& add_path() {
    if (npaths == paths.size()) paths.emplace_back();
    FieldMap& p = paths[npaths++];
    p.clear();
    return p;
  }
};

}  // namespace ecs
