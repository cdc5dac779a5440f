// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * porttune's tracepoint programs: failed connect()s, active closes and failed
 * port-0 bind()s of one network namespace, counted in bounded hash maps (no
 * event per call, so the cost stays flat under load). Loaded by src/trace.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "trace_maps.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define EINPROGRESS 115

char LICENSE[] SEC("license") = "GPL";

/* The audited namespace's inode (stat /proc/self/ns/net), set before load. */
const volatile __u32 target_netns = 0;

__u64 dropped[PT_NDROP] = { 0 };

struct pending {
	struct pt_key key;	/* address, port and family filled at enter */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PT_MAX_PENDING);
	__type(key, __u32);	/* thread id */
	__type(value, struct pending);
} pending_connect SEC(".maps"), pending_bind SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PT_MAX_ENTRIES);
	__type(key, struct pt_key);
	__type(value, struct pt_val);
} connect_fails SEC(".maps"), active_closes SEC(".maps"),
  bind_fails SEC(".maps");

static __always_inline bool task_in_netns(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(t, nsproxy, net_ns, ns.inum) == target_netns;
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

static __always_inline void enter(void *pending, const void *uaddr,
				  bool port0_only)
{
	struct pending p = { 0 };
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!task_in_netns() || !read_sockaddr(uaddr, &p.key))
		return;
	if (port0_only && p.key.port)
		return;
	p.key.pid = bpf_get_current_pid_tgid() >> 32;
	if (bpf_map_update_elem(pending, &tid, &p, BPF_ANY))
		__sync_fetch_and_add(&dropped[PT_DROP_PENDING], 1);
}

static __always_inline void leave(void *pending, void *counts, long ret,
				  enum pt_drop which)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(pending, &tid);
	struct pt_key k;

	if (!p)
		return;
	k = p->key;
	bpf_map_delete_elem(pending, &tid);
	/* a non-blocking connect() in progress has not failed (yet) */
	if (ret >= 0 || ret == -EINPROGRESS)
		return;
	k.err = (__u32)-ret;
	count(counts, &k, which);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int pt_conn_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(&pending_connect, (const void *)ctx->args[1], false);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int pt_conn_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(&pending_connect, &connect_fails, ctx->ret, PT_DROP_CONNECT);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_bind")
int pt_bind_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(&pending_bind, (const void *)ctx->args[1], true);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int pt_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(&pending_bind, &bind_fails, ctx->ret, PT_DROP_BIND);
	return 0;
}

/* ESTABLISHED -> FIN_WAIT1 runs in the closing task's context: its close()
 * or shutdown() is what leaves the TIME_WAIT on this side. */
SEC("tracepoint/sock/inet_sock_set_state")
int pt_sock_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct pt_key k = { 0 };
	struct sock *sk;

	if (ctx->protocol != IPPROTO_TCP || ctx->oldstate != TCP_ESTABLISHED ||
	    ctx->newstate != TCP_FIN_WAIT1)
		return 0;
	sk = (struct sock *)ctx->skaddr;
	if (BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) != target_netns)
		return 0;
	k.family = ctx->family;
	/* the verifier refuses loads through a moved ctx pointer: copy */
	if (k.family == AF_INET)
		bpf_probe_read_kernel(k.addr, 4, ctx->daddr);
	else
		bpf_probe_read_kernel(k.addr, 16, ctx->daddr_v6);
	k.port = ctx->dport;
	k.pid = bpf_get_current_pid_tgid() >> 32;
	count(&active_closes, &k, PT_DROP_CLOSE);
	return 0;
}
