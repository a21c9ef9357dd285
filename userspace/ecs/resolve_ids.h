// resolve_ids: uid/gid -> names on the AuditEvent, as aucoalesce.ResolveIDs does: actor
// primary/secondary become user names when known, every *uid/*gid gets a name, the file
// owner/group, and the ECS user/group entities get the half (id or name) they lack.
#pragma once

#include "ecs/audit_event.h"
#include "enrich/id_resolver.h"

namespace ecs {

void resolve_ids(AuditEvent& event, const enrich::IdResolver& ids);

}  // namespace ecs
