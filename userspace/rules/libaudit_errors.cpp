#include "rules/libaudit_errors.h"

#include <libaudit.h>

#include <array>

namespace rules {
namespace {

bool is_uid_field(int field) {
  switch (field) {
    case AUDIT_UID: case AUDIT_EUID: case AUDIT_SUID: case AUDIT_FSUID:
    case AUDIT_LOGINUID: case AUDIT_OBJ_UID:
      return true;
    default:
      return false;
  }
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  out.append(s);
  out.push_back('\'');
  return out;
}

}  // namespace

bool split_pair(std::string_view pair, SplitPair& out) {
  // Same search order as libaudit: the first operator kind that occurs anywhere wins.
  static constexpr std::array<std::string_view, 8> kOps = {"!=", ">=", "<=", "&=", "=", ">", "<", "&"};
  for (std::string_view op : kOps) {
    const size_t at = pair.find(op);
    if (at == std::string_view::npos) continue;
    out.field = pair.substr(0, at);
    out.op = op;
    out.value = pair.substr(at + op.size());
    return true;
  }
  return false;
}

std::string describe_pair_error(int rc, PairOption option, std::string_view pair) {
  const std::string opt = option == PairOption::kField ? "-F" : "-C";
  SplitPair p;
  const bool has_op = split_pair(pair, p);
  const std::string head = opt + " " + std::string(pair) + ": ";
  const std::string f = has_op ? quoted(p.field) : quoted(pair);
  const std::string v = has_op ? quoted(p.value) : std::string("''");
  const int field = has_op ? audit_name_to_field(std::string(p.field).c_str()) : -1;

  switch (-rc) {
    case 1:  // EAU_OPMISSING
      return head + "no operator; write field=value (operators: = != < > <= >= & &=)";
    case 2:  // EAU_FIELDUNKNOWN (libaudit 3.0 also returns it for unknown users/groups)
      if (field >= 0 && is_uid_field(field))
        return head + "unknown user " + v + "; use a user name from the passwd database or a number";
      if (field >= 0)
        return head + "unknown group " + v + "; use a group name or a number";
      return head + "unknown field " + f + "; see auditctl(8) for the field names";
    case 3:  // EAU_ARCHMISPLACED
      return head + "arch= must come before the first -S (syscall numbers depend on it); move it in front";
    case 4:  // EAU_ARCHUNKNOWN
    case 5:  // EAU_ELFUNKNOWN
      return head + "unknown architecture " + v + "; use b64, b32 or a machine name such as x86_64 or i386";
    case 6:  // EAU_ARCHNOBIT
      return head + "this machine has no " + std::string(p.value) + " syscall ABI";
    case 7:  // EAU_EXITONLY
      return head + "field " + f + " can only be used on the exit list (-a always,exit)";
    case 8:  // EAU_MSGTYPEUNKNOWN
      return head + "unknown message type " + v + "; use a record type name such as USER_LOGIN or a number";
    case 9:  // EAU_MSGTYPEEXCLUDEUSER
      return head + "msgtype can only be used on the exclude or user list";
    case 10:  // EAU_UPGRADEFAIL
      return head + "libaudit could not grow the rule (out of memory)";
    case 11:  // EAU_STRTOOLONG
      return head + "value too long (a key holds at most 256 bytes, a path PATH_MAX)";
    case 12:  // EAU_MSGTYPECREDEXCLUDE
      return head + "the exclude list only takes msgtype, pid, uid, gid, auid, subj_* (and exe) fields";
    case 13:  // EAU_OPEQNOTEQ
      if (option == PairOption::kCompare) return head + "a comparison only takes = or !=";
      return head + "field " + f + " only takes = or !=";
    case 14:  // EAU_PERMRWXA
      return head + "permission " + v + " may only contain the letters r, w, x and a";
    case 15:  // EAU_ERRUNKNOWN
      return head + "unknown errno name " + v + "; use a name such as -EACCES or a number such as -13";
    case 16:  // EAU_FILETYPEUNKNOWN
      return head + "unknown file type " + v + "; use file, dir, socket, link, character, block or fifo";
    case 17:  // EAU_EXITENTRYONLY
      return head + "field " + f + " can only be used on the exit list";
    case 19:  // EAU_KEYDEP
      return head + "a key needs a syscall (-S), a watch (-w, -F path=, -F dir=) or -F exe= before it";
    case 20:  // EAU_FIELDVALMISSING
      return head + "no value after the operator";
    case 21:  // EAU_FIELDVALNUM
      return head + "field " + f + " needs a number, got " + v;
    case 22:  // EAU_FIELDNAME
    case 24:  // EAU_COMPFIELDNAME
      return head + "no field name before the operator";
    case 25:  // EAU_COMPVAL
      return head + "no field name after the operator";
    case 26:  // EAU_COMPFIELDUNKNOWN
      return head + "unknown field " + f + "; compare uid, euid, suid, fsuid, auid, obj_uid or the gid fields";
    case 27:  // EAU_COMPVALUNKNOWN
      return head + "unknown field " + v + " on the right of the comparison";
    case 28:  // EAU_FIELDTOOMANY
      return head + "too many fields in one rule (the kernel takes at most 64)";
    case 29:  // EAU_OPEQ
      return head + "field " + f + " only takes =";
    case 30:  // EAU_FIELDNOSUPPORT
      return head + "field " + f +
             " is not supported here by the running kernel (libaudit asks the kernel for its "
             "features, which needs CAP_AUDIT_CONTROL)";
    case 31:  // EAU_FIELDNOFILTER
      return head + "field " + f + " must be used with the exclude, user or exit list";
    case 32:  // EAU_FILTERMISSING
      return head + "the rule has no list; start it with -a action,list";
    case 33:  // EAU_COMPINCOMPAT
      return head + "these fields cannot be compared; compare a uid field with a uid field or a gid field with a gid field";
    case 34:  // EAU_FIELDUNAVAIL
      return head + "field " + f + " is not valid on this list";
    case 35:  // EAU_FILTERNOSUPPORT
      return head + "the running kernel does not support this list";
    case 36:  // EAU_FSTYPEUNKNOWN
      return head + "unknown file system type " + v + "; use a name such as debugfs or tracefs";
    case 37:  // EAU_FIELDVALTOOBIG
      return head + "value " + v + " is too large for field " + f;
    case 38:  // libaudit 3.0.9: user or group name not found
      if (field >= 0 && is_uid_field(field))
        return head + "unknown user " + v + "; use a user name from the passwd database or a number";
      return head + "unknown group " + v + "; use a group name from the group database or a number";
    default:
      return head + "rejected by libaudit (code " + std::to_string(rc) + ")";
  }
}

}  // namespace rules
