// CTest fixture steps around every audit kernel test:
//   netlink_audit_state save FILE     record the state at rest (FIXTURES_SETUP)
//   netlink_audit_state restore FILE  put it back, whatever a test left (FIXTURES_CLEANUP)
// restore exits 1 if the state still differs afterwards, so a leak shows up as a failure.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "audit_reset.h"
#include "netlink/control_client.h"

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "save") && std::strcmp(argv[1], "restore"))) {
    std::fprintf(stderr, "usage: %s save|restore FILE\n", argv[0]);
    return 2;
  }
  if (::geteuid() != 0) {
    std::printf("not root: the audit state cannot be read or changed; nothing to do\n");
    return 0;
  }
  netlink_test::AuditLock lock;
  const std::string path = argv[2];
  if (!std::strcmp(argv[1], "save")) {
    auto c = netlink::ControlClient::open();
    if (!c) { std::fprintf(stderr, "%s\n", c.error().message.c_str()); return 1; }
    auto st = c->get_status();
    if (!st) { std::fprintf(stderr, "%s\n", st.error().message.c_str()); return 1; }
    auto rules = c->list_rules();
    if (st->pid != 0 || (rules && !rules->empty()) || st->enabled != 0) {
      // Something is live already (another test run, a collector): record the machine's
      // documented rest state instead of the transient one.
      std::fprintf(stderr, "audit not at rest (enabled=%u pid=%u rules=%zu): recording MACHINE.md's rest state\n",
                   st->enabled, st->pid, rules ? rules->size() : size_t{0});
      auto rest = netlink_test::machine_rest_state();
      rest.backlog_limit = st->backlog_limit;
      rest.failure = st->failure;
      rest.rate_limit = st->rate_limit;
      rest.backlog_wait_time = st->backlog_wait_time;
      st.value() = rest;
    }
    st->pid = 0;
    if (auto w = netlink_test::write_state_file(path, st.value()); !w) {
      std::fprintf(stderr, "%s\n", w.error().message.c_str());
      return 1;
    }
    std::printf("recorded audit state at rest in %s\n", path.c_str());
    return 0;
  }
  auto rest = netlink_test::read_state_file(path);
  netlink::Status want = rest ? rest.value() : netlink_test::machine_rest_state();
  if (!rest) std::fprintf(stderr, "%s: using MACHINE.md's rest state\n", rest.error().message.c_str());
  auto r = netlink_test::reset_audit_state(want);
  if (!r) std::fprintf(stderr, "reset: %s\n", r.error().message.c_str());
  std::string diff = netlink_test::diff_from_rest(want);
  if (!diff.empty()) {
    std::fprintf(stderr, "audit state still differs from rest: %s\n", diff.c_str());
    return 1;
  }
  std::printf("audit state at rest\n");
  return 0;
}
