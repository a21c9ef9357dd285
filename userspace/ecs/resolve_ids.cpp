#include "ecs/resolve_ids.h"

namespace ecs {
namespace {

std::string_view lookup_user(const enrich::IdResolver& ids, std::string_view uid) {
  if (uid.empty() || uid == "unset") return {};
  return ids.user_name(uid);
}

std::string_view lookup_group(const enrich::IdResolver& ids, std::string_view gid) {
  if (gid.empty() || gid == "unset") return {};
  return ids.group_name(gid);
}

void complete(Entity& ent, const enrich::IdResolver& ids, bool group) {
  if (ent.id.empty() == ent.name.empty()) return;  // nothing set, or both known
  if (!ent.id.empty()) {
    ent.name.assign(group ? lookup_group(ids, ent.id) : lookup_user(ids, ent.id));
  } else {
    ent.id.assign(group ? ids.group_id(ent.name) : ids.user_id(ent.name));
  }
}

}  // namespace

void resolve_ids(AuditEvent& e, const enrich::IdResolver& ids) {
  if (auto v = lookup_user(ids, e.actor_primary); !v.empty()) e.actor_primary.assign(v);
  if (auto v = lookup_user(ids, e.actor_secondary); !v.empty()) e.actor_secondary.assign(v);

  for (const FieldMap::Entry& id : e.user_ids) {
    std::string_view name = id.key.ends_with("uid") ? lookup_user(ids, id.value) : lookup_group(ids, id.value);
    if (!name.empty()) e.user_names.set(id.key, name);
  }
  if (e.file.present) {
    if (!e.file.uid.empty()) e.file.owner.assign(lookup_user(ids, e.file.uid));
    if (!e.file.gid.empty()) e.file.group.assign(lookup_group(ids, e.file.gid));
  }
  complete(e.ecs_user, ids, false);
  complete(e.ecs_effective, ids, false);
  complete(e.ecs_target, ids, false);
  complete(e.ecs_changes, ids, false);
  complete(e.ecs_group, ids, true);
}

}  // namespace ecs
