#include "rules/rule_set.h"

namespace rules {

std::string Diagnostic::to_string() const {
  if (where.line <= 0) return where.file + ": " + message;
  return where.file + ":" + std::to_string(where.line) + ": " + message;
}

}  // namespace rules
