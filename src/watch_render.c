// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One `watch` frame, fitted to the terminal: lines are wrapped or cut at
 * the width, and the destinations table keeps the columns that matter most
 * (occupancy, then TIME_WAIT and ESTABLISHED, then the rates) and drops the
 * rest rather than wrap.
 */
#include <stdlib.h>
#include <string.h>

#include "watch_render.h"

#define DEST_MIN 21	/* "255.255.255.255:65535" */
#define DEST_MAX 47	/* a full IPv6 address in brackets, and a port */

enum col_id { C_SRC, C_DST, C_INUSE, C_RATIO, C_EST, C_TW, C_FW2, C_CW,
	      C_OTHER, C_CLOSE, C_SUSTAIN, C_N };

static const struct col {
	const char *head;
	int width;
	int prio;		/* 0: always shown; then kept in this order */
} cols[C_N] = {
	[C_SRC] = { "SOURCE", 15, 6 },
	[C_DST] = { "DESTINATION", DEST_MIN, 0 },
	[C_INUSE] = { "IN-USE", 6, 0 },
	[C_RATIO] = { "RATIO", 6, 0 },
	[C_EST] = { "ESTAB", 6, 2 },
	[C_TW] = { "TIME_WAIT", 9, 1 },
	[C_FW2] = { "FIN_WAIT2", 9, 8 },
	[C_CW] = { "CLOSE_WAIT", 10, 7 },
	[C_OTHER] = { "OTHER", 6, 9 },
	[C_CLOSE] = { "CLOSE/S", 7, 3 },
	[C_SUSTAIN] = { "SUSTAIN/S", 9, 4 },
};

/* Which columns fit in `width` (0: no limit), and the destination's width. */
static int layout(unsigned width, bool shown[C_N])
{
	int used = 0, dst;

	for (int c = 0; c < C_N; c++) {
		shown[c] = !cols[c].prio || !width;
		used += shown[c] ? cols[c].width + 1 : 0;
	}
	if (!width)
		return 26;
	for (int prio = 1; prio <= 9; prio++)
		for (int c = 0; c < C_N; c++)
			if (cols[c].prio == prio &&
			    used + cols[c].width + 1 <= (int)width + 1) {
				shown[c] = true;
				used += cols[c].width + 1;
			}
	dst = DEST_MIN + ((int)width + 1 - used);
	return dst > DEST_MAX ? DEST_MAX : dst;
}

/* Keep the end (the port) of a destination too long for its column. */
static const char *fit(const char *s, int w, char *buf, size_t len)
{
	int n = (int)strlen(s);

	if (n <= w)
		return s;
	snprintf(buf, len, "..%s", s + n - (w - 2));
	return buf;
}

static void table(FILE *f, const struct audit_input *in, unsigned top,
		  unsigned width)
{
	const struct sd_dest **v = calloc(top + 1, sizeof(*v));
	size_t n = v ? audit_top_dests(in, v, top) : 0;
	long cap = audit_capacity(in);
	bool shown[C_N];
	int dw = layout(width, shown);
	char src[64], dst[64], port[80], cut[80];

	for (int c = 0, first = 1; c < C_N; c++)
		if (shown[c]) {
			fprintf(f, c == C_SRC || c == C_DST ? "%s%-*s" : "%s%*s",
				first ? "" : " ", c == C_DST ? dw : cols[c].width,
				cols[c].head);
			first = 0;
		}
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		const struct sd_dest *d = v[i];
		double val[C_N] = {
			[C_INUSE] = audit_occupied(in, d),
			[C_RATIO] = cap > 0 ? 100.0 * audit_occupied(in, d) / cap : 0,
			[C_EST] = d->state[SD_ESTABLISHED],
			[C_TW] = d->state[SD_TIME_WAIT],
			[C_FW2] = d->state[SD_FIN_WAIT2],
			[C_CW] = d->state[SD_CLOSE_WAIT],
			[C_OTHER] = d->used - d->state[SD_ESTABLISHED] -
				    d->state[SD_TIME_WAIT] -
				    d->state[SD_FIN_WAIT2] -
				    d->state[SD_CLOSE_WAIT],
			[C_CLOSE] = in->sd.recent_ms ? d->tw_recent * 1000.0 /
							in->sd.recent_ms : 0,
			[C_SUSTAIN] = audit_sustainable_rate(in, d),
		};
		const char *sep = "";

		audit_addr(d->family, d->dst, dst, sizeof(dst), true);
		snprintf(port, sizeof(port), "%s:%u", dst, d->dport);
		for (int c = 0; c < C_N; c++) {
			if (!shown[c])
				continue;
			if (c == C_SRC)
				fprintf(f, "%s%-*s", sep, cols[c].width,
					audit_addr(d->family, d->src, src,
						   sizeof(src), false));
			else if (c == C_DST)
				fprintf(f, "%s%-*s", sep, dw,
					fit(port, dw, cut, sizeof(cut)));
			else if (c == C_RATIO)
				fprintf(f, "%s%*.1f%%", sep, cols[c].width - 1,
					val[c]);
			else if (c == C_CLOSE)
				fprintf(f, "%s%*.1f", sep, cols[c].width, val[c]);
			else
				fprintf(f, "%s%*.0f", sep, cols[c].width, val[c]);
			sep = " ";
		}
		fputc('\n', f);
	}
	if (!n)
		fprintf(f, "(no socket holds an ephemeral port)\n");
	free(v);
}

/* Print `s` wrapped at spaces to `width` columns (0: one line);
 * continuation lines are indented. */
static void wrapped(FILE *f, const char *s, unsigned width)
{
	const char *indent = "";
	size_t w = width;

	for (;;) {
		size_t cut = w;

		if (!width || strlen(s) <= w) {
			fprintf(f, "%s%s\n", indent, s);
			return;
		}
		while (cut > w / 2 && s[cut] != ' ')
			cut--;
		if (s[cut] != ' ')
			cut = w;
		fprintf(f, "%s%.*s\n", indent, (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
		if (!*s)
			return;
		indent = "  ";
		w = width - 2;
	}
}

static const struct finding *worst(const struct audit_report *r)
{
	const struct finding *w = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].sev != SEV_OK && (!w || r->v[i].sev > w->sev))
			w = &r->v[i];
	return w;
}

void watch_print_frame(FILE *f, const struct audit_input *in,
		       const struct audit_report *r, const struct watch_frame *w)
{
	const struct sd_result *sd = &in->sd;
	const struct finding *bad = worst(r);
	const char *sep = "";
	char line[1024];
	size_t o;

	snprintf(line, sizeof(line), "porttune watch  %s  refresh %u  every "
		 "%.1f s  status %s", w->when, w->n, w->interval,
		 severity_name(r->worst));
	wrapped(f, line, w->width);
	/* name the check behind the status, worst first */
	if (bad) {
		snprintf(line, sizeof(line), "%s %s: %s",
			 severity_name(bad->sev), bad->check, bad->summary);
		wrapped(f, line, w->width);
	}
	fputc('\n', f);
	snprintf(line, sizeof(line), "%.1f connects/s, %.1f entering "
		 "TIME_WAIT/s, %.1f TIME_WAIT reuses/s, %.1f failed connects/s",
		 in->rate_active_opens, in->rate_tw_entered,
		 in->rate_tw_recycled, in->rate_attempt_fails);
	wrapped(f, line, w->width);
	o = snprintf(line, sizeof(line), "TCP sockets %u:", sd->tcp_total);
	for (unsigned s = 1; s < SD_NSTATES && o < sizeof(line); s++) {
		if (!sd->tcp_state[s])
			continue;
		o += snprintf(line + o, sizeof(line) - o, "%s %s %u", sep,
			      sd_state_name(s), sd->tcp_state[s]);
		sep = ",";
	}
	if (o < sizeof(line))
		snprintf(line + o, sizeof(line) - o, "%s; UDP sockets %u",
			 sd->tcp_total ? "" : " none", sd->udp_total);
	wrapped(f, line, w->width);
	snprintf(line, sizeof(line), "Capacity per destination: %u ports "
		 "(range %u - reserved %u - held by listeners %u)", sd->p_eff,
		 sd->range_size, sd->reserved_in_range, sd->bound_in_range);
	wrapped(f, line, w->width);
	fputc('\n', f);
	table(f, in, w->top, w->width);
}
