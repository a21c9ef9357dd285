#include "proctree/tree.h"

#include <algorithm>
#include <unordered_set>

#include "proctree/entry_leader.h"

namespace proctree {
namespace {

struct KeyHash {
  size_t operator()(const ProcKey& k) const {
    return std::hash<uint64_t>()((uint64_t(uint32_t(k.pid)) << 40) ^ k.start_ticks);
  }
};

// Joins a relative exec filename with the cwd ("./a" in /tmp -> "/tmp/a").
std::string absolute_path(std::string_view filename, std::string_view cwd) {
  if (filename.empty() || filename.front() == '/' || cwd.empty()) return std::string(filename);
  while (filename.substr(0, 2) == "./") filename.remove_prefix(2);
  std::string out(cwd);
  if (out.back() != '/') out += '/';
  out += filename;
  return out;
}

std::shared_ptr<const Image> image_from_comm(std::string_view comm) {
  auto img = std::make_shared<Image>();
  img->name = std::string(comm);
  return img;
}

}  // namespace

std::string_view event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::kFork: return "fork";
    case EventKind::kExec: return "exec";
    case EventKind::kExit: return "end";
    case EventKind::kSetsid: return "setsid";
    case EventKind::kSetpgid: return "setpgid";
  }
  return "unknown";
}

std::string_view entry_type_name(EntryType t) {
  switch (t) {
    case EntryType::kNone: return "";
    case EntryType::kInit: return "init";
    case EntryType::kSshd: return "sshd";
    case EntryType::kSsm: return "ssm";
    case EntryType::kContainer: return "container";
    case EntryType::kTerminal: return "terminal";
    case EntryType::kConsole: return "console";
    case EntryType::kUnknown: return "unknown";
  }
  return "unknown";
}

ProcessTree::ProcessTree(TreeOptions options) : options_(options) {}

const Process* ProcessTree::find(ProcKey key) const {
  return const_cast<ProcessTree*>(this)->find_mut(key);
}

Process* ProcessTree::find_mut(ProcKey key) {
  auto it = by_pid_.find(key.pid);
  if (it == by_pid_.end()) return nullptr;
  for (auto& p : it->second)
    if (p.key.start_ticks == key.start_ticks) return &p;
  return nullptr;
}

const Process* ProcessTree::find_at(int32_t pid, uint64_t max_start_ticks) const {
  return const_cast<ProcessTree*>(this)->find_at_mut(pid, max_start_ticks);
}

Process* ProcessTree::subject(const TaskSnapshot& t) {
  if (!t.ids_known && t.start_ticks == 0) return find_at_mut(t.pid);
  return find_mut({t.pid, t.start_ticks});
}

Process* ProcessTree::find_at_mut(int32_t pid, uint64_t max_start_ticks) {
  if (pid <= 0) return nullptr;
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return nullptr;
  auto& v = it->second;
  for (auto r = v.rbegin(); r != v.rend(); ++r)
    if (r->key.start_ticks <= max_start_ticks) return &*r;
  return nullptr;
}

bool ProcessTree::make_room() {
  if (size_ < options_.max_processes) return true;
  // Oldest exited first; those kept as leaders go last, they are the ones still useful.
  while (!exited_.empty() || !retained_.empty()) {
    Exited x;
    if (!exited_.empty()) {
      x = exited_.front();
      exited_.pop_front();
    } else {
      x = retained_.front();
      retained_.erase(retained_.begin());
    }
    const Process* p = find(x.key);
    if (!p || !p->exited) continue;  // already gone
    erase(x.key);
    ++stats_.evicted;
    return true;
  }
  ++stats_.rejected_full;
  return false;
}

Process* ProcessTree::insert(Process p) {
  if (!make_room()) return nullptr;
  auto& v = by_pid_[p.key.pid];
  auto pos = std::upper_bound(v.begin(), v.end(), p.key.start_ticks,
                              [](uint64_t s, const Process& q) { return s < q.key.start_ticks; });
  ++size_;
  if (p.exited) ++exited_count_;
  return &*v.insert(pos, std::move(p));
}

void ProcessTree::erase(ProcKey key) {
  auto it = by_pid_.find(key.pid);
  if (it == by_pid_.end()) return;
  auto& v = it->second;
  for (auto p = v.begin(); p != v.end(); ++p) {
    if (p->key.start_ticks == key.start_ticks) {
      if (p->exited) --exited_count_;
      v.erase(p);
      --size_;
      break;
    }
  }
  if (v.empty()) by_pid_.erase(it);
}

void ProcessTree::set_snapshot(Process& p, const TaskSnapshot& t) {
  if (!t.ids_known) return;  // procfs could not read it: keep what the tree knew
  p.ppid = t.ppid;
  p.pgid = t.pgid;
  p.sid = t.sid;
  p.uid = t.uid;
  p.euid = t.euid;
  p.gid = t.gid;
  p.egid = t.egid;
  p.tty_major = t.tty_major;
  p.tty_minor = t.tty_minor;
  p.task_flags = t.flags;
  p.ids_known = true;
}

void ProcessTree::set_image(Process& p, const TreeEvent& e) {
  auto img = std::make_shared<Image>();
  img->cwd = std::string(e.cwd);
  // The resolved binary when known (matches audit exe= and /proc/PID/exe), else the path
  // given to execve made absolute.
  img->executable = !e.exe.empty() ? std::string(e.exe) : absolute_path(e.filename, e.cwd);
  img->name = std::string(path_basename(img->executable));
  if (img->name.empty()) img->name = std::string(e.task.comm);
  std::string_view a = e.argv;
  while (!a.empty()) {
    size_t nul = a.find('\0');
    img->args.emplace_back(a.substr(0, nul));
    if (nul == std::string_view::npos) break;
    a.remove_prefix(nul + 1);
  }
  img->args_truncated = e.argv_truncated;
  p.image = std::move(img);
}

void ProcessTree::evaluate_entry(Process& p) {
  const uint64_t s = p.key.start_ticks;
  EntryLeader el = evaluate_entry_leader(p, find_at(p.ppid, s), find_at(p.sid, s), find_at(p.pgid, s));
  p.entry_leader = el.leader;
  p.entry_type = el.type;
  p.entry_source_ip.clear();
  if (el.type == EntryType::kSshd && el.leader == p.key && options_.source_ip_reader)
    p.entry_source_ip = options_.source_ip_reader(p.key.pid);
}

void ProcessTree::bootstrap(const TreeEvent& e) {
  ProcKey key{e.task.pid, e.task.start_ticks};
  if (find(key)) return;
  Process p;
  p.key = key;
  set_snapshot(p, e.task);
  set_image(p, e);
  p.last_ts_boot_ns = e.ts_boot_ns;
  evaluate_entry(p);
  Process* r = insert(std::move(p));
  if (!r) return;
  if (Process* parent = find_at_mut(r->ppid, r->key.start_ticks)) ++parent->live_children;
  ++stats_.bootstrapped;
}

void ProcessTree::apply(const TreeEvent& e) {
  ++stats_.applied[static_cast<size_t>(e.kind)];
  switch (e.kind) {
    case EventKind::kFork: apply_fork(e); break;
    case EventKind::kExec: apply_exec(e, false); break;
    case EventKind::kExit: apply_exit(e); break;
    case EventKind::kSetsid: apply_setsid(e); break;
    case EventKind::kSetpgid: apply_setpgid(e); break;
  }
}

void ProcessTree::apply_fork(const TreeEvent& e) {
  ProcKey key{e.task.pid, e.task.start_ticks};
  if (Process* known = find_mut(key)) {  // bootstrap read it already
    if (e.ts_boot_ns < known->last_ts_boot_ns) {
      ++stats_.stale_skipped;
      return;
    }
    set_snapshot(*known, e.task);
    known->last_ts_boot_ns = e.ts_boot_ns;
    return;
  }
  Process p;
  p.key = key;
  set_snapshot(p, e.task);
  p.last_ts_boot_ns = e.ts_boot_ns;
  const Process* forker = find({e.parent_pid, e.parent_start_ticks});
  if (!forker) forker = find_at(e.parent_pid, key.start_ticks);
  if (forker) {
    p.image = forker->image;  // fork copies the image; exec replaces it
    p.entry_leader = forker->entry_leader;  // SESSION_VIEW.md §2: inherited at fork
    p.entry_type = forker->entry_type;
  } else {
    ++stats_.unknown_parent;
    p.image = image_from_comm(e.task.comm);
    evaluate_entry(p);
  }
  Process* r = insert(std::move(p));
  if (!r) return;
  if (Process* parent = find_at_mut(r->ppid, r->key.start_ticks)) ++parent->live_children;
  notify(EventKind::kFork, *r);
}

void ProcessTree::apply_exec(const TreeEvent& e, bool) {
  Process* r = subject(e.task);
  if (!r) {
    ++stats_.unknown_exec;
    Process p;
    p.key = {e.task.pid, e.task.start_ticks};
    if (!e.task.ids_known) {
      // procfs, process already gone (SESSION_VIEW.md §4): ppid and ids from the audit
      // event, session and group from the parent, start unknown (0).
      p.ppid = e.task.ppid;
      p.uid = e.task.uid, p.euid = e.task.euid, p.gid = e.task.gid, p.egid = e.task.egid;
      if (const Process* parent = find_at(p.ppid)) p.sid = parent->sid, p.pgid = parent->pgid;
      p.ids_known = false;
    }
    r = insert(std::move(p));
    if (!r) return;
    set_snapshot(*r, e.task);
    if (Process* parent = find_at_mut(r->ppid, r->key.start_ticks)) ++parent->live_children;
  } else if (e.ts_boot_ns < r->last_ts_boot_ns) {
    ++stats_.stale_skipped;
    return;
  }
  set_snapshot(*r, e.task);
  set_image(*r, e);
  r->last_ts_boot_ns = e.ts_boot_ns;
  evaluate_entry(*r);  // SESSION_VIEW.md §2: re-evaluated at every exec
  notify(EventKind::kExec, *r);
}

void ProcessTree::apply_exit(const TreeEvent& e) {
  Process* r = subject(e.task);
  if (!r && !e.task.ids_known) {
    ++stats_.unknown_exit;  // procfs: nothing to record without ids
    return;
  }
  ProcKey key = r ? r->key : ProcKey{e.task.pid, e.task.start_ticks};
  if (!r) {
    // Kept as an exited record: its children and audit events may still refer to it.
    ++stats_.unknown_exit;
    Process p;
    p.key = key;
    set_snapshot(p, e.task);
    p.image = image_from_comm(e.task.comm);
    evaluate_entry(p);
    r = insert(std::move(p));
    if (!r) return;
  } else if (r->exited) {
    return;
  } else {
    set_snapshot(*r, e.task);
    if (Process* parent = find_at_mut(r->ppid, r->key.start_ticks))
      if (parent->live_children) --parent->live_children;
  }
  r->exited = true;
  ++exited_count_;
  r->exit_ts_boot_ns = e.ts_boot_ns;
  r->last_ts_boot_ns = std::max(r->last_ts_boot_ns, e.ts_boot_ns);
  r->exit_code = e.exit_code;
  r->exit_code_known = e.exit_code_known;
  exited_.push_back({key, e.ts_boot_ns});
  const Process dead = *r;  // reparenting may insert nothing, but keep a stable copy
  if (dead.live_children) reparent_children(dead);
  notify(EventKind::kExit, *find(key));
}

// kernel/exit.c find_new_reaper(): the nearest live ancestor that is a child subreaper when
// the dead process had one above it, else init. Children learn it only here: no hook fires
// on reparenting, and the next event of each child carries the kernel's ppid anyway.
void ProcessTree::reparent_children(const Process& dead) {
  int32_t reaper = 1;
  if (dead.task_flags & kTaskHasSubreaper) {
    const Process* a = find_at(dead.ppid, dead.key.start_ticks);
    for (int depth = 0; a && depth < 64; ++depth) {
      if (!a->exited && (a->task_flags & kTaskChildSubreaper)) {
        reaper = a->key.pid;
        break;
      }
      a = find_at(a->ppid, a->key.start_ticks);
    }
  }
  Process* reaper_rec = find_at_mut(reaper);
  for (auto& [pid, v] : by_pid_) {
    for (auto& c : v) {
      if (c.exited || c.ppid != dead.key.pid || c.key.start_ticks < dead.key.start_ticks) continue;
      c.ppid = reaper;
      ++stats_.reparented;
      if (reaper_rec) ++reaper_rec->live_children;
    }
  }
}

void ProcessTree::apply_setsid(const TreeEvent& e) {
  Process* r = subject(e.task);
  if (!r && !e.task.ids_known) {
    ++stats_.unknown_exec;
    return;
  }
  if (!r) {
    ++stats_.unknown_exec;
    Process p;
    p.key = {e.task.pid, e.task.start_ticks};
    set_snapshot(p, e.task);
    p.image = image_from_comm(e.task.comm);
    evaluate_entry(p);
    r = insert(std::move(p));
    if (!r) return;
  } else if (e.ts_boot_ns < r->last_ts_boot_ns) {
    ++stats_.stale_skipped;
    return;
  }
  set_snapshot(*r, e.task);
  // setsid() makes the caller leader of a new session and group (kernel/sys.c ksys_setsid);
  // procfs snapshots may predate it.
  r->sid = r->pgid = r->key.pid;
  r->last_ts_boot_ns = e.ts_boot_ns;
  // Not re-evaluated here (SESSION_VIEW.md §2): tmux's server keeps its entry leader.
  notify(EventKind::kSetsid, *r);
}

void ProcessTree::apply_setpgid(const TreeEvent& e) {
  if (Process* caller = find_mut({e.task.pid, e.task.start_ticks}))
    if (e.ts_boot_ns >= caller->last_ts_boot_ns) set_snapshot(*caller, e.task);
  Process* t = find_at_mut(e.target_pid);
  if (!t || t->exited) {
    ++stats_.unknown_setpgid_target;
    return;
  }
  t->pgid = e.target_pgid;
  t->last_ts_boot_ns = std::max(t->last_ts_boot_ns, e.ts_boot_ns);
  notify(EventKind::kSetpgid, *t);
}

size_t ProcessTree::reap(uint64_t now_boot_ns) {
  auto due = [&](uint64_t exit_ts) { return exit_ts + options_.grace_ns <= now_boot_ns; };
  if ((exited_.empty() || !due(exited_.front().exit_ts)) && retained_.empty()) return 0;

  // Mark what live processes refer to (one pass; reaping runs about once a second).
  std::unordered_set<ProcKey, KeyHash> referenced;
  for (const auto& [pid, v] : by_pid_) {
    for (const auto& p : v) {
      if (p.exited) continue;
      const uint64_t s = p.key.start_ticks;
      for (int32_t leader : {p.ppid, p.pgid, p.sid})
        if (const Process* q = find_at(leader, s); q && q->exited) referenced.insert(q->key);
      if (p.entry_leader.valid()) referenced.insert(p.entry_leader);
    }
  }

  size_t n = 0;
  std::vector<Exited> keep;
  auto consider = [&](const Exited& x) {
    const Process* p = find(x.key);
    if (!p || !p->exited || p->exit_ts_boot_ns != x.exit_ts) return;  // gone or reused
    if (referenced.count(x.key)) {
      keep.push_back(x);
      ++stats_.retained_as_leader;
      return;
    }
    erase(x.key);
    ++n;
  };
  for (const auto& x : retained_) consider(x);
  while (!exited_.empty() && due(exited_.front().exit_ts)) {
    consider(exited_.front());
    exited_.pop_front();
  }
  retained_ = std::move(keep);
  stats_.reaped += n;
  return n;
}

ProcessInfo ProcessTree::info(const Process& p) const {
  ProcessInfo out;
  out.self = p;
  const uint64_t s = p.key.start_ticks;
  if (const Process* q = find_at(p.ppid, s)) out.has_parent = true, out.parent = *q;
  if (const Process* q = find_at(p.pgid, s)) out.has_group_leader = true, out.group_leader = *q;
  if (const Process* q = find_at(p.sid, s)) out.has_session_leader = true, out.session_leader = *q;
  if (p.entry_leader.valid()) {
    if (const Process* q = find(p.entry_leader)) out.has_entry_leader = true, out.entry_leader = *q;
  }
  return out;
}

std::optional<ProcessInfo> ProcessTree::lookup(int32_t pid, uint64_t at_boot_ns) const {
  // A process started at or before the event; +1 tick because start is truncated to a tick.
  const uint64_t max_ticks = at_boot_ns ? at_boot_ns / options_.ns_per_tick + 1 : UINT64_MAX;
  const Process* p = find_at(pid, max_ticks);
  if (!p) return std::nullopt;
  return info(*p);
}

}  // namespace proctree
