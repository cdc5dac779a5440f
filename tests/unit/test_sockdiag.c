// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket census without the kernel: records go through sd_feed(), /proc text
 * through the counters parsers, fake /proc and cgroup trees through the
 * walkers. The real dump is exercised by the e2e tests under unshare -n.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/counters.h"
#include "../../src/procmap.h"
#include "../../src/sockdiag.h"

/* --- helpers ------------------------------------------------------------ */

static struct sd_sock tcp4(const char *src, unsigned sport, const char *dst, unsigned dport,
			   unsigned state)
{
	struct sd_sock s = { .family = AF_INET, .proto = IPPROTO_TCP, .state = (uint8_t)state,
			     .sport = (uint16_t)sport, .dport = (uint16_t)dport };

	assert_int_equal(inet_pton(AF_INET, src, s.src), 1);
	assert_int_equal(inet_pton(AF_INET, dst, s.dst), 1);
	return s;
}

static struct sd_sock udp4(const char *src, unsigned sport)
{
	struct sd_sock s = tcp4(src, sport, "0.0.0.0", 0, SD_CLOSE);

	s.proto = IPPROTO_UDP;
	return s;
}

/* Range 32768-60999 (28232 ports), like a default host. */
static void init_default(struct sd_result *r, const struct portset *rsv, unsigned flags,
			 const struct procmap *pm)
{
	struct sd_request req = { .flags = flags, .port_lo = 32768, .port_hi = 60999,
				  .reserved = rsv, .procs = pm };

	assert_int_equal(sd_result_init(r, &req), 0);
}

static void feed(struct sd_result *r, struct sd_sock s)
{
	assert_int_equal(sd_feed(r, &s), 0);
}

static const struct sd_dest *find_dest(const struct sd_result *r, const char *dst, unsigned dport)
{
	uint8_t a[16] = { 0 };

	inet_pton(AF_INET, dst, a);
	for (size_t i = 0; i < r->ndest; i++)
		if (r->dest[i].dport == dport && !memcmp(r->dest[i].dst, a, 16))
			return &r->dest[i];
	return NULL;
}

/* --- state names, port lists ---------------------------------------------- */

static void state_names_follow_the_kernel(void **state)
{
	(void)state;
	assert_string_equal(sd_state_name(SD_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(sd_state_key(SD_TIME_WAIT), "time_wait");
	assert_string_equal(sd_state_key(SD_ESTABLISHED), "established");
	assert_string_equal(sd_state_key(SD_NEW_SYN_RECV), "new_syn_recv");
	assert_string_equal(sd_state_key(SD_LISTEN), "listen");
	assert_int_equal(SD_TIME_WAIT, 6);	/* idiag_states bit 6 */
	assert_string_equal(sd_state_key(0), "unknown");
	assert_string_equal(sd_state_name(99), "UNKNOWN");
}


/* --- aggregation ------------------------------------------------------------ */

static void destinations_count_sockets_by_state(void **state)
{
	struct sd_result r;
	const struct sd_dest *d;

	(void)state;
	init_default(&r, NULL, 0, NULL);
	for (unsigned i = 0; i < 300; i++)
		feed(&r, tcp4("10.0.0.1", 40000 + i, "10.0.0.9", 443, SD_TIME_WAIT));
	for (unsigned i = 0; i < 20; i++)
		feed(&r, tcp4("10.0.0.1", 41000 + i, "10.0.0.9", 443, SD_ESTABLISHED));
	feed(&r, tcp4("10.0.0.1", 42000, "10.0.0.9", 443, SD_SYN_SENT));
	feed(&r, tcp4("10.0.0.1", 40000, "10.0.0.9", 80, SD_ESTABLISHED));
	sd_finish(&r);

	assert_int_equal(r.ndest, 2);
	d = find_dest(&r, "10.0.0.9", 443);
	assert_non_null(d);
	assert_int_equal(d->used, 321);
	assert_int_equal(d->state[SD_TIME_WAIT], 300);
	assert_int_equal(d->state[SD_ESTABLISHED], 20);
	assert_int_equal(d->state[SD_SYN_SENT], 1);
	assert_int_equal(find_dest(&r, "10.0.0.9", 80)->used, 1);
	assert_int_equal(r.tcp_state[SD_TIME_WAIT], 300);
	assert_int_equal(r.tcp_total, 322);
	assert_int_equal(r.tcp_ephemeral, 322);
	assert_int_equal(r.tcp_ports_used, 321);	/* port 40000 serves both */
	sd_result_free(&r);
}

static void memory_follows_destinations_not_sockets(void **state)
{
	struct sd_result r;

	(void)state;
	init_default(&r, NULL, 0, NULL);
	for (unsigned i = 0; i < 60000; i++)
		feed(&r, tcp4("10.0.0.1", 32768 + i % 28232, i % 3 ? "10.0.0.2" : "10.0.0.3",
			      5432, SD_TIME_WAIT));
	assert_int_equal(r.ndest, 2);
	assert_int_equal(r.nlocal, 1);
	sd_result_free(&r);
}

static void ports_outside_the_range_are_not_ephemeral(void **state)
{
	struct sd_result r;

	(void)state;
	init_default(&r, NULL, 0, NULL);
	feed(&r, tcp4("10.0.0.1", 80, "10.0.0.7", 51000, SD_ESTABLISHED));	/* server side */
	feed(&r, tcp4("10.0.0.1", 1022, "10.0.0.7", 22, SD_ESTABLISHED));	/* bind()-ed low port */
	feed(&r, tcp4("10.0.0.1", 61000, "10.0.0.7", 22, SD_TIME_WAIT));	/* old wider range */
	feed(&r, tcp4("10.0.0.1", 32768, "10.0.0.7", 22, SD_TIME_WAIT));	/* low edge */
	feed(&r, tcp4("10.0.0.1", 60999, "10.0.0.7", 22, SD_TIME_WAIT));	/* high edge */
	sd_finish(&r);
	assert_int_equal(r.tcp_outside_range, 3);
	assert_int_equal(r.tcp_ephemeral, 2);
	assert_int_equal(find_dest(&r, "10.0.0.7", 22)->used, 2);
	sd_result_free(&r);
}

static void listening_and_bound_ports_reduce_capacity(void **state)
{
	struct portset rsv = { 0 };
	struct sd_result r;

	(void)state;
	assert_int_equal(sysctl_portlist_parse("40000-40009,45000", &rsv, NULL), 0);
	init_default(&r, &rsv, 0, NULL);
	feed(&r, tcp4("0.0.0.0", 50000, "0.0.0.0", 0, SD_LISTEN));	/* in range */
	feed(&r, tcp4("127.0.0.1", 50000, "0.0.0.0", 0, SD_LISTEN));	/* same port again */
	feed(&r, tcp4("0.0.0.0", 8080, "0.0.0.0", 0, SD_LISTEN));	/* outside */
	feed(&r, tcp4("10.0.0.1", 50001, "0.0.0.0", 0, SD_CLOSE));	/* bound only */
	feed(&r, tcp4("0.0.0.0", 45000, "0.0.0.0", 0, SD_LISTEN));	/* reserved too */
	sd_finish(&r);
	assert_int_equal(r.range_size, 28232);
	assert_int_equal(r.reserved_in_range, 11);
	assert_int_equal(r.bound_in_range, 2);	/* 50000, 50001; 45000 counted as reserved */
	assert_int_equal(r.p_eff, 28232 - 11 - 2);
	assert_int_equal(r.listen_in_range, 3);
	assert_int_equal(r.bound_only_in_range, 1);
	assert_true(portset_has(&r.bound, 8080));
	assert_int_equal(r.tcp_ephemeral, 0);
	assert_int_equal(r.ndest, 0);
	sd_result_free(&r);
}

static void accepted_sockets_on_a_listening_port_are_not_ephemeral(void **state)
{
	struct sd_result r;

	(void)state;
	init_default(&r, NULL, 0, NULL);
	feed(&r, tcp4("0.0.0.0", 50000, "0.0.0.0", 0, SD_LISTEN));
	feed(&r, tcp4("10.0.0.1", 50000, "10.0.0.8", 41000, SD_ESTABLISHED));
	feed(&r, tcp4("10.0.0.1", 50000, "10.0.0.8", 41001, SD_SYN_RECV));
	sd_finish(&r);
	assert_int_equal(r.tcp_on_bound_port, 2);
	assert_int_equal(r.tcp_ephemeral, 0);
	sd_result_free(&r);
}

static void udp_sockets_count_per_local_address(void **state)
{
	struct sd_result r;
	unsigned seen = 0;

	(void)state;
	init_default(&r, NULL, 0, NULL);
	for (unsigned i = 0; i < 5; i++)
		feed(&r, udp4("10.0.0.1", 33000 + i));
	feed(&r, udp4("10.0.0.2", 33000));
	feed(&r, udp4("0.0.0.0", 34000));
	feed(&r, udp4("0.0.0.0", 53));	/* outside the range */
	sd_finish(&r);
	assert_int_equal(r.udp_total, 8);
	assert_int_equal(r.udp_ephemeral, 7);
	assert_int_equal(r.tcp_total, 0);
	assert_int_equal(r.nlocal, 3);
	for (size_t i = 0; i < r.nlocal; i++) {
		const struct sd_local *l = &r.local[i];

		assert_int_equal(l->proto, IPPROTO_UDP);
		if (l->addr[3] == 1) {
			assert_int_equal(l->sockets, 5);
			assert_int_equal(l->ports, 5);
			seen++;
		} else {
			assert_int_equal(l->sockets, 1);
		}
	}
	assert_int_equal(seen, 1);
	sd_result_free(&r);
}

static void tcp_ports_count_per_local_address(void **state)
{
	struct sd_result r;

	(void)state;
	init_default(&r, NULL, 0, NULL);
	/* the same port to two destinations: two sockets, one port */
	feed(&r, tcp4("10.0.0.1", 40000, "10.0.0.8", 80, SD_ESTABLISHED));
	feed(&r, tcp4("10.0.0.1", 40000, "10.0.0.9", 80, SD_ESTABLISHED));
	feed(&r, tcp4("10.0.0.1", 40001, "10.0.0.9", 80, SD_TIME_WAIT));
	sd_finish(&r);
	assert_int_equal(r.nlocal, 1);
	assert_int_equal(r.local[0].proto, IPPROTO_TCP);
	assert_int_equal(r.local[0].sockets, 3);
	assert_int_equal(r.local[0].ports, 2);
	sd_result_free(&r);
}

static void v4_mapped_ipv6_sockets_join_the_ipv4_destination(void **state)
{
	struct sd_result r;
	struct sd_sock s6 = { .family = AF_INET6, .proto = IPPROTO_TCP, .state = SD_ESTABLISHED,
			      .sport = 40001, .dport = 443 };

	(void)state;
	inet_pton(AF_INET6, "::ffff:10.0.0.1", s6.src);
	inet_pton(AF_INET6, "::ffff:10.0.0.9", s6.dst);
	init_default(&r, NULL, 0, NULL);
	feed(&r, tcp4("10.0.0.1", 40000, "10.0.0.9", 443, SD_ESTABLISHED));
	feed(&r, s6);
	sd_finish(&r);
	assert_int_equal(r.ndest, 1);
	assert_int_equal(r.dest[0].used, 2);
	assert_int_equal(r.dest[0].family, AF_INET);
	sd_result_free(&r);
}

static void top_destinations_are_sorted_by_use(void **state)
{
	const struct sd_dest *top[8];
	struct sd_result r;
	char dst[32];

	(void)state;
	init_default(&r, NULL, 0, NULL);
	/* 10.0.0.N gets N*10 sockets; .3 and .13 tie at 30 via extra sockets */
	for (unsigned n = 1; n <= 5; n++) {
		snprintf(dst, sizeof(dst), "10.0.0.%u", n);
		for (unsigned i = 0; i < n * 10; i++)
			feed(&r, tcp4("10.1.0.1", 33000 + i, dst, 80, SD_TIME_WAIT));
	}
	for (unsigned i = 0; i < 30; i++)
		feed(&r, tcp4("10.1.0.1", 34000 + i, "10.0.0.13", 80, SD_ESTABLISHED));
	sd_finish(&r);
	assert_int_equal(sd_top_dests(&r, top, 3), 3);
	assert_int_equal(top[0]->used, 50);
	assert_int_equal(top[1]->used, 40);
	assert_int_equal(top[2]->used, 30);
	assert_int_equal(top[2]->dst[3], 3);	/* tie: lower address first */
	assert_int_equal(sd_top_dests(&r, top, 8), 6);
	assert_int_equal(top[5]->used, 10);
	sd_result_free(&r);
}

static void processes_get_sockets_and_distinct_ports(void **state)
{
	const struct sd_proc *top[4];
	struct procmap *pm = procmap_new();
	struct sd_result r;
	struct sd_sock s;

	(void)state;
	assert_non_null(pm);
	assert_int_equal(procmap_add(pm, 1001, 42, "nginx"), 0);
	assert_int_equal(procmap_add(pm, 1002, 42, "nginx"), 0);
	assert_int_equal(procmap_add(pm, 1003, 42, "nginx"), 0);
	assert_int_equal(procmap_add(pm, 2001, 7, "sshd"), 0);
	assert_int_equal(procmap_add(pm, 1001, 99, "child"), 0);	/* first owner wins */
	init_default(&r, NULL, SD_PROCS, pm);
	s = tcp4("10.0.0.1", 40000, "10.0.0.9", 443, SD_ESTABLISHED);
	s.inode = 1001;
	feed(&r, s);
	s = tcp4("10.0.0.1", 40000, "10.0.0.8", 443, SD_ESTABLISHED);
	s.inode = 1002;
	feed(&r, s);
	s = tcp4("10.0.0.1", 40001, "10.0.0.8", 443, SD_ESTABLISHED);
	s.inode = 1003;
	feed(&r, s);
	s = tcp4("0.0.0.0", 22, "0.0.0.0", 0, SD_LISTEN);
	s.inode = 2001;
	feed(&r, s);
	feed(&r, tcp4("10.0.0.1", 40002, "10.0.0.8", 443, SD_TIME_WAIT));	/* inode 0 */
	sd_finish(&r);
	assert_int_equal(r.nproc, 2);
	assert_int_equal(sd_top_procs(&r, top, 4), 2);
	assert_int_equal(top[0]->pid, 42);
	assert_string_equal(top[0]->comm, "nginx");
	assert_int_equal(top[0]->sockets, 3);
	assert_int_equal(top[0]->ephemeral, 3);
	assert_int_equal(top[0]->ports, 2);
	assert_int_equal(top[1]->pid, 7);
	assert_int_equal(top[1]->ephemeral, 0);
	assert_int_equal(r.proc_unattributed, 1);
	sd_result_free(&r);
	procmap_free(pm);
}

static void cgroups_aggregate_by_id(void **state)
{
	const struct sd_cgroup *top[4];
	struct sd_result r;
	struct sd_sock s;

	(void)state;
	init_default(&r, NULL, SD_CGROUPS, NULL);
	for (unsigned i = 0; i < 4; i++) {
		s = tcp4("10.0.0.1", 40000 + i, "10.0.0.9", 443, SD_ESTABLISHED);
		s.cgroup = i < 3 ? 77 : 5;
		feed(&r, s);
	}
	feed(&r, tcp4("10.0.0.1", 40010, "10.0.0.9", 443, SD_TIME_WAIT));
	sd_finish(&r);
	assert_int_equal(sd_top_cgroups(&r, top, 4), 2);
	assert_int_equal(top[0]->id, 77);
	assert_int_equal(top[0]->sockets, 3);
	assert_int_equal(top[0]->ephemeral, 3);
	assert_int_equal(r.cgroup_unattributed, 1);
	sd_result_free(&r);
}

/* --- /proc and cgroup walkers on fake trees ------------------------------------ */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void procmap_reads_socket_links(void **state)
{
	char root[] = "/tmp/pt-proc-XXXXXX", p[256];
	struct procmap *pm;
	const char *comm;
	int pid;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/42", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/42/fd", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/42/fd/3", root);
	assert_int_equal(symlink("socket:[777]", p), 0);
	snprintf(p, sizeof(p), "%s/42/fd/4", root);
	assert_int_equal(symlink("/dev/null", p), 0);
	snprintf(p, sizeof(p), "%s/42/comm", root);
	write_file(p, "haproxy\n");
	snprintf(p, sizeof(p), "%s/self", root);	/* not a pid: skipped */
	mkdir(p, 0700);

	assert_int_equal(procmap_build(&pm, root, NULL), 0);
	assert_int_equal(procmap_sockets(pm), 1);
	assert_true(procmap_lookup(pm, 777, &pid, &comm));
	assert_int_equal(pid, 42);
	assert_string_equal(comm, "haproxy");
	assert_false(procmap_lookup(pm, 778, &pid, &comm));
	procmap_free(pm);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	assert_int_equal(system(p), 0);
}

static void cgroup_ids_resolve_to_paths(void **state)
{
	char root[] = "/tmp/pt-cg-XXXXXX", p[256], *paths[3] = { 0 };
	uint64_t ids[3];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/system.slice", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/system.slice/nginx.service", root);
	mkdir(p, 0700);
	assert_int_equal(stat(p, &st), 0);
	ids[0] = st.st_ino;
	assert_int_equal(stat(root, &st), 0);
	ids[1] = st.st_ino;
	ids[2] = 1;	/* not in the tree */
	assert_int_equal(cgroup_paths(ids, paths, 3, root, NULL), 0);
	assert_string_equal(paths[0], "/system.slice/nginx.service");
	assert_string_equal(paths[1], "/");
	assert_null(paths[2]);
	free(paths[0]);
	free(paths[1]);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	assert_int_equal(system(p), 0);
}

/* --- counters from recorded /proc text ------------------------------------------ */

static const char netstat_text[] =
	"TcpExt: SyncookiesSent TW TWRecycled TWKilled PAWSActive TCPTimeWaitOverflow\n"
	"TcpExt: 0 123456 17 0 3 99\n"
	"IpExt: InNoRoutes InTruncatedPkts\n"
	"IpExt: 0 0\n";

static const char snmp_text[] =
	"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails\n"
	"Tcp: 1 200 120000 -1 18446744073 77 12\n"
	"Udp: InDatagrams NoPorts\n"
	"Udp: 5 0\n";

static void netstat_and_snmp_pairs_are_named(void **state)
{
	struct counters c = { 0 };
	int64_t v;

	(void)state;
	assert_int_equal(counters_parse_pairs(&c, netstat_text, NULL), 0);
	assert_int_equal(counters_parse_pairs(&c, snmp_text, NULL), 0);
	assert_true(counters_get(&c, "TcpExt.TW", &v));
	assert_int_equal(v, 123456);
	assert_true(counters_get(&c, "TcpExt.TWRecycled", &v));
	assert_int_equal(v, 17);
	assert_true(counters_get(&c, "TcpExt.TCPTimeWaitOverflow", &v));
	assert_int_equal(v, 99);
	assert_true(counters_get(&c, "Tcp.ActiveOpens", &v));
	assert_int_equal(v, 18446744073LL);
	assert_true(counters_get(&c, "Tcp.MaxConn", &v));
	assert_int_equal(v, -1);
	assert_true(counters_get(&c, "Tcp.AttemptFails", &v));
	assert_int_equal(v, 12);
	assert_false(counters_get(&c, "TcpExt.NoSuchCounter", &v));
	counters_free(&c);
}

static void mismatched_pairs_are_an_error(void **state)
{
	struct counters c = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(counters_parse_pairs(&c, "TcpExt: A B\nTcpExt: 1\n", &e), -EINVAL);
	assert_int_equal(counters_parse_pairs(&c, "TcpExt: A B\nIpExt: 1 2\n", &e), -EINVAL);
	assert_int_equal(counters_parse_pairs(&c, "TcpExt: A B\n", &e), -EINVAL);
	counters_free(&c);
}

static void sockstat_is_parsed(void **state)
{
	struct counters c = { 0 };
	int64_t v;

	(void)state;
	assert_int_equal(counters_parse_sockstat(&c, "sockstat",
		"sockets: used 312\n"
		"TCP: inuse 25 orphan 1 tw 199962 alloc 30 mem 404\n"
		"UDP: inuse 4 mem 2\n"
		"FRAG: inuse 0 memory 0\n", NULL), 0);
	assert_int_equal(counters_parse_sockstat(&c, "sockstat6",
		"TCP6: inuse 3\nUDP6: inuse 1\n", NULL), 0);
	assert_true(counters_get(&c, "sockstat.TCP.tw", &v));
	assert_int_equal(v, 199962);
	assert_true(counters_get(&c, "sockstat.TCP.orphan", &v));
	assert_int_equal(v, 1);
	assert_true(counters_get(&c, "sockstat.TCP.mem", &v));
	assert_int_equal(v, 404);
	assert_true(counters_get(&c, "sockstat.sockets.used", &v));
	assert_int_equal(v, 312);
	assert_true(counters_get(&c, "sockstat6.TCP6.inuse", &v));
	assert_int_equal(v, 3);
	counters_free(&c);
}

static void conntrack_stat_hex_columns_are_summed_over_cpus(void **state)
{
	struct counters c = { 0 };
	int64_t v;

	(void)state;
	assert_int_equal(counters_parse_ct_stat(&c,
		"entries  clashres found new invalid ignore delete chainlength insert "
		"insert_failed drop early_drop icmp_error  expect_new\n"
		"0000001a  00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
		"00000000 0000000f 00000001 000000ff 00000000  00000000\n"
		"0000001a  00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000001 00000002 00000001 00000000  00000000\n", NULL), 0);
	assert_true(counters_get(&c, "conntrack.insert_failed", &v));
	assert_int_equal(v, 16);
	assert_true(counters_get(&c, "conntrack.drop", &v));
	assert_int_equal(v, 3);
	assert_true(counters_get(&c, "conntrack.early_drop", &v));
	assert_int_equal(v, 256);
	assert_true(counters_get(&c, "conntrack.entries", &v));
	assert_int_equal(v, 26);	/* global, not summed */
	counters_free(&c);
}

static void missing_proc_files_are_unavailable_not_errors(void **state)
{
	char root[] = "/tmp/pt-ctr-XXXXXX", p[256];
	struct counters c = { 0 };
	int64_t v;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/net", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/net/netstat", root);
	write_file(p, netstat_text);
	assert_int_equal(counters_read_at(&c, root, NULL), 0);
	assert_int_equal(c.have, CTR_NETSTAT);
	assert_true(counters_get(&c, "TcpExt.TW", &v));
	assert_false(counters_get(&c, "conntrack.count", &v));
	counters_free(&c);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_names_follow_the_kernel),
		cmocka_unit_test(destinations_count_sockets_by_state),
		cmocka_unit_test(memory_follows_destinations_not_sockets),
		cmocka_unit_test(ports_outside_the_range_are_not_ephemeral),
		cmocka_unit_test(listening_and_bound_ports_reduce_capacity),
		cmocka_unit_test(accepted_sockets_on_a_listening_port_are_not_ephemeral),
		cmocka_unit_test(udp_sockets_count_per_local_address),
		cmocka_unit_test(tcp_ports_count_per_local_address),
		cmocka_unit_test(v4_mapped_ipv6_sockets_join_the_ipv4_destination),
		cmocka_unit_test(top_destinations_are_sorted_by_use),
		cmocka_unit_test(processes_get_sockets_and_distinct_ports),
		cmocka_unit_test(cgroups_aggregate_by_id),
		cmocka_unit_test(procmap_reads_socket_links),
		cmocka_unit_test(cgroup_ids_resolve_to_paths),
		cmocka_unit_test(netstat_and_snmp_pairs_are_named),
		cmocka_unit_test(mismatched_pairs_are_an_error),
		cmocka_unit_test(sockstat_is_parsed),
		cmocka_unit_test(conntrack_stat_hex_columns_are_summed_over_cpus),
		cmocka_unit_test(missing_proc_files_are_unavailable_not_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
