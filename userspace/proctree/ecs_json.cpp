#include "proctree/ecs_json.h"

#include <array>
#include <memory>

#include "core/json_writer.h"
#include "core/time_format.h"

namespace proctree {
namespace {

// A view of this thread's buffer, valid until the next call: written into the JSON at once,
// without a heap string per timestamp (four per document of a new process).
std::string_view rfc3339(int64_t unix_ms) {
  thread_local std::string s;
  s.clear();
  core::append_rfc3339_ms(s, unix_ms / 1000, static_cast<uint32_t>(unix_ms % 1000));
  return s;
}

// The rendered `"role":{...}` of recent leaders, per thread. A leader leads many processes
// (a shell's children share its session and entry leader, the processes of a job their
// group leader), so a new process's members are mostly leaders rendered before. An entry is
// reused only while every input of its rendering is the same; it holds the leader's image,
// so an image compared by address cannot be a new one at a freed one's address.
class LeaderCache {
 public:
  // The cached fragment for these inputs, or null.
  const std::string* find(const char* role, const Process& leader, const Process& self, const HostClock& c) {
    for (Entry& e : entries_)
      if (e.matches(role, leader, self, c)) return &e.json;
    return nullptr;
  }
  // A slot for these inputs (the oldest one is replaced); its json is for the caller to fill.
  std::string& put(const char* role, const Process& leader, const Process& self, const HostClock& c) {
    Entry& e = entries_[next_];
    next_ = (next_ + 1) % entries_.size();
    e.set(role, leader, self, c);
    e.json.clear();
    return e.json;
  }

 private:
  struct Entry {
    const char* role = nullptr;  // one of render_session_members' literals
    ProcKey key;
    bool same = false, ids_known = false, interactive = false;
    std::shared_ptr<const Image> image;
    uint32_t euid = 0, egid = 0;
    EntryType entry_type = EntryType::kNone;
    std::string entry_source_ip;
    uint64_t pidns_inode = 0, ticks_per_s = 0;
    int64_t btime_s = 0;
    std::string boot_id;
    std::string json;

    bool matches(const char* r, const Process& l, const Process& s, const HostClock& c) const {
      return role == r && key == l.key && same == (l.key == s.key) && ids_known == l.ids_known &&
             interactive == l.interactive() && image == l.image && euid == l.euid && egid == l.egid &&
             entry_type == s.entry_type && entry_source_ip == l.entry_source_ip && pidns_inode == c.pidns_inode &&
             ticks_per_s == c.ticks_per_s && btime_s == c.btime_s && boot_id == c.boot_id;
    }
    void set(const char* r, const Process& l, const Process& s, const HostClock& c) {
      role = r;
      key = l.key;
      same = l.key == s.key;
      ids_known = l.ids_known;
      interactive = l.interactive();
      image = l.image;
      euid = l.euid;
      egid = l.egid;
      entry_type = s.entry_type;
      entry_source_ip = l.entry_source_ip;
      pidns_inode = c.pidns_inode;
      ticks_per_s = c.ticks_per_s;
      btime_s = c.btime_s;
      boot_id = c.boot_id;
    }
  };
  std::array<Entry, 8> entries_;
  size_t next_ = 0;
};

// One per thread, out of the template below (each instance of it would have its own).
LeaderCache& leader_cache() {
  thread_local LeaderCache cache;
  return cache;
}

// A fragment through this thread's LeaderCache: copied when these inputs were rendered
// before, else rendered by `render` into a new entry.
template <typename Render>
void write_cached(core::JsonWriter& w, const char* role, const Process& p, const Process& self, const HostClock& c,
                  Render render) {
  LeaderCache& cache = leader_cache();
  if (const std::string* json = cache.find(role, p, self, c)) {
    w.raw(*json);
    return;
  }
  std::string& json = cache.put(role, p, self, c);
  core::JsonWriter fw(json);  // a writer starts as after '{': no leading comma
  render(fw);
  w.raw(json);
}

void write_leader_cached(core::JsonWriter& w, const char* name, bool has, const Process& leader, const Process& self,
                         const HostClock& c) {
  if (!has) return;
  write_cached(w, name, leader, self, c, [&](core::JsonWriter& fw) { write_leader(fw, name, true, leader, self, c); });
}

// The members of process.parent through the same cache: the children of one shell or
// service share their parent, so a new process's parent was mostly rendered before.
void write_parent_cached(core::JsonWriter& w, const Process& parent, const Process& self, const HostClock& c) {
  write_cached(w, "parent", parent, self, c,
               [&](core::JsonWriter& fw) { write_process_fields(fw, parent, c, /*audit_fields=*/false); });
}

// The inputs of write_process_fields (with the image when the document shows it).
bool same_fields(const Process& a, const Process& b, bool image) {
  return a.key == b.key && a.ids_known == b.ids_known && a.euid == b.euid && a.egid == b.egid &&
         a.tty_major == b.tty_major && a.tty_minor == b.tty_minor && (!image || a.image == b.image);
}

}  // namespace

void write_process_fields(core::JsonWriter& w, const Process& p, const HostClock& c, bool audit_fields) {
  if (audit_fields) w.key("pid").number(p.key.pid);
  w.key("entity_id").string(entity_id(c, p.key.pid, p.key.start_ticks));
  if (p.key.start_ticks || p.ids_known) w.key("start").string(rfc3339(c.start_unix_ms(p.key.start_ticks)));
  if (p.image && audit_fields) {
    if (!p.image->name.empty()) w.key("name").string(p.image->name);
    if (!p.image->executable.empty()) w.key("executable").string(p.image->executable);
    if (!p.image->args.empty()) {
      w.key("args").begin_array();
      for (const auto& a : p.image->args) w.string(a);
      w.end_array();
    }
    if (!p.image->cwd.empty()) w.key("working_directory").string(p.image->cwd);
  }
  w.key("interactive").boolean(p.interactive());
  w.key("user").begin_object().key("id").string(std::to_string(p.euid)).end_object();
  w.key("group").begin_object().key("id").string(std::to_string(p.egid)).end_object();
}

void write_leader(core::JsonWriter& w, const char* name, bool has, const Process& leader,
                  const Process& self, const HostClock& c) {
  if (!has) return;  // SESSION_VIEW.md §1: omit a leader whose process is unknown
  w.key(name).begin_object();
  write_process_fields(w, leader, c);
  w.key("same_as_process").boolean(leader.key == self.key);
  if (std::string_view(name) == "entry_leader") {
    w.key("entry_meta").begin_object().key("type").string(entry_type_name(self.entry_type));
    if (!leader.entry_source_ip.empty())
      w.key("source").begin_object().key("ip").string(leader.entry_source_ip).end_object();
    w.end_object();
  }
  w.end_object();
}

void render_session_members(const ProcessInfo& info, const HostClock& clock, std::string& members,
                            std::string& parent_members, bool reuse_leaders) {
  const auto leader = reuse_leaders ? write_leader_cached : write_leader;
  members.clear();
  parent_members.clear();
  members.reserve(2048);  // the process and three leaders: one allocation, not a doubling series
  // The members without the object's braces: a writer starts as after '{'.
  core::JsonWriter w(members);
  write_process_fields(w, info.self, clock, /*audit_fields=*/false);
  if (info.self.has_tty()) {
    w.key("tty").begin_object().key("char_device").begin_object();
    w.key("major").number(info.self.tty_major).key("minor").number(info.self.tty_minor);
    w.end_object().end_object();
  }
  leader(w, "group_leader", info.has_group_leader, info.group_leader, info.self, clock);
  leader(w, "session_leader", info.has_session_leader, info.session_leader, info.self, clock);
  leader(w, "entry_leader", info.has_entry_leader, info.entry_leader, info.self, clock);
  if (info.has_parent) {
    parent_members.reserve(512);  // entity_id, start, interactive, user, group: ~250 bytes
    core::JsonWriter pw(parent_members);
    if (reuse_leaders) write_parent_cached(pw, info.parent, info.self, clock);
    else write_process_fields(pw, info.parent, clock, /*audit_fields=*/false);
  }
}

bool same_session_members(const ProcessInfo& a, const ProcessInfo& b) {
  // The process itself: its image is not rendered (the audit records name it).
  if (!same_fields(a.self, b.self, false) || a.self.entry_type != b.self.entry_type) return false;
  if (a.has_parent != b.has_parent || a.has_group_leader != b.has_group_leader ||
      a.has_session_leader != b.has_session_leader || a.has_entry_leader != b.has_entry_leader)
    return false;
  // The parent's image: the document fills process.parent's name, executable and args from it.
  if (a.has_parent && !same_fields(a.parent, b.parent, true)) return false;
  if (a.has_group_leader && !same_fields(a.group_leader, b.group_leader, true)) return false;
  if (a.has_session_leader && !same_fields(a.session_leader, b.session_leader, true)) return false;
  if (a.has_entry_leader && (!same_fields(a.entry_leader, b.entry_leader, true) ||
                             a.entry_leader.entry_source_ip != b.entry_leader.entry_source_ip))
    return false;
  return true;
}

void append_change_json(std::string& out, EventKind action, const ProcessInfo& info,
                        const HostClock& c, int64_t boot_to_unix_ns) {
  const Process& p = info.self;
  const uint64_t ts = action == EventKind::kExit ? p.exit_ts_boot_ns : p.last_ts_boot_ns;
  core::JsonWriter w(out);
  w.begin_object();
  w.key("@timestamp").string(rfc3339((int64_t(ts) + boot_to_unix_ns) / 1'000'000));
  w.key("event").begin_object().key("action").string(event_kind_name(action)).key("kind").string("event").end_object();
  w.key("process").begin_object();
  write_process_fields(w, p, c);
  if (p.has_tty()) {
    w.key("tty").begin_object().key("char_device").begin_object();
    w.key("major").number(p.tty_major).key("minor").number(p.tty_minor);
    w.end_object().end_object();
  }
  if (action == EventKind::kExit && p.exit_code_known) {
    // wait status -> exit code (the a0 of exit_group); a signal gives 128 + signo like a shell
    const int32_t st = p.exit_code;
    w.key("exit_code").number((st & 0x7f) ? 128 + (st & 0x7f) : (st >> 8) & 0xff);
  }
  write_leader(w, "parent", info.has_parent, info.parent, p, c);
  write_leader(w, "group_leader", info.has_group_leader, info.group_leader, p, c);
  write_leader(w, "session_leader", info.has_session_leader, info.session_leader, p, c);
  write_leader(w, "entry_leader", info.has_entry_leader, info.entry_leader, p, c);
  w.end_object();
  w.end_object();
}

}  // namespace proctree
