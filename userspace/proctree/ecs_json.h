// One tree change as an NDJSON line in the ECS shape of the audit documents
// (SESSION_VIEW.md §1): what `auspex proctree` prints and its tests parse.
#pragma once

#include <cstdint>
#include <string>

#include "core/json_writer.h"
#include "proctree/entity_id.h"
#include "proctree/event.h"
#include "proctree/process.h"

namespace proctree {

// The fields of SESSION_VIEW.md's `P` for one process, written into the current object.
// audit_fields=false leaves out pid, name, executable, args and working_directory: an
// audit document takes those from its own records (SESSION_VIEW.md §3, auspex).
void write_process_fields(core::JsonWriter& w, const Process& p, const HostClock& c, bool audit_fields = true);
// `name: {P..., same_as_process[, entry_meta]}` when has is true (unknown leaders are left out).
void write_leader(core::JsonWriter& w, const char* name, bool has, const Process& leader,
                  const Process& self, const HostClock& c);

// What the tree adds to an audit document's `process` (SESSION_VIEW.md §1, §3): the
// members (no braces) of `process` — entity_id, start, interactive, user, group, tty and the
// group, session and entry leaders — and of `process.parent` (empty without a parent).
// reuse_leaders: a leader or parent rendered on this thread before with the same inputs is
// copied from a small per-thread cache (false renders every one, for tests).
void render_session_members(const ProcessInfo& info, const HostClock& clock, std::string& members,
                            std::string& parent_members, bool reuse_leaders = true);

// Whether render_session_members gives a and b the same text and the process.parent.* an
// audit document takes from the tree (pid, name, executable, args) is the same: every input
// of both compared (images by address: they are immutable and shared, and a's is alive).
// Lets an event of a process that changed in ways the document does not show (its own exit,
// say) reuse the rendering of an earlier event.
bool same_session_members(const ProcessInfo& a, const ProcessInfo& b);

// Appends one JSON object (no newline). boot_to_unix_ns converts CLOCK_BOOTTIME stamps.
void append_change_json(std::string& out, EventKind action, const ProcessInfo& info,
                        const HostClock& clock, int64_t boot_to_unix_ns);

}  // namespace proctree
