// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply --confirm and porttune confirm, as Junos "commit confirmed": the
 * change reverts by itself unless confirmed in time. The pending record
 * lives in the state directory and is read and changed only under the
 * state lock; the reverting child is detached from the terminal, stays in
 * the network namespace it was forked in, and rolls back through the
 * ordinary transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "confirm.h"

#define PENDING "confirm.pending"
#define LOG "confirm.log"
#define POLL_NS 100000000L	/* a confirm ends the child within this */
#define LOCK_TRIES 200		/* x 50 ms: a rollback or confirm holding it */

static void path_of(char *buf, size_t len, const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);

	if (d + n + 2 > len)	/* the state dir is checked to fit elsewhere */
		d = n = 0;
	memcpy(buf, dir, d);
	buf[d] = '/';
	memcpy(buf + d + 1, name, n + 1);
}

void confirm_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static void boot_id(char *buf, size_t len)
{
	read_line("/proc/sys/kernel/random/boot_id", buf, len);
}

static void netns_of_self(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/ns/net", buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
}

static int write_rec(const char *dir, const struct confirm_rec *r,
		     struct err *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *f;
	int rc = 0;

	path_of(path, sizeof(path), dir, PENDING);
	path_of(tmp, sizeof(tmp), dir, PENDING ".tmp");
	f = fopen(tmp, "we");
	if (!f)
		return err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	fprintf(f, "state=%s\nsnapshot=%u\ndeadline=%lld\npid=%ld\ntoken=%s\n"
		"boot_id=%s\nnetns=%s\ncreated=%s\nprofile=%s\n", r->state,
		r->snapshot, r->deadline, r->pid, r->token, r->boot_id,
		r->netns, r->created, r->profile);
	if (fflush(f) || fsync(fileno(f)))
		rc = err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (fclose(f) && !rc)
		rc = err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	return rc;
}

/* 1: no record; 0: read (stale or not). */
static int read_rec(const char *dir, struct confirm_rec *r, struct err *err)
{
	char path[PATH_MAX], line[1024];
	FILE *f;

	memset(r, 0, sizeof(*r));
	path_of(path, sizeof(path), dir, PENDING);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 1 : err_set(err, -errno, "%s: %s",
						     path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = '\0';
		v[strcspn(v, "\n")] = '\0';
#define STR(k) if (!strcmp(line, #k)) snprintf(r->k, sizeof(r->k), "%s", v)
		STR(state); STR(token); STR(boot_id); STR(netns);
		STR(created); STR(profile);
#undef STR
		if (!strcmp(line, "snapshot"))
			r->snapshot = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(line, "deadline"))
			r->deadline = strtoll(v, NULL, 10);
		else if (!strcmp(line, "pid"))
			r->pid = strtol(v, NULL, 10);
	}
	fclose(f);
	return 0;
}

/* The owner died (or the host rebooted): nothing will revert it. */
static bool stale(const struct confirm_rec *r)
{
	char id[40];

	boot_id(id, sizeof(id));
	if (strcmp(id, r->boot_id))
		return true;
	return r->pid <= 0 || (kill((pid_t)r->pid, 0) && errno == ESRCH);
}

static int lock_retry(const char *dir, int *fd, int tries, struct err *err)
{
	int rc;

	while ((rc = state_lock(dir, fd, err)) == -EBUSY && --tries > 0) {
		struct timespec ts = { 0, 50000000L };

		nanosleep(&ts, NULL);
	}
	return rc;
}

static int read_locked(const char *dir, struct confirm_rec *r,
		       struct err *err)
{
	char path[PATH_MAX];
	int rc = read_rec(dir, r, err);

	if (rc || !stale(r))
		return rc;
	path_of(path, sizeof(path), dir, PENDING);
	unlink(path);
	return 1;
}

int confirm_read(const char *state_dir, struct confirm_rec *r, struct err *err)
{
	char path[PATH_MAX];
	int fd, rc;

	/* audit and snapshots list only look: no lock, no state dir made */
	path_of(path, sizeof(path), state_dir, PENDING);
	if (access(path, F_OK))
		return 1;
	rc = lock_retry(state_dir, &fd, 20, err);

	if (rc == -EBUSY)	/* apply/rollback running: look without it */
		return read_rec(state_dir, r, err) ? 1 : stale(r) ? 1 : 0;
	if (rc)
		return rc;
	rc = read_locked(state_dir, r, err);
	close(fd);
	return rc;
}

static void token(char *buf, size_t len)
{
	unsigned char b[16] = { 0 };

	if (getrandom(b, sizeof(b), 0) != sizeof(b)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(b, &ts, sizeof(ts) < sizeof(b) ? sizeof(ts) : sizeof(b));
	}
	for (size_t i = 0; i < sizeof(b) && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
}

static void busy(const struct confirm_rec *r, struct err *err)
{
	char when[32];

	confirm_time(r->deadline, when, sizeof(when));
	if (!strcmp(r->state, "reserved"))
		err_set(err, -EBUSY, "an apply --confirm is running (pid %ld)",
			r->pid);
	else
		err_set(err, -EBUSY, "snapshot %u awaits confirmation (rolled "
			"back at %s unless porttune confirm runs first); "
			"refusing another apply until then", r->snapshot, when);
}

int confirm_guard(const char *state_dir, bool reserve, const char *profile,
		  struct err *err)
{
	struct confirm_rec r;
	int fd, rc = state_lock(state_dir, &fd, err);

	if (rc)
		return rc;
	rc = read_locked(state_dir, &r, err);
	if (!rc) {
		busy(&r, err);
		rc = -EBUSY;
	} else if (rc == 1) {
		rc = 0;
		if (reserve) {
			memset(&r, 0, sizeof(r));
			snprintf(r.state, sizeof(r.state), "reserved");
			r.pid = getpid();
			token(r.token, sizeof(r.token));
			boot_id(r.boot_id, sizeof(r.boot_id));
			netns_of_self(r.netns, sizeof(r.netns));
			snprintf(r.profile, sizeof(r.profile), "%s", profile);
			rc = write_rec(state_dir, &r, err);
		}
	}
	close(fd);
	return rc;
}

void confirm_release(const char *state_dir)
{
	char path[PATH_MAX];
	struct confirm_rec r;
	int fd;

	if (state_lock(state_dir, &fd, NULL))
		return;
	if (!read_rec(state_dir, &r, NULL) && r.pid == getpid() &&
	    !strcmp(r.state, "reserved")) {
		path_of(path, sizeof(path), state_dir, PENDING);
		unlink(path);
	}
	close(fd);
}

__attribute__((format(printf, 2, 3)))
static void log_outcome(const char *dir, const char *fmt, ...)
{
	char path[PATH_MAX], now[32];
	va_list ap;
	FILE *f;

	path_of(path, sizeof(path), dir, LOG);
	f = fopen(path, "ae");
	if (!f)
		return;
	confirm_time(time(NULL), now, sizeof(now));
	fprintf(f, "%s ", now);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

void confirm_last_outcome(const char *state_dir, char *buf, size_t len)
{
	char path[PATH_MAX], line[512];
	FILE *f;

	buf[0] = '\0';
	path_of(path, sizeof(path), state_dir, LOG);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		snprintf(buf, len, "%.*s", (int)strcspn(line, "\n"), line);
	fclose(f);
}

/* Whether the record still names this child's change. */
static bool still_mine(const char *dir, const char *tok)
{
	struct confirm_rec r;

	return !read_rec(dir, &r, NULL) && !strcmp(r.token, tok);
}

/* Remove the record if it is still the one with this token. */
static void confirm_drop(const char *dir, const char *tok)
{
	char path[PATH_MAX];
	int fd;

	if (lock_retry(dir, &fd, LOCK_TRIES, NULL))
		return;
	path_of(path, sizeof(path), dir, PENDING);
	if (still_mine(dir, tok))
		unlink(path);
	close(fd);
}

/* The deadline passed: claim the record, roll back, drop the record. */
static void revert(const char *dir, const char *tok, unsigned id)
{
	struct confirm_rec r;
	struct txn t = { .state_dir = dir, .command = "rollback" };
	struct err e = { 0 };
	char which[16];
	enum txn_stage st;
	int fd;

	if (lock_retry(dir, &fd, LOCK_TRIES, &e)) {
		log_outcome(dir, "could not roll back snapshot %u: %s", id,
			    e.msg);
		return;
	}
	if (read_rec(dir, &r, NULL) || strcmp(r.token, tok)) {
		close(fd);	/* confirmed just in time */
		return;
	}
	/* from here `confirm` says "too late" and apply stays refused */
	snprintf(r.state, sizeof(r.state), "reverting");
	r.pid = getpid();
	write_rec(dir, &r, NULL);
	close(fd);
	snprintf(which, sizeof(which), "%u", id);
	t.snapshot = which;
	t.profile_path = which;
	st = txn_run(&t, &e);
	if (st == TXN_OK)
		log_outcome(dir, "not confirmed in time: rolled back snapshot "
			    "%u", id);
	else
		log_outcome(dir, "not confirmed in time: rolling back "
			    "snapshot %u FAILED: %s", id, e.msg);
	txn_free(&t);
	confirm_drop(dir, tok);
}

static void detach(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();		/* no controlling terminal: no SIGHUP from it */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close_range(3, ~0U, 0);
	if (chdir("/"))		/* do not pin a mount */
		return;
}

static void child(const char *dir, const char *tok, unsigned id,
		  const struct timespec *deadline)
{
	struct timespec now, step;

	for (;;) {
		long long left;

		if (!still_mine(dir, tok))
			return;		/* confirmed, or the state dir is gone */
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (deadline->tv_sec - now.tv_sec) * 1000000000LL +
		       (deadline->tv_nsec - now.tv_nsec);
		if (left <= 0)
			break;
		if (left > POLL_NS)
			left = POLL_NS;
		step = (struct timespec){ 0, (long)left };
		nanosleep(&step, NULL);
	}
	revert(dir, tok, id);
}

int confirm_start(struct txn *t, struct err *err)
{
	struct confirm_rec r = { 0 };
	struct timespec deadline;
	const char *dir = t->state_dir;
	unsigned id = t->snap.id;
	pid_t pid;
	int fd, rc;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += t->confirm_secs;
	snprintf(r.state, sizeof(r.state), "waiting");
	r.snapshot = id;
	r.deadline = (long long)time(NULL) + t->confirm_secs;
	r.pid = getpid();
	token(r.token, sizeof(r.token));
	boot_id(r.boot_id, sizeof(r.boot_id));
	netns_of_self(r.netns, sizeof(r.netns));
	snprintf(r.created, sizeof(r.created), "%s", t->snap.created);
	snprintf(r.profile, sizeof(r.profile), "%s", t->profile_path);
	rc = lock_retry(dir, &fd, LOCK_TRIES, err);
	if (rc)
		return rc;
	rc = write_rec(dir, &r, err);
	close(fd);
	if (rc)
		return rc;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		rc = err_set(err, -errno, "fork: %s", strerror(errno));
		confirm_drop(dir, r.token);
		return rc;
	}
	if (pid == 0) {
		char tok[sizeof(r.token)], sdir[PATH_MAX];

		/* keep only what the child needs; t goes with the apply */
		snprintf(tok, sizeof(tok), "%s", r.token);
		/* the child leaves the working directory: make it absolute */
		if (!realpath(dir, sdir))
			snprintf(sdir, sizeof(sdir), "%s", dir);
		txn_free(t);
		detach();
		child(sdir, tok, id, &deadline);
		return 1;
	}
	/* the child owns the record now: a confirm or apply checks it is
	 * alive */
	if (!lock_retry(dir, &fd, LOCK_TRIES, NULL)) {
		struct confirm_rec cur;

		if (!read_rec(dir, &cur, NULL) && !strcmp(cur.token, r.token) &&
		    !strcmp(cur.state, "waiting")) {
			r.pid = pid;
			write_rec(dir, &r, NULL);
		}
		close(fd);
	}
	t->confirm_deadline = r.deadline;
	return 0;
}

int confirm_cancel(const char *state_dir, struct confirm_rec *r,
		   struct err *err)
{
	char path[PATH_MAX];
	int fd, rc = lock_retry(state_dir, &fd, 20, err);

	if (rc)
		return rc;
	rc = read_locked(state_dir, r, err);
	if (!rc && strcmp(r->state, "waiting")) {
		rc = err_set(err, -EALREADY, !strcmp(r->state, "reverting")
			     ? "too late: snapshot %u is being rolled back"
			     : "the apply of snapshot %u is still running",
			     r->snapshot);
	} else if (!rc) {
		path_of(path, sizeof(path), state_dir, PENDING);
		if (unlink(path))
			rc = err_set(err, -errno, "%s: %s", path,
				     strerror(errno));
	}
	close(fd);
	return rc;
}

void confirm_audit(const char *state_dir, struct audit_report *r)
{
	struct confirm_rec c;
	struct finding *f;
	char when[32];

	if (confirm_read(state_dir, &c, NULL))
		return;
	confirm_time(c.deadline, when, sizeof(when));
	f = audit_add(r, "confirm-pending", SEV_WARNING);
	snprintf(f->summary, sizeof(f->summary), "an apply awaits "
		 "confirmation: snapshot %u is rolled back at %s", c.snapshot,
		 when);
	snprintf(f->evidence, sizeof(f->evidence), "%s/" PENDING ": %s of "
		 "%.200s, network namespace %s", state_dir, c.state,
		 c.profile, c.netns);
	snprintf(f->remedy, sizeof(f->remedy), "porttune confirm keeps the "
		 "changes; porttune rollback %u undoes them now", c.snapshot);
	if (f->sev > r->worst)
		r->worst = f->sev;
}
