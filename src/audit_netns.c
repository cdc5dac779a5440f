// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit --all-netns: the single-namespace audit (audit_gather, audit_evaluate
 * and the renderers) run once inside every network namespace on the host.
 * Part of the audit command: it prints.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit_netns.h"
#include "audit_render.h"
#include "audit_triage.h"
#include "cmd.h"
#include "netns_target.h"
#include "nic.h"
#include "prom_merge.h"
#include "trace.h"

struct ns_entry {
	struct ns_ident id;
	char name[NAME_MAX + 1];	/* under /run/netns; "" when none */
	char path[PATH_MAX];		/* how to open it */
	pid_t *pids;
	size_t npids;
	char comm[32];
	bool initial;
	bool gone;			/* vanished before it was audited */
	enum severity worst;
	char summary[520];		/* the worst finding, or the error */
	long port_lo, port_hi, tcp_tw, tcp_inuse;
	char *out;			/* text details or Prometheus lines */
	json_object *json;
};

struct ns_list {
	struct ns_entry *v;
	size_t n;
};

static struct ns_entry *ns_find_or_add(struct ns_list *l,
				       const struct ns_ident *id)
{
	struct ns_entry *v;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].id.dev == id->dev && l->v[i].id.ino == id->ino)
			return &l->v[i];
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		abort();
	l->v = v;
	v[l->n] = (struct ns_entry){ .id = *id, .port_lo = UNSET,
				     .port_hi = UNSET, .tcp_tw = UNSET,
				     .tcp_inuse = UNSET };
	return &v[l->n++];
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* /run/netns first, so a named namespace is opened by its name. */
static void find_named(struct ns_list *l)
{
	DIR *d = opendir("/run/netns");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct ns_entry *e;
		struct ns_ident id;
		struct stat st;

		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &st, 0))
			continue;
		/* an ip-netns name not (or no longer) bind-mounted is a
		 * plain empty file on the /run file system */
		if (!S_ISREG(st.st_mode) || st.st_size)
			continue;
		id = (struct ns_ident){ st.st_dev, st.st_ino };
		e = ns_find_or_add(l, &id);
		if (!e->name[0]) {
			snprintf(e->name, sizeof(e->name), "%s", de->d_name);
			snprintf(e->path, sizeof(e->path), "/run/netns/%s",
				 de->d_name);
		}
	}
	closedir(d);
}

static void find_processes(struct ns_list *l)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[64];
		struct ns_entry *e;
		struct ns_ident id;
		struct stat st;
		pid_t *p;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		/* EACCES for processes we may not inspect: they are skipped */
		if (stat(path, &st))
			continue;
		id = (struct ns_ident){ st.st_dev, st.st_ino };
		e = ns_find_or_add(l, &id);
		p = realloc(e->pids, (e->npids + 1) * sizeof(*p));
		if (!p)
			abort();
		e->pids = p;
		e->pids[e->npids++] = (pid_t)pid;
		if (!e->path[0])
			snprintf(e->path, sizeof(e->path), "%s", path);
		if (!e->comm[0])
			read_comm((pid_t)pid, e->comm, sizeof(e->comm));
	}
	closedir(d);
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static const char *ns_label(const struct ns_entry *e, char *buf, size_t len)
{
	if (e->name[0])
		snprintf(buf, len, "%s", e->name);
	else
		snprintf(buf, len, "net:[%lu]", (unsigned long)e->id.ino);
	return buf;
}

static char *memstream_text(void (*render)(FILE *, const struct audit_view *),
			    const struct audit_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		abort();
	render(m, v);
	if (fclose(m))
		abort();
	return buf;
}

static json_object *ns_json(const struct ns_entry *e)
{
	json_object *o = json_object_new_object();
	json_object *pids = json_object_new_array();

	for (size_t i = 0; i < e->npids; i++)
		json_object_array_add(pids, json_object_new_int(e->pids[i]));
	json_object_object_add(o, "inode", json_object_new_int64(
				       (int64_t)e->id.ino));
	json_object_object_add(o, "name", e->name[0]
			       ? json_object_new_string(e->name) : NULL);
	json_object_object_add(o, "pids", pids);
	json_object_object_add(o, "comm", e->comm[0]
			       ? json_object_new_string(e->comm) : NULL);
	json_object_object_add(o, "initial", json_object_new_boolean(e->initial));
	return o;
}

/*
 * The census only where it can matter (audit_triage.h): the text overview
 * shows nothing of an OK namespace's census. JSON and Prometheus carry it,
 * so they always take it; --interval would sample twice; bind()-only
 * sockets are not in sockstat; a traced namespace's details show its
 * destinations beside its failures.
 */
static int gather(struct audit_input *in, const struct all_netns_req *q,
		  struct err *err)
{
	const struct audit_opts *o = q->opts;

	if (q->fmt != FMT_TEXT || !o->sockets || !o->no_bound ||
	    o->interval > 0 || in->trace)	/* a traced one is shown whole */
		return audit_gather(in, o, err);
	return audit_gather_triaged(in, o, err);
}

/* Inside the namespace: the single-namespace audit, kept rendered. */
static void audit_here(struct ns_entry *e, const struct all_netns_req *q)
{
	struct audit_input in = { .cfg = q->cfg, .top = q->opts->top };
	struct audit_view view;
	struct audit_report r;
	struct nic_state *nics = NULL;
	struct plan plan = { 0 };
	struct err err = { 0 };
	struct trace_result tres;
	char who[300];

	ns_label(e, who, sizeof(who));
	e->initial = nst_self_is_initial();
	in.trace = audit_netns_trace(q, e->id.ino, &tres);
	if (q->prof) {
		if (plan_build(q->prof, &plan, &err))
			pt_error("audit: %s: %s", who, err.msg);
		else
			in.drift = &plan;
	}
	if (gather(&in, q, &err))
		pt_error("audit: %s: %s", who, err.msg);
	audit_evaluate(&in, &r);	/* the trace's findings too: in.trace */
	view = (struct audit_view){ &in, &r, NULL, 0, q->opts->top,
				    q->opts->processes };
	/* interfaces never change the status: only shown in JSON and in the
	 * text details, which only a namespace that is not OK gets */
	if ((q->fmt == FMT_JSON || (q->fmt == FMT_TEXT && r.worst != SEV_OK)) &&
	    nic_survey(q->prof, &nics, &view.nnics, &err))
		pt_error("audit: %s: interfaces: %s", who, err.msg);
	view.nics = nics;
	e->worst = r.worst;
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].sev == r.worst) {
			snprintf(e->summary, sizeof(e->summary), "%s",
				 r.v[i].summary);
			break;
		}
	e->port_lo = in.port_lo;
	e->port_hi = in.port_hi;
	e->tcp_tw = in.tcp_tw;
	e->tcp_inuse = in.tcp_inuse;
	if (q->fmt == FMT_JSON) {
		e->json = audit_json(&view);
		json_object_object_add(e->json, "netns", ns_json(e));
	} else if (q->fmt == FMT_PROMETHEUS) {
		e->out = memstream_text(audit_print_prometheus, &view);
	} else if (r.worst != SEV_OK) {
		e->out = memstream_text(audit_print_text, &view);
	}
	free(nics);
	audit_report_free(&r);
	trace_result_free(&tres);
	audit_input_free(&in);
	plan_free(&plan);
}

/* A namespace that could not be audited, in JSON. */
static json_object *error_json(const struct ns_entry *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "status",
			       json_object_new_string(severity_name(e->worst)));
	json_object_object_add(o, "exit_code", json_object_new_int(e->worst));
	json_object_object_add(o, "error", json_object_new_string(e->summary));
	json_object_object_add(o, "netns", ns_json(e));
	return o;
}

/* Enter e, audit it; the caller returns to where it started. */
static void audit_one(struct ns_entry *e, const struct all_netns_req *q)
{
	struct ns_ident now;
	struct err err = { 0 };
	char who[300];
	int fd = open(e->path, O_RDONLY | O_CLOEXEC);

	ns_label(e, who, sizeof(who));
	/* a process that exited (or a PID reused) since the scan */
	if (fd < 0 || nst_ident_fd(fd, &now) || now.dev != e->id.dev ||
	    now.ino != e->id.ino) {
		e->gone = true;
		if (fd >= 0)
			close(fd);
		return;
	}
	if (nst_enter(fd, who, &err)) {
		e->worst = SEV_UNKNOWN;
		snprintf(e->summary, sizeof(e->summary), "%s", err.msg);
		pt_error("audit: %s", err.msg);
	} else {
		audit_here(e, q);
	}
	close(fd);
	if (q->fmt == FMT_JSON && !e->json)
		e->json = error_json(e);
}

/* Worst first; then named before unnamed, by name or inode. */
static int by_severity(const void *a, const void *b)
{
	const struct ns_entry *x = a, *y = b;

	if (x->worst != y->worst)
		return (int)y->worst - (int)x->worst;
	if (!x->name[0] != !y->name[0])
		return x->name[0] ? -1 : 1;
	if (x->name[0])
		return strcmp(x->name, y->name);
	return (x->id.ino > y->id.ino) - (x->id.ino < y->id.ino);
}

static const char *who_line(const struct ns_entry *e, char *buf, size_t len)
{
	char l[300];

	ns_label(e, l, sizeof(l));
	if (e->initial)
		snprintf(buf, len, "%s (initial)", l);
	else if (!e->name[0] && e->npids)
		snprintf(buf, len, "%s pid %d %s", l, (int)e->pids[0],
			 e->comm[0] ? e->comm : "?");
	else
		snprintf(buf, len, "%s", l);
	return buf;
}

static void print_text(FILE *f, const struct ns_list *l, enum severity worst)
{
	char who[400];

	fprintf(f, "%zu network namespace%s, worst %s\n\n", l->n,
		l->n == 1 ? "" : "s", severity_name(worst));
	fprintf(f, "%-8s  %-40s  %-11s  %6s  %6s  %s\n", "STATUS", "NETNS",
		"PORT RANGE", "TCP", "TW", "WORST FINDING");
	for (size_t i = 0; i < l->n; i++) {
		const struct ns_entry *e = &l->v[i];
		char range[32] = "-";

		if (e->port_lo != UNSET)
			snprintf(range, sizeof(range), "%ld-%ld", e->port_lo,
				 e->port_hi);
		fprintf(f, "%-8s  %-40s  %-11s  %6ld  %6ld",
			severity_name(e->worst),
			who_line(e, who, sizeof(who)), range, e->tcp_inuse,
			e->tcp_tw);
		if (e->worst != SEV_OK)
			fprintf(f, "  %s", e->summary);
		fputc('\n', f);
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct ns_entry *e = &l->v[i];

		if (e->worst == SEV_OK || !e->out)
			continue;
		fprintf(f, "\n==== %s: %s ====\n", who_line(e, who, sizeof(who)),
			severity_name(e->worst));
		fputs(e->out, f);
	}
}

/* One family per metric across namespaces, a netns label on each series. */
static void print_prometheus(FILE *f, const struct ns_list *l)
{
	const char **texts = calloc(l->n + 1, sizeof(*texts));
	char (*labels)[300] = calloc(l->n + 1, sizeof(*labels));
	const char **lp = calloc(l->n + 1, sizeof(*lp));
	size_t n = 0;

	if (!texts || !labels || !lp)
		abort();
	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].out)
			continue;
		texts[n] = l->v[i].out;
		lp[n] = ns_label(&l->v[i], labels[n], sizeof(labels[n]));
		n++;
	}
	prom_merge(f, texts, "netns", lp, n);
	free(texts);
	free(labels);
	free(lp);
}

static void print_json(FILE *f, const struct ns_list *l, enum severity worst)
{
	json_object *o = json_object_new_object();
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		json_object_array_add(a, l->v[i].json);
		l->v[i].json = NULL;
	}
	json_object_object_add(o, "status",
			       json_object_new_string(severity_name(worst)));
	json_object_object_add(o, "exit_code", json_object_new_int(worst));
	json_object_object_add(o, "namespaces", a);
	json_emit(f, o);
}

/* One after the other in this process, returning home after each. */
static int audit_in_turn(struct ns_list *l, const struct all_netns_req *q,
			 int home)
{
	struct err err = { 0 };

	for (size_t i = 0; i < l->n; i++) {
		audit_one(&l->v[i], q);
		if (nst_enter(home, "(the one porttune started in)", &err)) {
			pt_error("audit: --all-netns: %s", err.msg);
			while (++i < l->n)
				l->v[i].gone = true;
			return -1;
		}
	}
	return 0;
}

/* ---- workers: the kernel walks its socket tables for each namespace's
 * dumps, so namespaces are audited on every CPU at once ---- */

/* What a worker sends back for one namespace; outlen bytes follow. */
struct wire {
	size_t index, outlen;
	enum severity worst;
	long port_lo, port_hi, tcp_tw, tcp_inuse;
	bool initial, gone;
	char summary[520];
};

static int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= (size_t)r;
	}
	return 0;
}

/* In the child: every nw-th namespace from k, sent down fd. */
static void worker(int fd, struct ns_list *l, size_t k, size_t nw,
		   const struct all_netns_req *q)
{
	for (size_t i = k; i < l->n; i += nw) {
		struct ns_entry *e = &l->v[i];
		const char *out;
		struct wire w;

		audit_one(e, q);
		out = e->json ? json_object_to_json_string_ext(
					e->json, JSON_C_TO_STRING_PLAIN)
			      : e->out ? e->out : "";
		memset(&w, 0, sizeof(w));
		w = (struct wire){ .index = i, .outlen = strlen(out),
				   .worst = e->worst, .port_lo = e->port_lo,
				   .port_hi = e->port_hi, .tcp_tw = e->tcp_tw,
				   .tcp_inuse = e->tcp_inuse,
				   .initial = e->initial, .gone = e->gone };
		memcpy(w.summary, e->summary, sizeof(w.summary));
		if (write_all(fd, &w, sizeof(w)) ||
		    write_all(fd, out, w.outlen))
			return;
	}
}

static void receive(int fd, struct ns_list *l, bool *done,
		    const struct all_netns_req *q)
{
	struct wire w;

	while (!read_all(fd, &w, sizeof(w)) && w.index < l->n) {
		struct ns_entry *e = &l->v[w.index];
		char *out = malloc(w.outlen + 1);

		if (!out)
			abort();
		if (read_all(fd, out, w.outlen)) {
			free(out);
			return;
		}
		out[w.outlen] = '\0';
		e->worst = w.worst;
		e->port_lo = w.port_lo;
		e->port_hi = w.port_hi;
		e->tcp_tw = w.tcp_tw;
		e->tcp_inuse = w.tcp_inuse;
		e->initial = w.initial;
		e->gone = w.gone;
		memcpy(e->summary, w.summary, sizeof(e->summary));
		e->summary[sizeof(e->summary) - 1] = '\0';
		if (q->fmt == FMT_JSON && !e->gone) {
			e->json = json_tokener_parse(out);
			free(out);
		} else {
			e->out = w.outlen ? out : (free(out), NULL);
		}
		done[w.index] = true;
	}
}

/* 0, or -1 when no worker could start (the caller audits in turn). */
static int audit_in_parallel(struct ns_list *l, const struct all_netns_req *q,
			     size_t nw)
{
	pid_t *pids = calloc(nw, sizeof(*pids));
	int *fds = calloc(nw, sizeof(*fds));
	bool *done = calloc(l->n + 1, sizeof(*done));
	size_t started = 0;

	if (!pids || !fds || !done)
		abort();
	fflush(NULL);
	for (size_t k = 0; k < nw; k++) {
		int p[2];

		if (pipe2(p, O_CLOEXEC))
			break;
		pids[k] = fork();
		if (pids[k] < 0) {
			close(p[0]);
			close(p[1]);
			break;
		}
		if (!pids[k]) {
			close(p[0]);
			worker(p[1], l, k, nw, q);
			/* a forked child: nothing of the parent's to flush */
			_exit(0);
		}
		close(p[1]);
		fds[k] = p[0];
		started++;
	}
	for (size_t k = 0; k < started; k++) {
		receive(fds[k], l, done, q);
		close(fds[k]);
		while (waitpid(pids[k], NULL, 0) < 0 && errno == EINTR)
			;
	}
	/* namespaces of a worker that did not start or died: say so */
	for (size_t i = 0; i < l->n; i++) {
		struct ns_entry *e = &l->v[i];

		if (done[i])
			continue;
		e->worst = SEV_UNKNOWN;
		snprintf(e->summary, sizeof(e->summary), "not audited: its "
			 "worker process %s", started ? "failed" : "did not start");
		if (q->fmt == FMT_JSON)
			e->json = error_json(e);
	}
	free(pids);
	free(fds);
	free(done);
	return started ? 0 : -1;
}

static size_t workers(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t w = cpus > 1 ? (size_t)cpus : 1;

	if (w > 8)
		w = 8;
	/* a worker costs a fork: not worth it for a handful */
	return n < 8 ? 1 : w;
}

int audit_all_netns(FILE *f, const struct all_netns_req *q)
{
	struct ns_list l = { 0 };
	enum severity worst = SEV_OK;
	size_t kept = 0, nw;
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (home < 0) {
		pt_error("audit: --all-netns: /proc/thread-self/ns/net: %s",
			 strerror(errno));
		return SEV_UNKNOWN;
	}
	find_named(&l);
	find_processes(&l);
	for (size_t i = 0; i < l.n; i++)
		qsort(l.v[i].pids, l.v[i].npids, sizeof(pid_t), by_pid);
	nw = workers(l.n);
	if ((nw < 2 || audit_in_parallel(&l, q, nw)) &&
	    audit_in_turn(&l, q, home))
		worst = SEV_UNKNOWN;
	close(home);
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].gone) {
			free(l.v[i].pids);
			free(l.v[i].out);
			continue;
		}
		l.v[kept++] = l.v[i];
	}
	l.n = kept;
	qsort(l.v, l.n, sizeof(*l.v), by_severity);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].worst > worst)
			worst = l.v[i].worst;
	if (q->fmt == FMT_JSON)
		print_json(f, &l, worst);
	else if (q->fmt == FMT_PROMETHEUS)
		print_prometheus(f, &l);
	else
		print_text(f, &l, worst);
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].pids);
		free(l.v[i].out);
		if (l.v[i].json)
			json_object_put(l.v[i].json);
	}
	free(l.v);
	return worst;
}
