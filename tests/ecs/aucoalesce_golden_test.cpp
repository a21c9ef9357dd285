// Golden: every go-libaudit aucoalesce/testdata/*.yaml case against its *.json.golden.
// The golden is aucoalesce's intermediate model; Auditbeat maps it to the document and the
// ingest pipeline reshapes that. The mapping from golden names to our stored names is
// written down in expected_fields() below. Ids are not resolved (the goldens hold ids only).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "ecs_test_support.h"

namespace {

using ecs_test::Flat;
using ecs_test::jq;

const std::string kDir = std::string(AUSPEX_CORPUS) + "/go-libaudit/aucoalesce/testdata";

struct Case {
  std::string file, name, text;
};

// The YAML is `tests:` with `  name: |` blocks of raw lines indented by four spaces.
std::vector<Case> read_cases(const std::string& file) {
  std::vector<Case> out;
  const std::string text = ecs_test::slurp(kDir + "/" + file);
  for (std::string_view line : ecs_test::split_lines(text)) {
    size_t ind = line.find_first_not_of(' ');
    if (ind == std::string_view::npos || line[ind] == '#') continue;
    if (ind == 2) {
      std::string_view name = line.substr(2);
      name = name.substr(0, name.rfind(':'));
      if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'')) name = name.substr(1, name.size() - 2);
      out.push_back({file, std::string(name), {}});
    } else if (ind >= 4 && !out.empty()) {
      out.back().text.append(line.substr(ind));
      out.back().text.push_back('\n');
    }
  }
  return out;
}

std::string underscores(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

// "2018-04-25T13:28:53.08Z" (Go trims zeros) -> "2018-04-25T13:28:53.080Z".
std::string ms_time(std::string t) {
  const size_t dot = t.find('.');
  if (dot == std::string::npos) return t.substr(0, t.size() - 1) + ".000Z";
  std::string frac = t.substr(dot + 1, t.size() - dot - 2);
  while (frac.size() < 3) frac.push_back('0');
  return t.substr(0, dot + 1) + frac.substr(0, 3) + "Z";
}

std::string str(simdjson::simdjson_result<simdjson::dom::element> e) { return std::string(std::string_view(e.get_string().value())); }
std::string str(simdjson::dom::element e) { return std::string(std::string_view(e.get_string().value())); }

std::string list(simdjson::dom::array a) {
  std::string s = "[";
  bool first = true;
  for (auto x : a) {
    if (!first) s += ",";
    first = false;
    s += jq(str(x));
  }
  return s + "]";
}

bool integer_text(const std::string& v) {
  if (v.empty()) return false;
  for (char c : v)
    if (c < '0' || c > '9') return false;
  return true;
}

// The mapping, golden model -> our stored document:
//   @timestamp (Go trims ms zeros)  -> @timestamp
//   sequence                        -> event.sequence
//   record_type                     -> auditd.message_type
//   result                          -> auditd.result, and event.outcome (fail -> failure)
//   session ("unset" is dropped)    -> auditd.session
//   tags                            -> tags
//   summary.actor/object/how        -> auditd.summary.*      summary.action -> event.action
//   ecs.event.kind/category/type    -> event.kind (default "event") / event.category / event.type
//   ecs.user{,.effective,.target,.changes}.{id,name} -> user.* ("unset" id -> absent)
//   ecs.group                       -> group.target.*
//   user.ids: auid -> auditd.user.audit.id, gid -> user.group.id, suid/sgid ->
//     auditd.user.saved.id/.group.id, fsuid/fsgid -> auditd.user.filesystem.*, old-auid/old_auid
//     -> auditd.user.old_auid.id, new_auid -> auditd.user.new_auid.id; uid -> user.id and euid/
//     egid -> user.effective.id/.group.id unless an ECS entity replaces them or user.effective
//     repeats user (Auditbeat drops it then); "unset" ids are absent
//   user.selinux.X                  -> auditd.user.selinux.X, only when some user id is set
//     (Auditbeat's addUser writes selinux inside its loop over the non-"unset" ids)
//   process.pid/ppid/title/name/exe/cwd/args -> process.pid/parent.pid/title/name/executable/
//     working_directory/args (pids as numbers)
//   file.path/device/inode/mode/uid/gid -> file.*;  file.selinux.X -> auditd.file.selinux.X
//   source|destination.ip/port/path -> source|destination.ip/port (number)/address
//   network.direction               -> network.direction
//   data.X -> auditd.data.X with socket_Y -> socket.Y, '-' -> '_', data.id -> event.id, and the
//     pipeline's long fields as numbers
//   paths[i].X                      -> auditd.paths[i].X ('-' -> '_')
Flat expected_fields(simdjson::dom::element ev) {
  Flat f;
  f["@timestamp"] = jq(ms_time(str(ev["@timestamp"])));
  f["event.sequence"] = std::to_string(uint64_t(ev["sequence"].get_uint64().value()));
  f["auditd.message_type"] = jq(str(ev["record_type"]));
  std::string result;
  if (ev["result"].get_string().error() == simdjson::SUCCESS) {
    result = str(ev["result"]);
    f["auditd.result"] = jq(result);
  }
  std::string session;
  if (ev["session"].get_string().error() == simdjson::SUCCESS) session = str(ev["session"]);
  if (!session.empty() && session != "unset") f["auditd.session"] = jq(session);
  simdjson::dom::array arr;
  if (ev["tags"].get(arr) == simdjson::SUCCESS) f["tags"] = list(arr);

  auto copy = [&](simdjson::simdjson_result<simdjson::dom::element> obj, const char* key, const std::string& to) {
    std::string_view v;
    if (obj[key].get(v) == simdjson::SUCCESS && !v.empty()) f[to] = jq(v);
  };
  auto s = ev["summary"];
  copy(s["actor"], "primary", "auditd.summary.actor.primary");
  copy(s["actor"], "secondary", "auditd.summary.actor.secondary");
  copy(s["object"], "type", "auditd.summary.object.type");
  copy(s["object"], "primary", "auditd.summary.object.primary");
  copy(s["object"], "secondary", "auditd.summary.object.secondary");
  copy(s, "how", "auditd.summary.how");
  copy(s, "action", "event.action");

  auto ecs = ev["ecs"];
  std::string_view kind = "event";
  (void)ecs["event"]["kind"].get(kind);
  f["event.kind"] = jq(kind);
  if (ecs["event"]["category"].get(arr) == simdjson::SUCCESS) f["event.category"] = list(arr);
  if (ecs["event"]["type"].get(arr) == simdjson::SUCCESS) f["event.type"] = list(arr);
  std::string_view outcome;
  if (ecs["event"]["outcome"].get(outcome) == simdjson::SUCCESS) {
    f["event.outcome"] = jq(outcome);
  } else if (!result.empty()) {
    f["event.outcome"] = jq(result == "fail" ? "failure" : result);
  }

  // ECS entities first: they decide user.id/name and user.effective.
  auto entity = [&](simdjson::simdjson_result<simdjson::dom::element> e, const std::string& to) -> bool {
    std::string_view id, name;
    (void)e["id"].get(id);
    (void)e["name"].get(name);
    if (id.empty() && name.empty()) return false;
    if (!id.empty() && id != "unset") f[to + ".id"] = jq(id);
    if (!name.empty()) f[to + ".name"] = jq(name);
    return true;
  };
  const bool ecs_user = entity(ecs["user"], "user");
  const bool ecs_eff = entity(ecs["user"]["effective"], "user.effective");
  entity(ecs["user"]["target"], "user.target");
  entity(ecs["user"]["changes"], "user.changes");
  entity(ecs["group"], "group.target");

  simdjson::dom::object ids;
  if (ev["user"]["ids"].get(ids) == simdjson::SUCCESS) {
    std::string_view uid, euid;
    (void)ids["uid"].get(uid);
    (void)ids["euid"].get(euid);
    std::string user_id = ecs_user ? (f.count("user.id") ? f["user.id"] : "") : (uid == "unset" ? "" : jq(uid));
    std::string eff_id = ecs_eff ? (f.count("user.effective.id") ? f["user.effective.id"] : "")
                                 : (euid.empty() || euid == "unset" ? "" : jq(euid));
    const bool eff_dropped = !user_id.empty() && user_id == eff_id;
    for (auto [k, v] : ids) {
      std::string_view value = v.get_string().value();
      if (value == "unset") continue;
      std::string key(k), to;
      if (key == "auid") to = "auditd.user.audit.id";
      else if (key == "gid") to = "user.group.id";
      else if (key == "suid") to = "auditd.user.saved.id";
      else if (key == "sgid") to = "auditd.user.saved.group.id";
      else if (key == "fsuid") to = "auditd.user.filesystem.id";
      else if (key == "fsgid") to = "auditd.user.filesystem.group.id";
      else if (key == "old-auid" || key == "old_auid") to = "auditd.user.old_auid.id";
      else if (key == "new-auid" || key == "new_auid") to = "auditd.user.new_auid.id";
      else if (key == "uid") to = ecs_user ? "" : "user.id";
      else if (key == "euid") to = (ecs_eff || eff_dropped) ? "" : "user.effective.id";
      else if (key == "egid") to = eff_dropped ? "" : "user.effective.group.id";
      else to = "user." + underscores(key) + ".id";
      if (!to.empty()) f[to] = jq(value);
    }
    if (eff_dropped) {
      f.erase("user.effective.id");
      f.erase("user.effective.name");
    }
  }
  bool any_id = false;
  if (ev["user"]["ids"].get(ids) == simdjson::SUCCESS)
    for (auto [k, v] : ids) any_id = any_id || std::string_view(v.get_string().value()) != "unset";
  simdjson::dom::object obj;
  if (any_id && ev["user"]["selinux"].get(obj) == simdjson::SUCCESS)
    for (auto [k, v] : obj) f["auditd.user.selinux." + std::string(k)] = jq(str(v));

  auto p = ev["process"];
  std::string_view v;
  if (p["pid"].get(v) == simdjson::SUCCESS) f["process.pid"] = std::string(v);
  if (p["ppid"].get(v) == simdjson::SUCCESS) f["process.parent.pid"] = std::string(v);
  copy(p, "title", "process.title");
  copy(p, "name", "process.name");
  copy(p, "exe", "process.executable");
  copy(p, "cwd", "process.working_directory");
  if (p["args"].get(arr) == simdjson::SUCCESS) f["process.args"] = list(arr);

  auto file = ev["file"];
  for (const char* k : {"path", "device", "inode", "mode", "uid", "gid"}) copy(file, k, std::string("file.") + k);
  if (file["selinux"].get(obj) == simdjson::SUCCESS)
    for (auto [k, val] : obj) f["auditd.file.selinux." + std::string(k)] = jq(str(val));

  for (const char* side : {"source", "destination"}) {
    auto a = ev[side];
    copy(a, "ip", std::string(side) + ".ip");
    copy(a, "path", std::string(side) + ".address");
    if (a["port"].get(v) == simdjson::SUCCESS) f[std::string(side) + ".port"] = std::string(v);
  }
  copy(ev["network"], "direction", "network.direction");

  static const std::set<std::string> kLong = {"removed", "items", "lport", "rport", "sport", "dport",
                                              "entries", "argc", "seqno", "nargs", "old_vcpu", "new_vcpu",
                                              "changed", "added", "spid", "opid", "nlnk_pid", "vm_pid",
                                              "audit_pid", "socket.port"};
  if (ev["data"].get(obj) == simdjson::SUCCESS) {
    for (auto [k, val] : obj) {
      std::string key = std::string(k);
      std::string value = str(val);
      if (key == "id") {
        f["event.id"] = jq(value);
        continue;
      }
      if (key.starts_with("socket_")) key = "socket." + key.substr(7);
      key = underscores(key);
      f["auditd.data." + key] = kLong.count(key) && integer_text(value) ? value : jq(value);
    }
  }
  simdjson::dom::array paths;
  if (ev["paths"].get(paths) == simdjson::SUCCESS) {
    size_t i = 0;
    for (auto path : paths) {
      simdjson::dom::object po = path.get_object().value();
      for (auto [k, val] : po)
        f["auditd.paths[" + std::to_string(i) + "]." + underscores(std::string(k))] = jq(str(val));
      ++i;
    }
  }
  return f;
}

// Our fields that must match the golden exactly in these groups (no extras allowed).
bool checked_group(const std::string& k) {
  for (const char* p : {"auditd.data.", "auditd.summary.", "auditd.paths", "process.", "file.", "source.",
                        "destination.", "auditd.user.", "user.", "group."})
    if (k.starts_with(p)) return true;
  return false;
}

// Deliberate differences, {case, field, reason}.
struct Difference {
  const char* test;
  const char* path;
  const char* reason;
};
const Difference kDeliberate[] = {
    // process.args_count is ours (argc kept, USERS.md #9); Auditbeat has no such field.
    {"*", "process.args_count", "ECS process.args_count from EXECVE argc"},
};

bool deliberate(const std::string& test, const std::string& path) {
  for (const Difference& d : kDeliberate)
    if ((std::string(d.test) == "*" || test == d.test) && path == d.path) return true;
  return false;
}

class AucoalesceGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(AucoalesceGolden, CasesMatch) {
  const std::string yaml = GetParam();
  const std::string golden_file = yaml.substr(0, yaml.size() - 5) + ".json.golden";
  ecs::Options opt;
  opt.resolve_ids = false;
  opt.include_warnings = true;
  auto factory = ecs::make_ecs_factory(opt);

  simdjson::dom::parser gp;
  simdjson::dom::element golden = gp.load(kDir + "/" + golden_file);
  std::map<std::string, simdjson::dom::element> by_name;
  simdjson::dom::array cases = golden.get_array();
  for (auto c : cases) by_name[str(c["test_name"])] = c;

  size_t total = 0, equal = 0, warn_equal = 0;
  for (const Case& c : read_cases(yaml)) {
    ++total;
    auto it = by_name.find(c.name);
    if (it == by_name.end()) {
      ADD_FAILURE() << yaml << ": no golden for " << c.name;
      continue;
    }
    auto events = ecs_test::events_from_log(c.text);
    ASSERT_EQ(events.size(), 1u) << c.name;
    auto docs = ecs_test::format_all(*factory, events);
    simdjson::dom::parser dp;
    simdjson::dom::element d;
    ASSERT_EQ(dp.parse(docs[0]).get(d), simdjson::SUCCESS) << docs[0];
    Flat got = ecs_test::flatten(d);
    Flat want = expected_fields(it->second["event"]);
    size_t diffs = 0;
    for (const auto& [k, v] : want) {
      auto g = got.find(k);
      if ((g != got.end() && g->second == v) || deliberate(c.name, k)) continue;
      ++diffs;
      ADD_FAILURE() << yaml << " [" << c.name << "] " << k << ": want " << v << " got "
                    << (g == got.end() ? std::string("<missing>") : g->second);
    }
    for (const auto& [k, v] : got) {
      if (want.count(k) || !checked_group(k) || deliberate(c.name, k)) continue;
      ++diffs;
      ADD_FAILURE() << yaml << " [" << c.name << "] " << k << ": unexpected " << v;
    }
    if (diffs == 0) ++equal;

    // Warnings: same set (aucoalesce's golden lists them sorted).
    std::vector<std::string> want_w, got_w;
    simdjson::dom::array warr;
    if (it->second["warnings"].get(warr) == simdjson::SUCCESS)
      for (auto w : warr) want_w.push_back(str(w));
    simdjson::dom::array garr;
    if (d["auditd"]["warnings"].get(garr) == simdjson::SUCCESS)
      for (auto w : garr) got_w.push_back(str(w));
    std::sort(want_w.begin(), want_w.end());
    std::sort(got_w.begin(), got_w.end());
    if (want_w == got_w) {
      ++warn_equal;
    } else {
      std::string a, b;
      for (auto& x : want_w) a += "\n    want: " + x;
      for (auto& x : got_w) b += "\n    got:  " + x;
      ADD_FAILURE() << yaml << " [" << c.name << "] warnings differ" << a << b;
    }
  }
  std::printf("[ aucoalesce ] %s: %zu/%zu cases equal, %zu/%zu warning sets equal\n", yaml.c_str(), equal,
              total, warn_equal, total);
}

std::vector<std::string> yamls() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(kDir))
    if (e.path().extension() == ".yaml") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, AucoalesceGolden, ::testing::ValuesIn(yamls()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

}  // namespace
