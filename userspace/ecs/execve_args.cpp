#include "ecs/execve_args.h"

#include <charconv>

#include "ecs/record_interpreter.h"

namespace ecs {
namespace {

// Parses "a<N>", "a<N>_len" or "a<N>[<I>]"; kind 0 = whole, 1 = len, 2 = chunk.
bool parse_arg_key(std::string_view k, uint64_t& n, int& kind) {
  if (k.size() < 2 || k[0] != 'a') return false;
  const char* b = k.data() + 1;
  const char* e = k.data() + k.size();
  auto [p, ec] = std::from_chars(b, e, n);
  if (ec != std::errc() || p == b) return false;
  std::string_view rest(p, static_cast<size_t>(e - p));
  if (rest.empty()) { kind = 0; return true; }
  if (rest == "_len") { kind = 1; return true; }
  if (rest.front() == '[' && rest.back() == ']') { kind = 2; return true; }
  return false;
}

// Kernel hex is checked and decoded in one pass; text that is not hex is appended as is.
void append_value(const FieldMap::Entry& e, std::string& out) {
  if (!e.quoted && append_kernel_hex(e.value, out, true)) return;
  out.append(e.value);
}

}  // namespace

void ExecveArgs::begin() {
  used_ = 0;
  argc_ = -1;
  argc_text_.clear();
  seen_ = false;
  out_of_range_ = 0;
}

ExecveArgs::Arg* ExecveArgs::slot(uint64_t index) {
  if (argc_ < 0 || index >= static_cast<uint64_t>(argc_)) {
    ++out_of_range_;
    return nullptr;
  }
  while (used_ <= index) {
    if (used_ == args_.size()) args_.emplace_back();
    args_[used_].text.clear();
    args_[used_].present = false;
    ++used_;
  }
  return &args_[index];
}

void ExecveArgs::add(const FieldMap& fields) {
  seen_ = true;
  if (argc_ < 0) {
    if (const std::string_view* a = fields.find("argc")) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(a->data(), a->data() + a->size(), v);
      if (ec == std::errc() && p == a->data() + a->size() && v >= 0) {
        argc_ = v > kMaxExecveArgs ? kMaxExecveArgs : v;
        argc_text_.assign(*a);
      }
    }
  }
  for (const FieldMap::Entry& e : fields) {
    uint64_t n = 0;
    int kind = 0;
    if (!parse_arg_key(e.key, n, kind) || kind == 1) continue;
    Arg* arg = slot(n);
    if (!arg) continue;
    // Chunks arrive in order, across records too; a whole aN replaces anything before it.
    if (kind == 0) arg->text.clear();
    append_value(e, arg->text);
    arg->present = true;
  }
}

void ExecveArgs::finish(ProcessInfo& process, FieldMap& data, std::vector<std::string>& warnings) {
  if (!seen_) return;
  if (argc_ < 0) {
    warnings.emplace_back("argc key not found in EXECVE message");
    return;
  }
  data.set("argc", argc_text_);
  process.args_count = argc_;
  size_t present = 0;
  int64_t first_missing = -1;
  for (size_t i = 0; i < used_; ++i) {
    if (!args_[i].present) {
      if (first_missing < 0) first_missing = static_cast<int64_t>(i);
      continue;
    }
    if (process.nargs == process.args.size()) process.args.emplace_back();
    std::swap(process.args[process.nargs++], args_[i].text);
    ++present;
  }
  if (first_missing < 0 && used_ < static_cast<size_t>(argc_)) first_missing = static_cast<int64_t>(used_);
  if (first_missing >= 0) {
    warnings.push_back("failed to find arg a" + std::to_string(first_missing) + ": process.args holds " +
                       std::to_string(present) + " of argc=" + std::to_string(argc_) + " arguments");
  }
  if (out_of_range_ > 0) {
    warnings.push_back("EXECVE has " + std::to_string(out_of_range_) + " argument field(s) beyond argc");
  }
}

}  // namespace ecs
