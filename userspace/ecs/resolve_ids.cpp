#include "ecs/resolve_ids.h"

namespace ecs {

std::string_view IdNameCache::lookup(const enrich::IdResolver& ids, std::string_view id, int group) {
  if (ids.reloads() != reloads_seen_) {  // the tables the views point into are gone
    for (auto& table : slots_)
      for (Slot& s : table) s = {};
    reloads_seen_ = ids.reloads();
  }
  // Ids of up to 7 bytes (every 32-bit id below 10^7) are cached; longer ones ask the tables.
  if (id.empty() || id.size() > 7) return group ? ids.group_name(id) : ids.user_name(id);
  uint64_t key = static_cast<uint64_t>(id.size()) << 56;
  for (size_t i = 0; i < id.size(); ++i) key |= uint64_t{static_cast<unsigned char>(id[i])} << (8 * i);
  Slot& s = slots_[group][(key * 0x9E3779B97F4A7C15ull) >> 58];
  if (s.key != key) {
    s.key = key;
    s.name = group ? ids.group_name(id) : ids.user_name(id);
  }
  return s.name;
}

namespace {

// A name auditd wrote for this id value in an ENRICHED log (any uid-kind key, or gid-kind),
// which is the writing host's answer and wins over our database (replay of another host).
std::string_view log_name(const AuditEvent& e, std::string_view id, bool group) {
  if (e.log_names.empty()) return {};
  for (const FieldMap::Entry& n : e.log_names) {
    if (n.key.ends_with("gid") != group) continue;
    const std::string_view* v = e.user_ids.find(n.key);
    if (v && *v == id) return n.value;
  }
  return {};
}

struct Ids {
  const enrich::IdResolver& tables;
  IdNameCache& cache;
};

std::string_view lookup_user(const AuditEvent& e, Ids ids, std::string_view uid) {
  if (uid.empty() || uid == "unset") return {};
  if (auto n = log_name(e, uid, false); !n.empty()) return n;
  return ids.cache.user_name(ids.tables, uid);
}

std::string_view lookup_group(const AuditEvent& e, Ids ids, std::string_view gid) {
  if (gid.empty() || gid == "unset") return {};
  if (auto n = log_name(e, gid, true); !n.empty()) return n;
  return ids.cache.group_name(ids.tables, gid);
}

void complete(const AuditEvent& e, Entity& ent, Ids ids, bool group) {
  if (ent.id.empty() == ent.name.empty()) return;  // nothing set, or both known
  if (!ent.id.empty()) {
    ent.name.assign(group ? lookup_group(e, ids, ent.id) : lookup_user(e, ids, ent.id));
  } else {
    for (const FieldMap::Entry& n : e.log_names) {  // the log named this id: take its value
      if (n.key.ends_with("gid") != group || n.value != ent.name) continue;
      if (const std::string_view* v = e.user_ids.find(n.key)) {
        ent.id.assign(*v);
        return;
      }
    }
    ent.id.assign(group ? ids.tables.group_id(ent.name) : ids.tables.user_id(ent.name));
  }
}

}  // namespace

void resolve_ids(AuditEvent& e, const enrich::IdResolver& tables, IdNameCache& cache) {
  const Ids ids{tables, cache};
  // Views returned by the lookups point into e.log_names or the resolver, never into the
  // string being assigned, so assign() is safe.
  if (auto v = lookup_user(e, ids, e.actor_primary); !v.empty()) e.actor_primary.assign(v);
  if (auto v = lookup_user(e, ids, e.actor_secondary); !v.empty()) e.actor_secondary.assign(v);

  for (const FieldMap::Entry& id : e.user_ids) {
    std::string_view name =
        id.key.ends_with("uid") ? lookup_user(e, ids, id.value) : lookup_group(e, ids, id.value);
    // user_ids keys are unique (one record's), so no lookup first; the name is a view into
    // the resolver's tables or e.log_names, both unchanged until the next event.
    if (!name.empty()) e.user_names.append_entry_stable(id.key).value = name;
  }
  if (e.file.present) {
    if (!e.file.uid.empty()) e.file.owner.assign(lookup_user(e, ids, e.file.uid));
    if (!e.file.gid.empty()) e.file.group.assign(lookup_group(e, ids, e.file.gid));
  }
  complete(e, e.ecs_user, ids, false);
  complete(e, e.ecs_effective, ids, false);
  complete(e, e.ecs_target, ids, false);
  complete(e, e.ecs_changes, ids, false);
  complete(e, e.ecs_group, ids, true);
}

}  // namespace ecs
