// The canonical session tree of the proctree tests (SESSION_VIEW.md §5 scenarios 1 and 5
// in one SSH session). pid (ppid, pgid, sid; ctty) -> expected entry leader:
//
//   systemd 1          (0,1,1)                      none (rule 1)
//   └─ sshd 800        (1,800,800)                  800 init
//      └─ sshd 1000    (800,1000,1000)              800 init   (sshd-session in OpenSSH 9.8)
//         └─ sshd 1001 (1000,1000,1000) fork only   800 init
//            └─ bash 1002 (1001,1002,1002; 136:0)   1002 sshd  <- the session
//               ├─ ls 1003    (1002,1003,1002)      1002
//               ├─ cat 1004   (1002,1004,1002)  \   1002       a pipeline: one group
//               ├─ grep 1005  (1002,1004,1002)  /   1002
//               ├─ sleep 1006 (1002,1006,1002) &    1002       a background job
//               └─ sh 1007    (1002,1007,1002)      1002
//                  └─ tmux 1500 (1007,1500,1500)    1002       fork + setsid, no exec
//                     └─ bash 1600 (1500,1600,1600; 136:1)  1002 sshd (inherited, rule 3)
//                        └─ vim 1610 (1600,1610,1600)        1002
#pragma once

#include "synthetic.h"

namespace proctree::testing {

namespace fixture {
inline constexpr P kInit{1, 0, 1, 1};
inline constexpr P kSshd{800, 1, 800, 800};
inline constexpr P kSshdConn{1000, 800, 1000, 1000};
inline constexpr P kSshdPriv{1001, 1000, 1000, 1000};
inline constexpr P kBash{1002, 1001, 1002, 1002, 0, 136, 0};
inline constexpr P kLs{1003, 1002, 1003, 1002, 0, 136, 0};
inline constexpr P kCat{1004, 1002, 1004, 1002, 0, 136, 0};
inline constexpr P kGrep{1005, 1002, 1004, 1002, 0, 136, 0};
inline constexpr P kSleep{1006, 1002, 1006, 1002, 0, 136, 0};
inline constexpr P kSh{1007, 1002, 1007, 1002, 0, 136, 0};
inline constexpr P kTmux{1500, 1007, 1500, 1500};  // after setsid: no ctty
inline constexpr P kPaneBash{1600, 1500, 1600, 1600, 0, 136, 1};
inline constexpr P kVim{1610, 1600, 1610, 1600, 0, 136, 1};
}  // namespace fixture

// Applies the fixture as the kernel reports it: fork then exec of each process, the
// pipeline's setpgid by the shell, the tmux server's fork + setsid.
inline void build_session_fixture(ProcessTree& t, Synth& s, const char* conn_exe = "/usr/sbin/sshd") {
  using namespace fixture;
  t.bootstrap(s.exec(kInit, "/sbin/init", {"/sbin/init"}));
  t.apply(s.fork(kSshd, 1));
  t.apply(s.exec(kSshd, "/usr/sbin/sshd", {"/usr/sbin/sshd", "-D"}));
  t.apply(s.fork({1000, 800, 800, 800}, 800));
  t.apply(s.setsid(kSshdConn));
  t.apply(s.exec(kSshdConn, conn_exe));
  t.apply(s.fork(kSshdPriv, 1000));
  t.apply(s.fork({1002, 1001, 1000, 1000}, 1001));
  t.apply(s.setsid({1002, 1001, 1002, 1002}));
  t.apply(s.exec(kBash, "/bin/bash", {"-bash"}, "/home/u"));
  // ls: bash forks, the child setpgid(0,0) (job control), execs
  t.apply(s.fork({1003, 1002, 1002, 1002, 0, 136, 0}, 1002));
  t.apply(s.setpgid(kLs, 1003, 1003));
  t.apply(s.exec(kLs, "/bin/ls", {"ls", "-l"}, "/home/u"));
  // cat | grep: both children join the group of the first
  t.apply(s.fork({1004, 1002, 1002, 1002, 0, 136, 0}, 1002));
  t.apply(s.setpgid(kCat, 1004, 1004));
  t.apply(s.fork({1005, 1002, 1002, 1002, 0, 136, 0}, 1002));
  t.apply(s.setpgid(kBash, 1005, 1004));  // the shell moves the second child
  t.apply(s.exec(kCat, "/bin/cat", {"cat", "f"}, "/home/u"));
  t.apply(s.exec(kGrep, "/bin/grep", {"grep", "x"}, "/home/u"));
  // sleep 100 &
  t.apply(s.fork({1006, 1002, 1002, 1002, 0, 136, 0}, 1002));
  t.apply(s.setpgid(kSleep, 1006, 1006));
  t.apply(s.exec(kSleep, "/bin/sleep", {"sleep", "100"}, "/home/u"));
  // sh -c 'tmux': sh forks the server, which calls setsid (drops the ctty) and never execs
  t.apply(s.fork({1007, 1002, 1002, 1002, 0, 136, 0}, 1002));
  t.apply(s.setpgid(kSh, 1007, 1007));
  t.apply(s.exec(kSh, "/bin/sh", {"sh", "-c", "tmux"}, "/home/u"));
  t.apply(s.fork({1500, 1007, 1007, 1002, 0, 136, 0}, 1007));
  t.apply(s.setsid(kTmux));
  t.apply(s.fork({1600, 1500, 1500, 1500}, 1500));
  t.apply(s.setsid({1600, 1500, 1600, 1600}));
  t.apply(s.exec(kPaneBash, "/bin/bash", {"-bash"}, "/home/u"));
  t.apply(s.fork({1610, 1600, 1600, 1600, 0, 136, 1}, 1600));
  t.apply(s.setpgid(kVim, 1610, 1610));
  t.apply(s.exec(kVim, "/usr/bin/vim", {"vim"}, "/home/u"));
}

}  // namespace proctree::testing
