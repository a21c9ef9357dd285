// Runs `auspex proctree ARGS...` for the CLI tests: starts it, waits for its "ready" line,
// runs a workload, and returns the NDJSON lines it printed.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace proctree::testing {

struct CliRun {
  std::vector<std::string> lines;
  std::string err;
  int status = -1;
};

inline std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  return out;
}

inline CliRun run_proctree_cli(std::vector<std::string> args, const std::function<void()>& workload) {
  CliRun r;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) return r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> argv{const_cast<char*>(AUSPEX_BINARY), const_cast<char*>("proctree")};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(AUSPEX_BINARY, argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  // stderr until "ready" (bounded: 10 s)
  for (int i = 0; i < 100 && r.err.find("ready") == std::string::npos; ++i) {
    pollfd p{err[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[4096];
      ssize_t n = read(err[0], buf, sizeof buf);
      if (n <= 0) break;
      r.err.append(buf, size_t(n));
    }
  }
  if (r.err.find("ready") != std::string::npos) workload();
  // --duration ends it; stdout is drained to EOF so it never blocks on a full pipe
  std::string text = read_all(out[0]);
  r.err += read_all(err[0]);
  close(out[0]);
  close(err[0]);
  waitpid(pid, &r.status, 0);
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) r.lines.push_back(l);
  return r;
}

// Runs argv and returns its pid once it has exited.
inline pid_t run_and_wait(const char* path, std::vector<const char*> argv) {
  argv.push_back(nullptr);
  pid_t p = fork();
  if (p == 0) {
    execv(path, const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  waitpid(p, nullptr, 0);
  return p;
}

}  // namespace proctree::testing
