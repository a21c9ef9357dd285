#include "ecs/resolve_ids.h"

namespace ecs {
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

std::string_view lookup_user(const AuditEvent& e, const enrich::IdResolver& ids, std::string_view uid) {
  if (uid.empty() || uid == "unset") return {};
  if (auto n = log_name(e, uid, false); !n.empty()) return n;
  return ids.user_name(uid);
}

std::string_view lookup_group(const AuditEvent& e, const enrich::IdResolver& ids, std::string_view gid) {
  if (gid.empty() || gid == "unset") return {};
  if (auto n = log_name(e, gid, true); !n.empty()) return n;
  return ids.group_name(gid);
}

void complete(const AuditEvent& e, Entity& ent, const enrich::IdResolver& ids, bool group) {
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
    ent.id.assign(group ? ids.group_id(ent.name) : ids.user_id(ent.name));
  }
}

}  // namespace

void resolve_ids(AuditEvent& e, const enrich::IdResolver& ids) {
  // Views returned by the lookups point into e.log_names or the resolver, never into the
  // string being assigned, so assign() is safe.
  if (auto v = lookup_user(e, ids, e.actor_primary); !v.empty()) e.actor_primary.assign(v);
  if (auto v = lookup_user(e, ids, e.actor_secondary); !v.empty()) e.actor_secondary.assign(v);

  for (const FieldMap::Entry& id : e.user_ids) {
    std::string_view name =
        id.key.ends_with("uid") ? lookup_user(e, ids, id.value) : lookup_group(e, ids, id.value);
    if (!name.empty()) e.user_names.set(id.key, name);
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
