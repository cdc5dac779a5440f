// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * porttune's eBPF programs: failed connect()s, active closes and failed
 * port-0 bind()s of one network namespace (or of all of them, each keyed by
 * its namespace), counted in bounded hash maps (no
 * event per call, so the cost stays flat under load). Loaded by src/trace.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace_maps.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define EINPROGRESS 115

char LICENSE[] SEC("license") = "GPL";

/* The audited namespace's inode (stat /proc/self/ns/net), set before load;
 * 0 counts every namespace's events (audit --all-netns --trace). */
const volatile __u32 target_netns = 0;

__u64 dropped[PT_NDROP] = { 0 };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PT_MAX_ENTRIES);
	__type(key, struct pt_key);
	__type(value, struct pt_val);
} connect_fails SEC(".maps"), active_closes SEC(".maps"),
  bind_fails SEC(".maps");

static __always_inline bool wanted_netns(__u32 inum)
{
	return !target_netns || inum == target_netns;
}

/* The calling task's namespace inode; 0 when it is not one we count. */
static __always_inline __u32 task_netns(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 inum = BPF_CORE_READ(t, nsproxy, net_ns, ns.inum);

	return wanted_netns(inum) ? inum : 0;
}

static __always_inline void count(void *map, const struct pt_key *k,
				  enum pt_drop which)
{
	struct pt_val *v = bpf_map_lookup_elem(map, k), nv = { .count = 1 };
	long rc;

	if (v) {
		__sync_fetch_and_add(&v->count, 1);
		return;
	}
	nv.cgroup = bpf_get_current_cgroup_id();
	bpf_get_current_comm(nv.comm, sizeof(nv.comm));
	rc = bpf_map_update_elem(map, k, &nv, BPF_NOEXIST);
	if (rc == -17 /* EEXIST: another CPU created it meanwhile */) {
		v = bpf_map_lookup_elem(map, k);
		if (v)
			__sync_fetch_and_add(&v->count, 1);
	} else if (rc) {
		__sync_fetch_and_add(&dropped[which], 1);
	}
}

/* Read a user sockaddr; false unless it is AF_INET/AF_INET6. */
static __always_inline bool read_sockaddr(const void *uaddr, struct pt_key *k)
{
	struct sockaddr_in6 s6 = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&s6;

	if (!uaddr || bpf_probe_read_user(&s6.sin6_family,
					  sizeof(s6.sin6_family), uaddr))
		return false;
	if (s6.sin6_family == AF_INET) {
		if (bpf_probe_read_user(s4, sizeof(*s4), uaddr))
			return false;
		__builtin_memcpy(k->addr, &s4->sin_addr, 4);
		k->port = bpf_ntohs(s4->sin_port);
	} else if (s6.sin6_family == AF_INET6) {
		if (bpf_probe_read_user(&s6, sizeof(s6), uaddr))
			return false;
		__builtin_memcpy(k->addr, &s6.sin6_addr, 16);
		k->port = bpf_ntohs(s6.sin6_port);
	} else {
		return false;
	}
	k->family = s6.sin6_family;
	return true;
}

/*
 * A failed call, seen at syscall exit. Success, the common case, costs one
 * comparison: the address is only looked at after a failure, in the
 * caller's saved registers (2nd argument) and its still-mapped buffer, so
 * no per-call state has to be kept from syscall entry.
 */
static __always_inline void failed(void *counts, long ret, bool port0_only,
				   enum pt_drop which)
{
	struct pt_key k = { 0 };
	struct pt_regs *regs;

	k.netns = task_netns();
	if (!k.netns)
		return;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (!read_sockaddr((const void *)PT_REGS_PARM2_CORE_SYSCALL(regs), &k))
		return;
	if (port0_only && k.port)
		return;
	k.pid = bpf_get_current_pid_tgid() >> 32;
	k.err = (__u32)-ret;
	count(counts, &k, which);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int pt_conn_exit(struct trace_event_raw_sys_exit *ctx)
{
	/* a non-blocking connect() in progress has not failed (yet) */
	if (ctx->ret < 0 && ctx->ret != -EINPROGRESS)
		failed(&connect_fails, ctx->ret, false, PT_DROP_CONNECT);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int pt_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret < 0)
		failed(&bind_fails, ctx->ret, true, PT_DROP_BIND);
	return 0;
}

/* An active close of a TCP socket to k's destination, by the current task. */
static __always_inline void closed(struct pt_key *k)
{
	k->pid = bpf_get_current_pid_tgid() >> 32;
	count(&active_closes, k, PT_DROP_CLOSE);
}

/*
 * Active closes, the cheap way: the last close() of a socket, in the
 * closing task, attached to the cgroup2 root (so every task below it). A
 * socket still ESTABLISHED there is being closed first by this side; one
 * in FIN_WAIT1/2 was shut down for writing first by this side. That is one
 * call per socket instead of one per state change (about ten per TCP
 * connection, five on each end). The namespace is the closing task's.
 */
SEC("cgroup/sock_release")
int pt_sock_release(struct bpf_sock *sk)
{
	struct pt_key k = { 0 };
	__u32 state = sk->state, a4, a6[4];

	if (sk->protocol != IPPROTO_TCP || (state != TCP_ESTABLISHED &&
	    state != TCP_FIN_WAIT1 && state != TCP_FIN_WAIT2))
		return 1;
	k.netns = task_netns();
	if (!k.netns)
		return 1;
	/*
	 * The context allows only loads at constant offsets: all five words,
	 * unconditionally, or clang computes one pointer for both branches.
	 */
	a4 = sk->dst_ip4;
	a6[0] = sk->dst_ip6[0];
	a6[1] = sk->dst_ip6[1];
	a6[2] = sk->dst_ip6[2];
	a6[3] = sk->dst_ip6[3];
	k.family = sk->family;
	if (k.family == AF_INET)
		__builtin_memcpy(k.addr, &a4, 4);
	else if (k.family == AF_INET6)
		__builtin_memcpy(k.addr, a6, 16);
	else
		return 1;
	k.port = bpf_ntohs(sk->dst_port);
	closed(&k);
	return 1;	/* 1: let the release go on */
}

/*
 * Where no cgroup2 hierarchy is mounted: ESTABLISHED -> FIN_WAIT1 runs in
 * the closing task's context: its close() or shutdown() is what leaves the
 * TIME_WAIT on this side. The BTF-typed form of sock:inet_sock_set_state:
 * the perf-event form would fill a trace record at each state change.
 */
SEC("tp_btf/inet_sock_set_state")
int pt_sock_state(__u64 *ctx)
{
	struct sock *sk = (struct sock *)ctx[0];
	struct pt_key k = { 0 };

	if ((int)ctx[1] != TCP_ESTABLISHED || (int)ctx[2] != TCP_FIN_WAIT1 ||
	    sk->sk_protocol != IPPROTO_TCP)
		return 0;
	k.netns = sk->__sk_common.skc_net.net->ns.inum;
	if (!wanted_netns(k.netns))
		return 0;
	k.family = sk->__sk_common.skc_family;
	if (k.family == AF_INET)
		__builtin_memcpy(k.addr, &sk->__sk_common.skc_daddr, 4);
	else if (k.family == AF_INET6)
		BPF_CORE_READ_INTO(&k.addr, sk, __sk_common.skc_v6_daddr);
	else
		return 0;
	k.port = bpf_ntohs(sk->__sk_common.skc_dport);
	closed(&k);
	return 0;
}
