#include "ecs/normalization_table.h"

#include <charconv>
#include <string>
#include <unordered_map>
#include <vector>

#include "ecs/coalesce.h"

namespace ecs {
namespace {

struct Index {
  std::unordered_map<std::string_view, const Normalization*> by_syscall;
  std::unordered_map<std::string_view, std::vector<const Normalization*>> by_type;
  const Normalization* catch_all = nullptr;
};

const Index& index() {
  // Built once from the constant table; read-only afterwards, so threads may share it.
  static const Index idx = [] {
    Index i;
    for (const Normalization& n : normalization_table()) {
      for (std::string_view s : n.syscalls) {
        if (s == "*") i.catch_all = &n;
        i.by_syscall.emplace(s, &n);
      }
      for (std::string_view t : n.record_types) i.by_type[t].push_back(&n);
    }
    return i;
  }();
  return idx;
}

const std::string_view* get_value(const AuditEvent& e, std::string_view key) {
  if (const std::string_view* v = e.data.find(key)) return v;
  return e.user_ids.find(key);  // aucoalesce falls back to the user ids
}

std::string key_list(Names keys) {  // Go's %v of a []string: [a b c]
  std::string s = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) s.push_back(' ');
    s.append(keys[i]);
  }
  s.push_back(']');
  return s;
}

// Sets dst from the first key present; warns like aucoalesce when none is.
void set_first(const AuditEvent& e, Names keys, std::string& dst, std::string_view what,
               std::vector<std::string>& warnings) {
  if (keys.empty()) return;
  for (std::string_view k : keys) {
    if (const std::string_view* v = get_value(e, k)) {
      dst.assign(*v);
      return;
    }
  }
  warnings.push_back("failed to set " + std::string(what) + " using keys=" + key_list(keys) +
                     " because they were not found");
}

void set_entity(Entity& ent, std::string_view value) {
  ent.clear();
  if (value.empty() || value == "unset" || value == "4294967295" || value == "-1") {
    ent.id = "unset";
    return;
  }
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec == std::errc() && p == value.data() + value.size()) {
    ent.id.assign(value);
  } else {
    ent.name.assign(value);
  }
}

void set_file_object(AuditEvent& e, int path_index) {
  if (e.npaths == 0) return;
  size_t idx = e.npaths > static_cast<size_t>(path_index) ? static_cast<size_t>(path_index) : 0;
  const FieldMap* path = &e.paths[idx];
  for (size_t i = idx; i < e.npaths; ++i) {
    // Skip PARENT and UNKNOWN items in case the index was wrong for this event.
    std::string_view nt = e.paths[i].get("nametype");
    if (nt != "PARENT" && nt != "UNKNOWN") {
      path = &e.paths[i];
      break;
    }
  }
  e.file.present = true;
  if (const std::string_view* v = path->find("name")) {
    e.object_primary.assign(*v);
    e.file.path.assign(*v);
  }
  if (const std::string_view* v = path->find("inode")) e.file.inode.assign(*v);
  if (const std::string_view* v = path->find("rdev")) e.file.device.assign(*v);
  if (const std::string_view* v = path->find("mode")) {
    uint64_t mode = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), mode, 8);
    if (ec != std::errc() || p != v->data() + v->size()) return;  // as aucoalesce: stop here
    // Permission and setuid/setgid/sticky bits, four octal digits ("0644", "6755").
    char buf[16];
    const unsigned perm = static_cast<unsigned>(mode & 07777);
    buf[0] = static_cast<char>('0' + ((perm >> 9) & 7));
    buf[1] = static_cast<char>('0' + ((perm >> 6) & 7));
    buf[2] = static_cast<char>('0' + ((perm >> 3) & 7));
    buf[3] = static_cast<char>('0' + (perm & 7));
    e.file.mode.assign(buf, 4);
    // aucoalesce reads the raw st_mode as a Go os.FileMode, whose type bits sit elsewhere,
    // so every object is a "file"; Auditbeat's summary.object.type shows that, and so do we.
    e.object_type = "file";
  }
  if (const std::string_view* v = path->find("ouid")) e.file.uid.assign(*v);
  if (const std::string_view* v = path->find("ogid")) e.file.gid.assign(*v);
  for (const FieldMap::Entry& f : *path) {
    if (f.key.starts_with("obj_")) e.file.selinux.set(std::string_view(f.key).substr(4), f.value);
  }
}

void set_how_defaults(AuditEvent& e) {
  const std::string_view* exe = e.data.find("exe");
  if (!exe) exe = e.data.find("comm");
  if (!exe) return;
  e.how.assign(*exe);
  std::string_view x = *exe;
  // An interpreter's exe says little; its comm names the script.
  if (x.starts_with("/usr/bin/python") || x.starts_with("/usr/bin/sh") || x.starts_with("/usr/bin/bash") ||
      x.starts_with("/usr/bin/perl")) {
    if (const std::string_view* comm = e.data.find("comm")) e.how.assign(*comm);
  }
}

}  // namespace

const Normalization* syscall_normalization(std::string_view syscall) {
  const Index& idx = index();
  auto it = idx.by_syscall.find(syscall);
  return it == idx.by_syscall.end() ? idx.catch_all : it->second;
}

std::span<const Normalization* const> record_type_normalizations(std::string_view type) {
  const Index& idx = index();
  auto it = idx.by_type.find(type);
  if (it == idx.by_type.end()) return {};
  return it->second;
}

void apply_normalization(AuditEvent& e, CoalesceCounters& counters) {
  set_how_defaults(e);

  const Normalization* syscall_norm = nullptr;
  if (const std::string_view* s = e.data.find("syscall")) syscall_norm = syscall_normalization(*s);

  const Normalization* norm = nullptr;
  if (e.type_name == "SYSCALL") {
    norm = syscall_norm;
  } else {
    auto norms = record_type_normalizations(e.type_name);
    if (norms.size() == 1) {
      norm = norms[0];
    } else {
      // Several entries for one type: the last whose has_fields are all present.
      for (const Normalization* n : norms) {
        bool all = true;
        for (std::string_view f : n->has_fields) all = all && e.data.contains(f);
        if (all) norm = n;
      }
    }
  }
  if (!norm) {
    ++counters.no_normalization;
    e.warnings.emplace_back("no normalization found for event");
    return;
  }

  e.ecs_kind = norm->kind;
  e.ecs_category.assign(norm->category.begin(), norm->category.end());
  e.ecs_type.assign(norm->type.begin(), norm->type.end());
  // A record-type event that also carries a syscall gets both categorizations.
  if (syscall_norm && syscall_norm != norm) {
    e.ecs_category.insert(e.ecs_category.end(), syscall_norm->category.begin(), syscall_norm->category.end());
    e.ecs_type.insert(e.ecs_type.end(), syscall_norm->type.begin(), syscall_norm->type.end());
    if (e.result == "fail") e.ecs_outcome = "failure";
  }

  e.action.assign(norm->action);
  e.object_type.assign(norm->object_what);
  if (norm->object_what == "file" || norm->object_what == "filesystem") {
    set_file_object(e, norm->path_index);
  } else if (norm->object_what == "socket") {
    if (const std::string_view* v = e.data.find("socket_addr")) {
      e.object_primary.assign(*v);
    } else if (const std::string_view* p = e.data.find("socket_path")) {
      e.object_primary.assign(*p);
    }
    if (const std::string_view* v = e.data.find("socket_port")) e.object_secondary.assign(*v);
  }

  set_first(e, norm->subject_primary, e.actor_primary, "subject primary", e.warnings);
  set_first(e, norm->subject_secondary, e.actor_secondary, "subject secondary", e.warnings);
  set_first(e, norm->object_primary, e.object_primary, "object primary", e.warnings);
  set_first(e, norm->object_secondary, e.object_secondary, "object secondary", e.warnings);
  set_first(e, norm->how, e.how, "how", e.warnings);

  if (!e.source.present && !norm->source_ip.empty()) {
    bool found = false;
    for (std::string_view k : norm->source_ip) {
      FieldMap::Entry* v = e.data.find_entry(k);
      if (!v) continue;
      e.source.clear();
      e.source.present = true;
      e.source.ip.assign(v->value);
      e.data.erase(k);
      e.direction = Direction::kIngress;
      found = true;
      break;
    }
    if (!found) {
      e.warnings.push_back("failed to set source IP using keys=" + key_list(norm->source_ip) +
                           " because they were not found");
    }
  }

  for (const Mapping& m : norm->mappings) {
    std::string_view value;
    switch (m.from) {
      case Mapping::kSubjectPrimary: value = e.actor_primary; break;
      case Mapping::kSubjectSecondary: value = e.actor_secondary; break;
      case Mapping::kObjectPrimary: value = e.object_primary; break;
      case Mapping::kObjectSecondary: value = e.object_secondary; break;
      case Mapping::kData: value = e.data.get(m.key); break;
      case Mapping::kUid: value = e.user_ids.get(m.key); break;
    }
    Entity* ent = nullptr;
    switch (m.to) {
      case Mapping::kUser: ent = &e.ecs_user; break;
      case Mapping::kUserEffective: ent = &e.ecs_effective; break;
      case Mapping::kUserTarget: ent = &e.ecs_target; break;
      case Mapping::kUserChanges: ent = &e.ecs_changes; break;
      case Mapping::kGroup: ent = &e.ecs_group; break;
    }
    // value may view a string of e itself; copy before set_entity clears the target.
    std::string copy(value);
    set_entity(*ent, copy);
  }
}

}  // namespace ecs
