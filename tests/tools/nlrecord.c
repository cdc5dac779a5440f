// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlrecord - record the netlink exchanges of porttune's NIC plan/apply and
 * sock_diag census, for the replay unit tests (tests/unit/data/nl/). Run it
 * inside a private network namespace; tests/unit/data/nl/record.sh does.
 *
 *   nlrecord OUT plan PROFILE     build the plan (reads only)
 *   nlrecord OUT apply PROFILE    build and apply it (reverting on failure)
 *   nlrecord OUT census LO HI     socket census, ephemeral range LO-HI
 *
 * Prints what the code made of the replies: the expectations of the tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nl_replay.h"
#include "plan.h"
#include "profile.h"
#include "sockdiag.h"

static void print_plan(const struct plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct change *c = &plan->v[i];

		printf("%s %s %s -> %s [%s]%s%s\n", c->dev ? c->dev : "-",
		       c->key, c->before ? c->before : "?", c->after,
		       chg_status_name(c->status), c->note ? " " : "",
		       c->note ? c->note : "");
	}
}

static int nic(const char *path, bool apply)
{
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;
	int rc;

	if (profile_load(&prof, path, &e)) {
		fprintf(stderr, "nlrecord: %s\n", e.msg);
		return 1;
	}
	rc = plan_build(&prof, &plan, &e);
	if (!rc && apply)
		rc = plan_apply(&plan, &e);
	print_plan(&plan);
	if (rc)
		printf("error: %s\n", e.msg);
	plan_free(&plan);
	profile_free(&prof);
	return 0;
}

static int census(unsigned lo, unsigned hi)
{
	struct sd_request req = { .port_lo = (uint16_t)lo, .port_hi = (uint16_t)hi };
	struct sd_result res;
	struct err e = { 0 };

	if (sockdiag_collect(&req, &res, &e)) {
		fprintf(stderr, "nlrecord: %s\n", e.msg);
		return 1;
	}
	printf("tcp_total %u tcp4 %u tcp6 %u udp_total %u udp4 %u udp6 %u\n",
	       res.tcp_total, res.tcp4, res.tcp6, res.udp_total, res.udp4,
	       res.udp6);
	for (unsigned s = 1; s < SD_NSTATES; s++)
		if (res.tcp_state[s])
			printf("%s %u\n", sd_state_name(s), res.tcp_state[s]);
	printf("tcp_ephemeral %u tcp_ports_used %u tcp_on_bound_port %u "
	       "udp_ephemeral %u listen_in_range %u held_by_listeners %u "
	       "ndest %zu\n", res.tcp_ephemeral, res.tcp_ports_used,
	       res.tcp_on_bound_port, res.udp_ephemeral, res.listen_in_range,
	       res.held_by_listeners, res.ndest);
	for (size_t i = 0; i < res.ndest; i++)
		printf("dest port %u used %u time_wait %u established %u\n",
		       res.dest[i].dport, res.dest[i].used,
		       res.dest[i].state[SD_TIME_WAIT],
		       res.dest[i].state[SD_ESTABLISHED]);
	sd_result_free(&res);
	return 0;
}

int main(int argc, char **argv)
{
	struct err e = { 0 };
	int rc;

	if (argc < 4 || (strcmp(argv[2], "census") && argc != 4) ||
	    (!strcmp(argv[2], "census") && argc != 5)) {
		fprintf(stderr, "usage: nlrecord OUT plan|apply PROFILE | "
			"nlrecord OUT census LO HI\n");
		return 2;
	}
	if (nl_record_start(argv[1], &e)) {
		fprintf(stderr, "nlrecord: %s\n", e.msg);
		return 1;
	}
	if (!strcmp(argv[2], "census"))
		rc = census((unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]));
	else
		rc = nic(argv[3], !strcmp(argv[2], "apply"));
	if (nl_record_stop()) {
		fprintf(stderr, "nlrecord: %s: write error\n", argv[1]);
		return 1;
	}
	return rc;
}
