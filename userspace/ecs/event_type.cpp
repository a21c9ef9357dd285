#include "ecs/event_type.h"

#include <libaudit.h>

namespace ecs {

std::string_view audit_event_class(uint16_t t) {
  auto in = [t](int lo, int hi) { return t >= lo && t <= hi; };
  if (in(AUDIT_USER_AUTH, AUDIT_USER_END) || in(AUDIT_USER_CHAUTHTOK, AUDIT_CRED_REFR) ||
      in(AUDIT_USER_LOGIN, AUDIT_USER_LOGOUT) || t == AUDIT_GRP_AUTH)
    return "user-login";
  if (in(AUDIT_ADD_USER, AUDIT_DEL_GROUP) || in(AUDIT_GRP_MGMT, AUDIT_GRP_CHAUTHTOK) ||
      in(AUDIT_ACCT_LOCK, AUDIT_ACCT_UNLOCK))
    return "user-account";
  if (t == AUDIT_KERNEL || in(AUDIT_SYSTEM_BOOT, AUDIT_SERVICE_STOP)) return "system-services";
  if (t == AUDIT_USYS_CONFIG || t == AUDIT_CONFIG_CHANGE || t == AUDIT_NETFILTER_CFG ||
      in(AUDIT_FEATURE_CHANGE, AUDIT_REPLACE))
    return "configuration";
  if (t == AUDIT_SECCOMP) return "dac-decision";
  if (in(AUDIT_CHGRP_ID, AUDIT_TRUSTED_APP) || t == AUDIT_USER_CMD || t == AUDIT_CHUSER_ID) return "user-space";
  if (t == AUDIT_USER_TTY || t == AUDIT_TTY) return "TTY";
  if (in(AUDIT_DAEMON_START, AUDIT_LAST_DAEMON)) return "audit-daemon";
  if (t == AUDIT_USER_SELINUX_ERR || t == AUDIT_USER_AVC || in(AUDIT_APPARMOR_ALLOWED, AUDIT_APPARMOR_DENIED) ||
      t == AUDIT_APPARMOR_ERROR || in(AUDIT_AVC, AUDIT_AVC_PATH))
    return "mac-decision";
  if (in(AUDIT_INTEGRITY_DATA, AUDIT_INTEGRITY_LAST_MSG) || t == AUDIT_ANOM_RBAC_INTEGRITY_FAIL) return "integrity";
  if (in(AUDIT_ANOM_PROMISCUOUS, AUDIT_LAST_KERN_ANOM_MSG) || in(AUDIT_ANOM_LOGIN_FAILURES, AUDIT_ANOM_RBAC_FAIL) ||
      in(AUDIT_ANOM_CRYPTO_FAIL, AUDIT_LAST_ANOM_MSG))
    return "anomaly";
  if (in(AUDIT_RESP_ANOMALY, AUDIT_LAST_ANOM_RESP)) return "anomaly-response";
  if (in(AUDIT_MAC_POLICY_LOAD, AUDIT_LAST_SELINUX) || in(AUDIT_AA, AUDIT_APPARMOR_AUDIT) ||
      in(AUDIT_APPARMOR_HINT, AUDIT_APPARMOR_STATUS) || in(AUDIT_USER_ROLE_CHANGE, AUDIT_LAST_USER_LSPP_MSG))
    return "mac";
  if (in(AUDIT_FIRST_KERN_CRYPTO_MSG, AUDIT_LAST_KERN_CRYPTO_MSG) || in(AUDIT_CRYPTO_TEST_USER, AUDIT_LAST_CRYPTO_MSG))
    return "crypto";
  if (in(AUDIT_VIRT_CONTROL, AUDIT_LAST_VIRT_MSG)) return "virt";
  if (in(AUDIT_SYSCALL, AUDIT_SOCKETCALL) || in(AUDIT_SOCKADDR, AUDIT_MQ_GETSETATTR) || in(AUDIT_FD_PAIR, AUDIT_OBJ_PID) ||
      in(AUDIT_BPRM_FCAPS, AUDIT_NETFILTER_PKT))
    return "audit-rule";
  return "unknown";
}

}  // namespace ecs
