// SPDX-License-Identifier: GPL-2.0
/* Process/session tree events for userspace/proctree.
 *
 * Hook choice (../shared/MACHINE.md, measured on the project's kernel 6.18):
 *  - there are no kprobes, and fentry/fexit/LSM programs fail to load (EPERM), so the only
 *    tracing hooks are tracepoints; classic `tracepoint/syscalls/...` need tracefs mounted for
 *    their ids and it is not, so every hook is a BTF tracepoint (tp_btf), which needs neither;
 *  - sched_process_fork/exec/exit give the task_struct directly (CO-RE reads, no pid lookup);
 *  - setsid and setpgid have no sched tracepoint: tp_btf/sys_exit filtered on the syscall
 *    number (regs->orig_ax) sees them after they succeed, with the new ids already set.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "auspex_abi.h"
#include "missing_defs.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* ~1200 exec events of 6.6 KiB in flight */
} auspex_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, AUSPEX_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} auspex_counters SEC(".maps");

static __always_inline void count(__u32 cause)
{
	__u64 *v = bpf_map_lookup_elem(&auspex_counters, &cause);
	if (v)
		__sync_fetch_and_add(v, 1);
}

/* Wake the consumer only once the ring is filling up: it drains every 250 ms anyway
 * (proctree::Service), and a lookup that needs the newest events wakes it itself. An epoll
 * wake-up per fork, exec and exit was the tree thread's main cost on a busy machine. 1 MiB
 * is an eighth of the ring: ~150 exec events, or tens of ms of a fork storm. */
#define AUSPEX_WAKEUP_BYTES (1024 * 1024)

static __always_inline void submit(void *e)
{
	__u64 queued = bpf_ringbuf_query(&auspex_events, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_submit(e, queued > AUSPEX_WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline void *reserve(__u64 size, __u32 kind)
{
	struct auspex_hdr *h = bpf_ringbuf_reserve(&auspex_events, size, 0);
	if (!h) {
		count(AUSPEX_CNT_RINGBUF_FULL);
		return NULL;
	}
	h->kind = kind;
	h->pad0 = 0;
	h->ts = bpf_ktime_get_ns();
	h->ts_boot = bpf_ktime_get_boot_ns();
	return h;
}

static __always_inline __s32 pid_nr(struct task_struct *t, int type)
{
	/* numbers[0] is the initial pid namespace: host ids, what /proc of the collector shows. */
	return BPF_CORE_READ(t, signal, pids[type], numbers[0].nr);
}

static __always_inline void fill_task(struct auspex_task *o, struct task_struct *t)
{
	/* The process is keyed by its leader's start: the hook may run in another thread (the
	 * last thread to exit, a thread calling setsid). de_thread() gives an exec'ing thread
	 * the leader's start, so exec agrees (fs/exec.c). */
	struct task_struct *leader = BPF_CORE_READ(t, group_leader);
	o->start_boottime = BPF_CORE_READ(leader, start_boottime);
	o->pid = BPF_CORE_READ(t, tgid);
	o->tid = BPF_CORE_READ(t, pid);
	o->ppid = BPF_CORE_READ(t, real_parent, tgid);
	o->pgid = pid_nr(t, PIDTYPE_PGID);
	o->sid = pid_nr(t, PIDTYPE_SID);
	const struct cred *c = BPF_CORE_READ(t, cred);
	o->uid = BPF_CORE_READ(c, uid.val);
	o->euid = BPF_CORE_READ(c, euid.val);
	o->gid = BPF_CORE_READ(c, gid.val);
	o->egid = BPF_CORE_READ(c, egid.val);
	/* tty_devnum(): MKDEV(driver->major, driver->minor_start) + index (drivers/tty/tty_io.c) */
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	o->tty_major = 0;
	o->tty_minor = 0;
	if (tty) {
		o->tty_major = BPF_CORE_READ(tty, driver, major);
		o->tty_minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	}
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	__u32 flags = 0;
	if (BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper))
		flags |= AUSPEX_TASK_CHILD_SUBREAPER;
	if (BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper))
		flags |= AUSPEX_TASK_HAS_SUBREAPER;
	o->flags = flags;
	/* /proc/PID/stat shows the leader's comm */
	bpf_probe_read_kernel_str(o->comm, sizeof(o->comm), leader->comm);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(auspex_fork, struct task_struct *parent, struct task_struct *child)
{
	/* Thread creation fires this tracepoint too; only a new thread group is a process. */
	if (child->pid != child->tgid)
		return 0;
	struct auspex_fork *e = reserve(sizeof(*e), AUSPEX_EV_FORK);
	if (!e)
		return 0;
	fill_task(&e->child, child);
	e->parent_pid = parent->tgid;
	e->parent_start_boottime = parent->group_leader->start_boottime;
	e->pad0 = 0;
	submit(e);
	return 0;
}

/* Writes the path (d, vmnt) as components, leaf first, each NUL-terminated, into dst (a
 * region of AUSPEX_PATH_MAX bytes). Walks dentries up to the task's root, crossing mounts
 * through struct mount (bpf_d_path is not allowed in tp_btf programs). Sets complete_flag in
 * *flags when it reached the root, else truncated_flag (and counts cause). */
static __always_inline __u32 read_path(struct task_struct *t, struct dentry *d, struct vfsmount *vmnt,
				       __u8 *dst, __u32 *flags, __u32 complete_flag,
				       __u32 truncated_flag, __u32 cause)
{
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	struct dentry *root_d = BPF_CORE_READ(fs, root.dentry);
	struct vfsmount *root_mnt = BPF_CORE_READ(fs, root.mnt);
	struct mount *mnt = container_of(vmnt, struct mount, mnt);
	__u32 off = 0;
	int i;

	for (i = 0; i < AUSPEX_PATH_DEPTH; i++) {
		if (d == root_d && vmnt == root_mnt) {
			*flags |= complete_flag;
			return off;
		}
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		if (d == BPF_CORE_READ(vmnt, mnt_root) || d == parent) {
			struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);
			if (mp == mnt) { /* the root of the mount tree */
				*flags |= complete_flag;
				return off;
			}
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mp;
			vmnt = &mp->mnt;
			continue;
		}
		if (off > AUSPEX_PATH_MAX - AUSPEX_PATH_COMPONENT_MAX)
			break;
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);
		long n = bpf_probe_read_kernel_str(dst + (off & (AUSPEX_PATH_MAX - 1)),
						   AUSPEX_PATH_COMPONENT_MAX, name);
		if (n <= 0)
			break;
		off += n;
		d = parent;
	}
	*flags |= truncated_flag;
	count(cause);
	return off;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(auspex_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct auspex_exec *e = reserve(sizeof(*e), AUSPEX_EV_EXEC);
	if (!e)
		return 0;
	__u32 flags = 0;
	fill_task(&e->task, p);
	e->old_pid = old_pid;

	/* filename */
	__u32 base = offsetof(struct auspex_exec, tail);
	long n = bpf_probe_read_kernel_str(e->tail, AUSPEX_FILENAME_MAX, BPF_CORE_READ(bprm, filename));
	if (n < 0)
		n = 0;
	if (n == AUSPEX_FILENAME_MAX) {
		flags |= AUSPEX_EXEC_FILENAME_TRUNCATED;
		count(AUSPEX_CNT_FILENAME_TRUNCATED);
	}
	e->filename.off = base;
	e->filename.len = n > 0 ? n - 1 : 0;

	/* argv: the new image's arg area, already in place when this tracepoint fires */
	unsigned long arg_start = BPF_CORE_READ(p, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(p, mm, arg_end);
	__u64 alen = arg_end > arg_start ? arg_end - arg_start : 0;
	if (alen > AUSPEX_ARGV_MAX - 1) {
		alen = AUSPEX_ARGV_MAX - 1;
		flags |= AUSPEX_EXEC_ARGV_TRUNCATED;
		count(AUSPEX_CNT_ARGV_TRUNCATED);
	}
	alen &= AUSPEX_ARGV_MAX - 1;
	__u8 *argv = e->tail + AUSPEX_FILENAME_MAX;
	if (alen && bpf_probe_read_user(argv, alen, (const void *)arg_start) < 0) {
		count(AUSPEX_CNT_ARGV_READ_FAILED);
		alen = 0;
	}
	e->argv.off = base + AUSPEX_FILENAME_MAX;
	e->argv.len = alen;

	/* cwd */
	__u32 cwd_off = AUSPEX_FILENAME_MAX + AUSPEX_ARGV_MAX;
	struct fs_struct *fs = BPF_CORE_READ(p, fs);
	e->cwd.off = base + cwd_off;
	e->cwd.len = read_path(p, BPF_CORE_READ(fs, pwd.dentry), BPF_CORE_READ(fs, pwd.mnt),
			       e->tail + cwd_off, &flags, AUSPEX_EXEC_CWD_COMPLETE,
			       AUSPEX_EXEC_CWD_TRUNCATED, AUSPEX_CNT_CWD_TRUNCATED);

	/* exe: mm->exe_file, the resolved binary (an interpreter for a script), as audit's
	 * exe= and /proc/PID/exe give it; filename is what the caller passed to execve. */
	__u32 exe_off = cwd_off + AUSPEX_PATH_MAX;
	struct file *exe = BPF_CORE_READ(p, mm, exe_file);
	e->exe.off = base + exe_off;
	e->exe.len = 0;
	if (exe)
		e->exe.len = read_path(p, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt),
				       e->tail + exe_off, &flags, AUSPEX_EXEC_EXE_COMPLETE,
				       AUSPEX_EXEC_EXE_TRUNCATED, AUSPEX_CNT_EXE_TRUNCATED);
	e->flags = flags;
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(auspex_exit, struct task_struct *p, bool group_dead)
{
	/* One event per process: only the last thread's exit ends it. */
	if (!group_dead)
		return 0;
	struct auspex_exit *e = reserve(sizeof(*e), AUSPEX_EV_EXIT);
	if (!e)
		return 0;
	fill_task(&e->task, p);
	/* As wait() reports it (kernel/exit.c wait_task_zombie): the group code after
	 * exit_group() or a fatal signal, else the thread's own. */
	struct signal_struct *sig = p->signal;
	if (sig->flags & SIGNAL_GROUP_EXIT)
		e->exit_code = sig->group_exit_code;
	else
		e->exit_code = p->exit_code;
	e->pad0 = 0;
	submit(e);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(auspex_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax;
	if (nr != AUSPEX_NR_SETSID && nr != AUSPEX_NR_SETPGID)
		return 0;
	if (ret < 0)
		return 0;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
	/* A 32-bit task's numbers are the ia32 table's (109/112 are other calls there). */
	if (bpf_core_field_exists(t->thread_info.status) && (t->thread_info.status & TS_COMPAT))
		return 0;
	if (nr == AUSPEX_NR_SETSID) {
		struct auspex_setsid *e = reserve(sizeof(*e), AUSPEX_EV_SETSID);
		if (!e)
			return 0;
		fill_task(&e->task, t);
		submit(e);
		return 0;
	}
	struct auspex_setpgid *e = reserve(sizeof(*e), AUSPEX_EV_SETPGID);
	if (!e)
		return 0;
	fill_task(&e->task, t);
	__s32 pid = (__s32)regs->di;
	__s32 pgid = (__s32)regs->si;
	if (pid == 0)
		pid = e->task.pid;
	if (pgid == 0)
		pgid = pid;
	e->target_pid = pid;
	e->target_pgid = pgid;
	submit(e);
	return 0;
}
