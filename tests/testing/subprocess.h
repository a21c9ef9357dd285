// Runs a shell command for CLI tests and captures stdout, stderr and the exit code.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace testing_support {

struct Ran {
  int rc = -1;
  std::string out, err;
};

// fork + exec of /bin/true, waited for: one exec and one exit_group event. Returns its pid.
inline pid_t run_true() {
  pid_t c = fork();
  if (c == 0) {
    execl("/bin/true", "true", (char*)nullptr);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
  return c;
}

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// This test binary's own path (tests re-execute themselves as workload processes).
inline std::string self_exe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

inline Ran run(const std::string& cmd, const std::string& stdin_text = {}) {
  char dir[] = "/tmp/auspex-test-XXXXXX";
  if (!mkdtemp(dir)) return {};
  const std::string d = dir;
  {
    std::ofstream in(d + "/in", std::ios::binary);
    in << stdin_text;
  }
  const std::string full = "(" + cmd + ") <" + d + "/in >" + d + "/out 2>" + d + "/err";
  const int status = std::system(full.c_str());
  Ran r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(d + "/out");
  r.err = slurp(d + "/err");
  std::system(("rm -rf " + d).c_str());
  return r;
}

}  // namespace testing_support

// The last line of text that starts with '{' (the --stats line on stderr).
inline std::string last_json_line(const std::string& text) {
  size_t end = text.size();
  while (end > 0) {
    size_t start = text.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    if (start < text.size() && text[start] == '{') return text.substr(start, end - start);
    if (start == 0) break;
    end = start - 1;
  }
  return {};
}
