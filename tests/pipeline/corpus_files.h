// The raw audit logs of shared/corpus (files whose lines are auditd records).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "record/header.h"
#include "testing/subprocess.h"

namespace corpus {

inline std::vector<std::string> raw_logs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(AUSPEX_CORPUS)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension();
    if (ext != ".log" && ext != ".txt") continue;
    // A raw log: its first non-blank line is an audit record.
    const std::string text = testing_support::slurp(e.path());
    const auto nl = text.find('\n');
    record::Header h;
    if (record::parse_log_header(text.substr(0, nl), h) == record::HeaderError::kNone)
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace corpus
