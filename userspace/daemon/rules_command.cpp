// `auspex rules ...`: the rules module owns the text side (check, dump, advise); `list`
// needs the kernel, which the netlink module reads. Neither depends on the other, so the
// daemon joins them here.
#include <string_view>

#include "daemon/commands.h"
#include "netlink/cli.h"
#include "rules/decoder.h"

namespace daemon_cli {

int rules_main(Args args) {
  if (!args.empty() && std::string_view(args[0]) == "list")
    return netlink::rules_list_main(args.subspan(1), rules::to_auditctl_text);
  return rules::rules_cli_main(args);
}

}  // namespace daemon_cli
