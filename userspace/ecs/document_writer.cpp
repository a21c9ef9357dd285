#include "ecs/document_writer.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ecs/json_out.h"
#include "core/time_format.h"
#include "ecs/event_type.h"
#include "proctree/ecs_json.h"
#include "record/types.h"

namespace ecs {
namespace {

constexpr std::string_view kEcsVersion = "8.11.0";  // what default.yml sets

// auditd.data fields the ingest pipeline converts to long: removed, items, lport, rport,
// sport, dport, entries, argc, seqno, nargs, old_vcpu, new_vcpu, changed, added, spid,
// opid, nlnk_pid, vm_pid, audit_pid (by length, so most keys cost one switch).
bool is_long_data_field(std::string_view k) {
  switch (k.size()) {
    case 4: return k == "argc" || k == "spid" || k == "opid";
    case 5:
      return k == "items" || k == "lport" || k == "rport" || k == "sport" || k == "dport" || k == "seqno" ||
             k == "nargs" || k == "added";
    case 6: return k == "vm_pid";
    case 7: return k == "removed" || k == "entries" || k == "changed";
    case 8: return k == "old_vcpu" || k == "new_vcpu" || k == "nlnk_pid";
    case 9: return k == "audit_pid";
    default: return false;
  }
}

bool parse_long(std::string_view s, int64_t& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// A pipeline "convert to long" field: a number when it is one. The pipeline would fail the
// whole document (event.kind: pipeline_error) on anything else; we keep the string instead.
void long_or_string(JsonOut& w, std::string_view v) {
  int64_t n = 0;
  if (parse_long(v, n)) {
    w.number(n);
  } else {
    w.string(v);
  }
}

// True when key has no '-' but another key becomes it after '-' -> '_' (rare: only keys
// with an underscore need the scan).
bool has_hyphen_twin(const FieldMap& data, std::string_view key) {
  if (key.find('_') == std::string_view::npos) return false;
  for (const FieldMap::Entry& o : data) {
    if (o.key.size() != key.size() || o.key.find('-') == std::string::npos) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) same = (o.key[i] == '-' ? '_' : o.key[i]) == key[i];
    if (same) return true;
  }
  return false;
}

// Keys are a few bytes: a loop beats a call to memchr.
bool has_hyphen(std::string_view k) {
  for (char c : k)
    if (c == '-') return true;
  return false;
}

void underscore_key(std::string_view k, std::string& out) {
  out.assign(k);
  std::replace(out.begin(), out.end(), '-', '_');
}

struct IdName {
  std::string_view id, name;
  bool empty() const { return id.empty() && name.empty(); }
};

void write_id_name(JsonOut& w, std::string_view key, const IdName& e) {
  if (e.empty()) return;
  w.key(key).begin_object();
  if (!e.id.empty()) w.lit("id").string(e.id);
  if (!e.name.empty()) w.lit("name").string(e.name);
  w.end_object();
}

// {id, name, group{id, name}} as Auditbeat nests user.effective / saved / filesystem.
void write_with_group(JsonOut& w, std::string_view key, const IdName& u, const IdName& g) {
  if (u.empty() && g.empty()) return;
  w.key(key).begin_object();
  if (!u.id.empty()) w.lit("id").string(u.id);
  if (!u.name.empty()) w.lit("name").string(u.name);
  write_id_name(w, "group", g);
  w.end_object();
}

// The user.* picture Auditbeat builds (addUser, then the ECS entities, then dropping
// user.effective when it repeats user), before the pipeline moves parts to auditd.user.
struct UserDoc {
  IdName main, group, eff, eff_group, target, changes, audit, saved, saved_group, fs, fs_group;
  IdName old_auid, new_auid;
  struct Other {
    std::string key;
    IdName v;
  };
  std::vector<Other> others;
  size_t nothers = 0;
  bool selinux = false;

  IdName* slot(std::string_view key, bool& is_id) {
    is_id = true;
    switch (key.size()) {  // one length test first: most keys are 3-5 bytes
      case 3:
        if (key == "uid") return &main;
        if (key == "gid") return &group;
        break;
      case 4:
        if (key == "euid") return &eff;
        if (key == "egid") return &eff_group;
        if (key == "suid") return &saved;
        if (key == "sgid") return &saved_group;
        if (key == "auid") return &audit;
        break;
      case 5:
        if (key == "fsuid") return &fs;
        if (key == "fsgid") return &fs_group;
        break;
      case 8:
        if (key == "old-auid" || key == "old_auid") return &old_auid;
        if (key == "new-auid" || key == "new_auid") return &new_auid;
        break;
      default:
        break;
    }
    for (size_t i = 0; i < nothers; ++i)
      if (others[i].key == key) return &others[i].v;
    if (nothers == others.size()) others.emplace_back();
    Other& o = others[nothers++];
    o.key.assign(key);
    o.v = {};
    return &o.v;
  }
};

void apply_entity(IdName& slot, const Entity& ent, std::vector<std::string>* related) {
  if (ent.empty()) return;
  // An entity set from "unset" (or from nothing) removes what the ids had put there.
  slot.id = ent.id == "unset" ? std::string_view() : std::string_view(ent.id);
  slot.name = ent.name;
  if (related && !ent.name.empty()) related->emplace_back(ent.name);
}

// EOE (linux/audit.h AUDIT_EOE): "end of multi-record event".
bool is_eoe(const reassembly::Event& raw, size_t i) { return raw.records[i].type == 1320; }

// One record as Auditbeat lists it: `type=NAME msg=audit(...): ...` (no node= prefix, no
// trailing newline), written as escaped pieces of a string the caller has opened.
void write_raw_line(JsonOut& w, const reassembly::Event& raw, size_t i, std::string& scratch) {
  std::string_view text = raw.record_text(i);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  const std::string_view name = record::type_name(raw.records[i].type, scratch);
  // A log line without node= already reads `type=NAME msg=audit(...`: one escape of the
  // whole line (the pieces are ASCII, so escaping them apart or together is the same).
  // Checked in place: that "audit(" is the line's first, as the search below would find.
  if (text.starts_with("type=") && text.substr(5, name.size()) == name &&
      text.substr(5 + name.size(), 11) == " msg=audit(") {
    w.escaped(text);
    return;
  }
  const size_t at = text.find("audit(");
  w.verbatim("type=");
  w.escaped(name);
  w.verbatim(" msg=");
  w.escaped(at == std::string_view::npos ? text : text.substr(at));
}

}  // namespace

size_t DocumentWriter::write_at(const AuditEvent& e, const reassembly::Event& raw, std::string& out, size_t at,
                                const enrich::SessionResult* session) {
  // Straight into the caller's buffer: no copy of the finished document.
  JsonBuffer buffer(out, at);
  JsonOut w(buffer);
  w.begin_object();

  line_.clear();
  core::append_rfc3339_ms(line_, e.sec, e.msec);
  w.lit("@timestamp").plain_string(line_);  // digits, -, :, T, ., Z
  w.lit("ecs").begin_object().lit("version").plain_string(kEcsVersion).end_object();

  const bool warnings = options_.include_warnings && !e.warnings.empty();
  const bool original = options_.include_raw_message || warnings;
  bool preserve = options_.preserve_original_event;
  for (const std::string& t : e.tags) preserve = preserve || t == "preserve_original_event";

  // ---- event ----
  w.lit("event").begin_object();
  // kind, category and type are literals of the normalization table (plain ASCII).
  w.lit("kind").plain_string(e.ecs_kind.empty() ? std::string_view("event") : e.ecs_kind);
  if (!e.ecs_category.empty()) {
    w.lit("category").begin_array();
    for (std::string_view c : e.ecs_category) w.plain_string(c);
    w.end_array();
  } else {
    w.lit("category").plain_string(audit_event_class(e.type));
  }
  if (!e.ecs_type.empty()) {
    w.lit("type").begin_array();
    for (std::string_view t : e.ecs_type) w.plain_string(t);
    w.end_array();
  }
  if (!e.action.empty()) w.lit("action").string(e.action);
  std::string_view outcome = e.ecs_outcome;
  if (outcome.empty()) outcome = e.result == "fail" ? std::string_view("failure") : std::string_view(e.result);
  if (!outcome.empty()) w.lit("outcome").string(outcome);
  w.lit("sequence").unsigned_number(e.sequence);
  if (const std::string_view* id = e.data.find("id")) w.lit("id").string(*id);
  if (original && !raw.records.empty()) {
    // The raw records without EOE: Auditbeat's reassembler consumes EOE as the end marker
    // and never lists it (sample_event.json: no EOE line in a kernel event that had one).
    bool first = true;
    for (size_t i = 0; i < raw.records.size(); ++i) {
      if (is_eoe(raw, i)) continue;
      if (first) w.lit("original").open_string();
      else w.verbatim("\\n");
      first = false;
      write_raw_line(w, raw, i, key_);
    }
    if (!first) w.close_string();
  }
  w.lit("module").plain_string("auditd");
  w.lit("dataset").plain_string("auditd_manager.auditd");
  w.end_object();

  // ---- user picture (needed by both user.* and auditd.user.*) ----
  UserDoc u;
  bool any_id = false;
  for (const FieldMap::Entry& id : e.user_ids) {
    if (id.value == "unset") continue;
    bool is_id;
    IdName* s = u.slot(id.key, is_id);
    s->id = id.value;
    any_id = true;
  }
  u.selinux = any_id && !e.user_selinux.empty();
  for (const FieldMap::Entry& n : e.user_names) {
    bool is_id;
    u.slot(n.key, is_id)->name = n.value;
  }
  related_.clear();
  std::vector<std::string>* related = options_.resolve_ids ? &related_ : nullptr;
  apply_entity(u.main, e.ecs_user, related);
  apply_entity(u.eff, e.ecs_effective, related);
  apply_entity(u.target, e.ecs_target, related);
  apply_entity(u.changes, e.ecs_changes, related);
  IdName group_target;
  apply_entity(group_target, e.ecs_group, nullptr);
  if ((!u.main.id.empty() && u.main.id == u.eff.id) || (!u.main.name.empty() && u.main.name == u.eff.name)) {
    u.eff = {};
    u.eff_group = {};
  }

  // ---- auditd ----
  w.lit("auditd").begin_object();
  key_.clear();
  for (char c : e.type_name) key_.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  w.lit("message_type").string(key_);
  if (!e.result.empty()) w.lit("result").string(e.result);
  if (!e.session.empty() && e.session != "unset") w.lit("session").string(e.session);

  // auditd.data: record order, no sort (JSON objects are unordered). socket_* fields go
  // into one nested object, written after the others.
  bool any_data = false, any_socket = false, any_hyphen = false;
  for (const FieldMap::Entry& d : e.data) {
    if (d.key == "id") continue;
    if (d.key.starts_with("socket_")) {
      any_socket = true;
    } else {
      any_data = true;
    }
    any_hyphen = any_hyphen || has_hyphen(d.key);
  }
  if (any_data || any_socket) {
    w.lit("data").begin_object();
    for (int pass = 0; pass < 2; ++pass) {
      if (pass == 1) {
        if (!any_socket) break;
        w.lit("socket").begin_object();
      }
      for (const FieldMap::Entry& d : e.data) {
        std::string_view k = d.key;
        if (k == "id" || k.starts_with("socket_") != (pass == 1)) continue;
        if (pass == 1) k.remove_prefix(7);
        if (any_hyphen) {
          if (has_hyphen(k)) {
            underscore_key(k, key_);
            k = key_;
          } else if (has_hyphen_twin(e.data, d.key)) {
            // After '-' -> '_' two keys can meet (old-ses and old_ses); the ingest pipeline
            // keeps the value of the hyphenated one, so the plain one gives way.
            continue;
          }
        }
        w.key(k);
        const bool numeric = pass == 1 ? k == "port" : is_long_data_field(k);
        if (numeric) {
          long_or_string(w, d.value);
        } else if (d.plain) {
          w.plain_string(d.value);
        } else {
          w.string(d.value);
        }
      }
      if (pass == 1) w.end_object();
    }
    w.end_object();
  }

  const bool summary_actor = !e.actor_primary.empty() || !e.actor_secondary.empty();
  const bool summary_object = !e.object_type.empty() || !e.object_primary.empty() || !e.object_secondary.empty();
  if (summary_actor || summary_object || !e.how.empty()) {
    w.lit("summary").begin_object();
    if (summary_actor) {
      w.lit("actor").begin_object();
      if (!e.actor_primary.empty()) w.lit("primary").string(e.actor_primary);
      if (!e.actor_secondary.empty()) w.lit("secondary").string(e.actor_secondary);
      w.end_object();
    }
    if (summary_object) {
      w.lit("object").begin_object();
      if (!e.object_type.empty()) w.lit("type").string(e.object_type);
      if (!e.object_primary.empty()) w.lit("primary").string(e.object_primary);
      if (!e.object_secondary.empty()) w.lit("secondary").string(e.object_secondary);
      w.end_object();
    }
    if (!e.how.empty()) w.lit("how").string(e.how);
    w.end_object();
  }

  if (e.npaths > 0) {
    w.lit("paths").begin_array();
    for (size_t i = 0; i < e.npaths; ++i) {
      w.begin_object();
      for (const FieldMap::Entry& p : e.paths[i]) {
        if (!has_hyphen(p.key)) {
          w.key(p.key);
        } else {
          underscore_key(p.key, key_);
          w.key(key_);
        }
        if (p.plain) {
          w.plain_string(p.value);
        } else {
          w.string(p.value);
        }
      }
      w.end_object();
    }
    w.end_array();
  }

  const bool auditd_user = !u.audit.empty() || !u.old_auid.empty() || !u.new_auid.empty() || u.selinux ||
                           !u.saved.empty() || !u.saved_group.empty() || !u.fs.empty() || !u.fs_group.empty();
  if (auditd_user) {
    w.lit("user").begin_object();
    write_id_name(w, "audit", u.audit);
    write_id_name(w, "old_auid", u.old_auid);
    write_id_name(w, "new_auid", u.new_auid);
    if (u.selinux) {
      w.lit("selinux").begin_object();
      for (const FieldMap::Entry& s : e.user_selinux) {
        if (s.value.empty()) continue;
        underscore_key(s.key, key_);
        w.key(key_).string(s.value);
      }
      w.end_object();
    }
    write_with_group(w, "saved", u.saved, u.saved_group);
    write_with_group(w, "filesystem", u.fs, u.fs_group);
    w.end_object();
  }
  if (e.file.present && !e.file.selinux.empty()) {
    w.lit("file").begin_object().lit("selinux").begin_object();
    for (const FieldMap::Entry& s : e.file.selinux) {
      underscore_key(s.key, key_);
      w.key(key_).string(s.value);
    }
    w.end_object().end_object();
  }
  if (warnings) {
    w.lit("warnings").begin_array();
    for (const std::string& s : e.warnings) w.string(s);
    w.end_array();
  }
  if (preserve && original) {
    w.lit("messages").begin_array();
    for (size_t i = 0; i < raw.records.size(); ++i) {
      if (is_eoe(raw, i)) continue;
      w.open_string();
      write_raw_line(w, raw, i, key_);
      w.close_string();
    }
    w.end_array();
  }
  w.end_object();  // auditd

  // ---- process ----
  const ProcessInfo& p = e.process;
  int64_t pid = 0, ppid = 0;
  const bool has_pid = parse_long(p.pid, pid);
  const bool has_ppid = parse_long(p.ppid, ppid);
  // Session View fields (SESSION_VIEW.md §1, §3): audit values win for pid, parent.pid,
  // name, executable, args and working_directory; the tree adds entity ids, start, tty,
  // users and the leaders, rendered once per process by the enricher and shared here.
  std::string_view session_json, session_parent_json;
  if (session && session->info && options_.session && session->miss == enrich::SessionMiss::kNone && session->view) {
    session_json = session->view->rendered->members;
    session_parent_json = session->view->rendered->parent_members;
  }
  if (has_pid || has_ppid || !p.title.empty() || !p.name.empty() || !p.exe.empty() || !p.cwd.empty() ||
      p.nargs > 0 || p.args_count >= 0 || !session_json.empty()) {
    w.lit("process").begin_object();
    if (has_pid) w.lit("pid").number(pid);
    if (has_ppid || !session_parent_json.empty()) {
      w.lit("parent").begin_object();
      if (has_ppid) w.lit("pid").number(ppid);
      else if (session->info->has_parent) w.lit("pid").number(session->info->parent.key.pid);
      w.members(session_parent_json);
      if (session && session->info && session->info->has_parent) {
        // Fill what the audit records do not carry for the parent.
        const proctree::Process& pp = session->info->parent;
        if (pp.image) {
          if (!pp.image->name.empty()) w.lit("name").string(pp.image->name);
          if (!pp.image->executable.empty()) w.lit("executable").string(pp.image->executable);
          if (!pp.image->args.empty()) {
            w.lit("args").begin_array();
            for (const auto& a : pp.image->args) w.string(a);
            w.end_array();
          }
        }
      }
      w.end_object();
    }
    w.members(session_json);
    if (!p.title.empty()) w.lit("title").string(p.title);
    if (!p.name.empty()) w.lit("name").string(p.name);
    if (!p.exe.empty()) w.lit("executable").string(p.exe);
    if (!p.cwd.empty()) w.lit("working_directory").string(p.cwd);
    if (p.nargs > 0) {
      w.lit("args").begin_array();
      for (size_t i = 0; i < p.nargs; ++i) w.string(p.args[i]);
      w.end_array();
    }
    if (p.args_count >= 0) w.lit("args_count").number(p.args_count);
    w.end_object();
  }

  // ---- file ----
  const FileInfo& f = e.file;
  if (f.present && (!f.path.empty() || !f.device.empty() || !f.inode.empty() || !f.mode.empty() ||
                    !f.uid.empty() || !f.gid.empty() || !f.owner.empty() || !f.group.empty())) {
    w.lit("file").begin_object();
    if (!f.path.empty()) w.lit("path").string(f.path);
    if (!f.device.empty()) w.lit("device").string(f.device);
    if (!f.inode.empty()) w.lit("inode").string(f.inode);
    if (!f.mode.empty()) w.lit("mode").string(f.mode);
    if (!f.uid.empty()) w.lit("uid").string(f.uid);
    if (!f.gid.empty()) w.lit("gid").string(f.gid);
    if (!f.owner.empty()) w.lit("owner").string(f.owner);
    if (!f.group.empty()) w.lit("group").string(f.group);
    w.end_object();
  }

  // ---- source / destination / network ----
  for (int side = 0; side < 2; ++side) {
    const Address& a = side == 0 ? e.source : e.destination;
    if (!a.present || (a.ip.empty() && a.port.empty() && a.path.empty())) continue;
    w.key(side == 0 ? "source" : "destination").begin_object();
    if (!a.ip.empty()) w.lit("ip").string(a.ip);
    if (!a.port.empty()) {
      w.lit("port");
      long_or_string(w, a.port);
    }
    if (!a.path.empty()) w.lit("address").string(a.path);
    w.end_object();
  }
  if (e.direction != Direction::kNone) {
    w.lit("network").begin_object().lit("direction").string(e.direction == Direction::kIngress ? "ingress" : "egress").end_object();
  }

  // ---- user / group / related ----
  bool any_other = false;
  for (size_t i = 0; i < u.nothers; ++i) any_other = any_other || !u.others[i].v.empty();
  if (!u.main.empty() || !u.group.empty() || !u.eff.empty() || !u.eff_group.empty() || !u.target.empty() ||
      !u.changes.empty() || any_other) {
    w.lit("user").begin_object();
    if (!u.main.id.empty()) w.lit("id").string(u.main.id);
    if (!u.main.name.empty()) w.lit("name").string(u.main.name);
    write_id_name(w, "group", u.group);
    write_with_group(w, "effective", u.eff, u.eff_group);
    write_id_name(w, "target", u.target);
    write_id_name(w, "changes", u.changes);
    for (size_t i = 0; i < u.nothers; ++i) {
      underscore_key(u.others[i].key, key_);
      write_id_name(w, key_, u.others[i].v);
    }
    w.end_object();
  }
  if (!group_target.empty()) {
    w.lit("group").begin_object();
    write_id_name(w, "target", group_target);
    w.end_object();
  }
  if (!related_.empty()) {
    std::sort(related_.begin(), related_.end());
    related_.erase(std::unique(related_.begin(), related_.end()), related_.end());
    w.lit("related").begin_object().lit("user").begin_array();
    for (const std::string& r : related_) w.string(r);
    w.end_array().end_object();
  }

  // ---- tags, error, constants ----
  bool any_tag = options_.preserve_original_event;
  for (const std::string& t : e.tags) any_tag = any_tag || !t.empty();
  if (any_tag) {
    w.lit("tags").begin_array();
    for (const std::string& t : e.tags)
      if (!t.empty()) w.string(t);
    if (options_.preserve_original_event) w.plain_string("preserve_original_event");
    w.end_array();
  }
  if (warnings) {
    joined_.clear();
    for (size_t i = 0; i < e.warnings.size(); ++i) {
      if (i) joined_.push_back('\n');
      joined_.append(e.warnings[i]);
    }
    w.lit("error").begin_object().lit("message").string(joined_).end_object();
  }
  w.lit("service").begin_object().lit("type").plain_string("auditd").end_object();
  w.lit("data_stream").begin_object();
  w.lit("type").plain_string("logs");
  w.lit("dataset").plain_string("auditd_manager.auditd");
  w.lit("namespace").string(options_.data_stream_namespace);
  w.end_object();

  w.end_object();
  w.verbatim("\n");
  return at + w.view().size();
}

}  // namespace ecs
