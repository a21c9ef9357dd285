#include "netlink/errno_name.h"

#include <libaudit.h>
#include <linux/audit.h>
#include <string.h>

namespace netlink {

std::string errno_name(int err) {
  // strerrorname_np/strerrordesc_np (glibc >= 2.32) are thread-safe and return nullptr
  // for unknown numbers, unlike strerror.
  const char* name = strerrorname_np(err);
  const char* desc = strerrordesc_np(err);
  if (!name) return "errno " + std::to_string(err);
  std::string s = name;
  if (desc) {
    s += " (";
    s += desc;
    s += ')';
  }
  return s;
}

std::string message_type_name(uint16_t type) {
  // Control requests (1000-1099) are not in libaudit's record-name table under these names.
  switch (type) {
    case AUDIT_GET: return "AUDIT_GET";
    case AUDIT_SET: return "AUDIT_SET";
    case AUDIT_LIST_RULES: return "AUDIT_LIST_RULES";
    case AUDIT_ADD_RULE: return "AUDIT_ADD_RULE";
    case AUDIT_DEL_RULE: return "AUDIT_DEL_RULE";
    case AUDIT_GET_FEATURE: return "AUDIT_GET_FEATURE";
    case AUDIT_SET_FEATURE: return "AUDIT_SET_FEATURE";
    case AUDIT_REPLACE: return "AUDIT_REPLACE";
    default: break;
  }
  if (const char* n = audit_msg_type_to_name(type)) return n;
  return "type " + std::to_string(type);
}

}  // namespace netlink
