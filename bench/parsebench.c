// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parsebench: reading back the snapshot of one NIC apply, as apply (twice:
 * verify and baseline) and rollback do, next to what reading it costs at
 * the least. The snapshot is the writer's own (snapshot_render) for NIFS
 * interfaces with six offload features each (what tso and gro expand to on
 * a veth). Rows, in microseconds per pass, the best of ROUNDS rounds:
 *
 *   scan   every line found: the text touched once
 *   inih   libinih alone, each key handed to a handler that does nothing
 *   parse  profile_parse_as(PROFILE_SNAPSHOT), then profile_free
 *
 *   build/parsebench [NIFS]       (default 256; no root, no system access)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ini.h>

#include "plan.h"
#include "profile.h"
#include "snapshot.h"

#define ROUNDS 7
#define PASSES 50

static const char *const features[] = {
	"rx-gro", "tx-tcp-segmentation", "tx-tcp-ecn-segmentation",
	"tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation",
	"tx-tcp-accecn-segmentation",
};
#define NFEAT (sizeof(features) / sizeof(*features))

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int nothing(void *user, const char *section, const char *name,
		   const char *value)
{
	(void)section;
	(void)name;
	(void)value;
	(*(size_t *)user)++;
	return 1;
}

static size_t lines;

static int pass(int row, const char *text)
{
	struct profile p;
	size_t keys = 0;
	int rc = 0;

	switch (row) {
	case 0:
		for (const char *s = text; (s = strchr(s, '\n')); s++)
			lines++;
		break;
	case 1:
		rc = ini_parse_string(text, nothing, &keys);
		break;
	case 2:
		rc = profile_parse_as(&p, PROFILE_SNAPSHOT, "snapshot", text,
				      NULL, NULL, NULL);
		profile_free(&p);
		break;
	}
	return rc;
}

/* The rows interleaved, so that a busy moment of the machine (2 shared
 * cores) does not fall on one row only. */
static void best_us(const char *text, double best[3])
{
	for (int r = 0; r < ROUNDS; r++) {
		for (int row = 0; row < 3; row++) {
			double t = now_us();

			for (int i = 0; i < PASSES; i++)
				if (pass(row, text)) {
					fprintf(stderr, "parsebench: the "
						"snapshot does not parse\n");
					exit(1);
				}
			t = (now_us() - t) / PASSES;
			best[row] = r && best[row] < t ? best[row] : t;
		}
	}
}

int main(int argc, char **argv)
{
	static const char *const rows[] = { "scan", "inih", "parse" };
	int nifs = argc > 1 ? atoi(argv[1]) : 256;
	struct snap_meta m = { .id = 1, .command = "apply",
			       .source = "/etc/porttune/nic.ini",
			       .host = "bench", .kernel = "6.1" };
	struct plan plan = { 0 };
	struct err e = { 0 };
	char *text = NULL;
	double t[3];

	if (nifs <= 0 || nifs > 4096) {
		fprintf(stderr, "usage: parsebench [NIFS (1-4096)]\n");
		return 2;
	}
	for (int i = 0; i < nifs; i++) {
		char dev[16], key[64];

		snprintf(dev, sizeof(dev), "bv%d", i);
		for (size_t f = 0; f < NFEAT; f++) {
			struct change *c;

			snprintf(key, sizeof(key), "offload.%s", features[f]);
			c = plan_add(&plan, T_NIC, dev, key, "off", NULL, 0);
			c->before = "on";
			c->status = CS_PENDING;
		}
	}
	if (snapshot_render(&plan, &m, &text, &e)) {
		fprintf(stderr, "parsebench: %s\n", e.msg);
		return 1;
	}
	best_us(text, t);
	printf("parsebench: a snapshot of %d interfaces, %zu settings, %zu "
	       "lines; us per pass, best of %d rounds of %d\n", nifs, plan.n,
	       lines / (ROUNDS * PASSES), ROUNDS, PASSES);
	for (int r = 0; r < 3; r++)
		printf("  %-6s %8.1f us%s\n", rows[r], t[r],
		       r == 2 ? "  (profile parser)" : "");
	printf("  parse/inih %.2fx, parse - inih %.1f us (%.0f ns per "
	       "setting)\n", t[2] / t[1], t[2] - t[1],
	       (t[2] - t[1]) * 1000 / (double)plan.n);
	plan_free(&plan);
	free(text);
	return 0;
}
