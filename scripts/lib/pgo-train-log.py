#!/usr/bin/env python3
"""Synthetic raw auditd log for PGO training (scripts/pgo.sh): EVENTS events in the mix a
host with the shipped rule sets produces (rules/example.rules and the Session View rules):
failed opens, executions, exits, connections, file-watch writes, setsid, PAM and sudo user
records, configuration changes, and a share of the odd cases (hex-encoded strings, ENRICHED
fields, node= prefixes, EOE records, unknown types). Deterministic for a given EVENTS.

Training only needs the same code paths in roughly the same proportions as real logs, not
real values: the output is never compared with anything.

    scripts/lib/pgo-train-log.py EVENTS > train.log
"""
import random
import sys

COMMS = [("cat", "/usr/bin/cat"), ("bash", "/usr/bin/bash"), ("python3", "/usr/bin/python3.11"),
         ("sshd", "/usr/sbin/sshd"), ("curl", "/usr/bin/curl"), ("git", "/usr/bin/git"),
         ("systemd", "/usr/lib/systemd/systemd"), ("cron", "/usr/sbin/cron")]
MISSING = ["/etc/missing.conf", "/usr/lib/locale/C.utf8/LC_CTYPE", "/home/alice/.config/app.json",
           "/proc/sys/kernel/secret", "/var/lib/app/state.db"]
USERS = [(0, "4294967295", "4294967295"), (1000, "1000", "3"), (1001, "1001", "7"), (0, "1000", "3")]


def hexs(s):
    return s.encode().hex().upper()


def main():
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = random.Random(7)
    out = sys.stdout
    sec, ms, serial = 1795660399, 0, 1000
    for n in range(events):
        ms += rng.randint(0, 3)
        if ms >= 1000:
            sec, ms = sec + 1, ms - 1000
        serial += 1
        stamp = "msg=audit(%d.%03d:%d):" % (sec, ms, serial)
        node = "node=host%d " % (n % 3) if n % 17 == 0 else ""
        enriched = n % 23 == 0
        uid, auid, ses = rng.choice(USERS)
        comm, exe = rng.choice(COMMS)
        pid, ppid = rng.randint(300, 60000), rng.randint(1, 3000)
        cwd = '"/home/alice/src"' if n % 11 else hexs("/home/alice/my dir")
        ids = ("ppid=%d pid=%d auid=%s uid=%d gid=%d euid=%d suid=%d fsuid=%d egid=%d sgid=%d fsgid=%d "
               "tty=%s ses=%s" % (ppid, pid, auid, uid, uid, uid, uid, uid, uid, uid, uid,
                                  "pts0" if auid != "4294967295" else "(none)", ses))
        comm_f = 'comm="%s" exe="%s"' % (comm, exe) if n % 13 else "comm=%s exe=%s" % (hexs(comm + " x"), hexs(exe))
        title = hexs(comm + "\0" + "--flag\0" + "/some/argument")
        lines = []

        def rec(kind, body):
            lines.append("%stype=%s %s %s" % (node, kind, stamp, body))

        def syscall(nr, success, exit_, key, items):
            body = ("arch=c000003e syscall=%d success=%s exit=%s a0=ffffff9c a1=7ffe7c003e30 a2=80000 a3=0 "
                    "items=%d %s %s subj=unconfined key=%s" % (nr, success, exit_, items, ids, comm_f, key))
            if enriched:
                body += ('\x1dARCH=x86_64 SYSCALL=%d AUID="%s" UID="root" GID="root" EUID="root" SUID="root" '
                         'FSUID="root" EGID="root" SGID="root" FSGID="root"' % (nr, "unset" if auid == "4294967295" else "alice"))
            rec("SYSCALL", body)

        r = rng.random()
        if r < 0.35:
            syscall(257, "no", rng.choice(["-2", "-13", "-1"]), '"access"', 1)
            rec("CWD", "cwd=%s" % cwd)
            rec("PATH", 'item=0 name="%s" nametype=UNKNOWN cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0'
                % rng.choice(MISSING))
            rec("PROCTITLE", "proctitle=%s" % title)
        elif r < 0.50:
            syscall(59, "yes", "0", '"exec"', 2)
            argc = rng.randint(1, 5)
            args = " ".join('a%d="%s"' % (i, a) for i, a in enumerate([comm, "--oneline", "-n5", "x y", "z"][:argc]))
            if n % 19 == 0:
                args += " a%d=%s" % (argc, hexs("arg with spaces"))
                argc += 1
            rec("EXECVE", "argc=%d %s" % (argc, args))
            rec("CWD", "cwd=%s" % cwd)
            rec("PATH", 'item=0 name="%s" inode=1593 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 '
                'nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0' % exe)
            rec("PATH", 'item=1 name="/lib64/ld-linux-x86-64.so.2" inode=4382 dev=08:01 mode=0100755 ouid=0 ogid=0 '
                'rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0')
            rec("PROCTITLE", "proctitle=%s" % title)
        elif r < 0.65:
            syscall(231, "yes", "0", "(null)", 0)
            rec("PROCTITLE", "proctitle=%s" % title)
        elif r < 0.75:
            nr, saddr = rng.choice([(42, "02000050A9FEA9FE0000000000000000"), (44, "0A0001BB000000002A0014504001080C000000000000200E00000000"),
                                    (42, "01002F72756E2F7379736C6F6700"), (44, "100000000000000000000000")])
            syscall(nr, "yes", "0", '"net"', 0)
            rec("SOCKADDR", "saddr=%s" % saddr)
            rec("PROCTITLE", "proctitle=%s" % title)
        elif r < 0.85:
            syscall(257, "yes", "3", '"identity"', 2)
            rec("CWD", "cwd=%s" % cwd)
            rec("PATH", 'item=0 name="/etc/" inode=131073 dev=08:01 mode=040755 ouid=0 ogid=0 rdev=00:00 '
                'nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0')
            rec("PATH", 'item=1 name="/etc/passwd+" inode=131099 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 '
                'nametype=CREATE cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0')
            rec("PROCTITLE", "proctitle=%s" % title)
        elif r < 0.90:
            syscall(112, "yes", str(pid), "(null)", 0)
            rec("PROCTITLE", "proctitle=%s" % title)
        elif r < 0.97:
            kind = rng.choice(["USER_ACCT", "CRED_ACQ", "USER_START", "USER_END", "CRED_DISP", "USER_LOGIN",
                               "USER_CMD", "USER_AUTH"])
            if kind == "USER_CMD":
                msg = 'cwd="/home/alice" cmd=%s exe="/usr/bin/sudo" terminal=pts/0 res=success' % hexs("ls -la /root")
            elif kind == "USER_LOGIN":
                msg = ('op=login id=1000 exe="/usr/sbin/sshd" hostname=72.83.230.100 addr=72.83.230.100 '
                       'terminal=/dev/pts/1 res=%s' % rng.choice(["success", "failed"]))
            else:
                msg = ('op=PAM:%s grantors=pam_unix acct="alice" exe="/usr/bin/sudo" hostname=? addr=? '
                       'terminal=/dev/pts/0 res=success' % kind.lower())
            rec(kind, "pid=%d uid=%d auid=%s ses=%s subj=unconfined msg='%s'" % (pid, uid, auid, ses, msg))
        elif r < 0.985:
            rec("CONFIG_CHANGE", "auid=%s ses=%s subj=unconfined op=add_rule key=\"exec\" list=4 res=1" % (auid, ses))
            syscall(44, "yes", "1072", "(null)", 0)
            rec("SOCKADDR", "saddr=100000000000000000000000")
            rec("PROCTITLE", "proctitle=%s" % hexs("auditctl\0-R\0/etc/audit/audit.rules"))
        elif r < 0.995:
            rec("ANOM_ABEND", "auid=%s uid=%d gid=%d ses=%s subj=unconfined pid=%d comm=\"%s\" exe=\"%s\" sig=11 res=1"
                % (auid, uid, uid, ses, pid, comm, exe))
        else:
            rec("UNKNOWN[1999]", "some=field other=2")
        if n % 9 == 0:
            rec("EOE", "")
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
