// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * churn - a connect()+close() loop that counts its own results, to check
 * `porttune audit --trace` against. Run it inside a private network
 * namespace (unshare -n).
 *
 *   churn --dst ADDR:PORT [--dst ...] [--seconds S] [--spread K] [--no-server]
 *
 * Each round connects to the next destination, then closes the client side
 * first (an active close: ESTABLISHED -> FIN_WAIT1, TIME_WAIT on this side),
 * then the accepted side. Failed connect()s are counted per destination and
 * errno. Unless --no-server, churn listens on the wildcard address of every
 * destination port itself. --spread K expands an IPv4 destination into K
 * consecutive addresses (127.0.0.1 .. 127.0.0.K; K up to 8192).
 *
 * Output, one line per destination and result, at the end:
 *   close dst=ADDR dport=PORT count=N
 *   fail dst=ADDR dport=PORT errno=NAME count=N
 *   total pid=PID connects=N closes=N fails=N seconds=S rate=N cpu=S
 *   (cpu: user + system time, so a busy shared host shows in rate, not here)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DST 8192
#define MAX_ERR 136		/* errno values Linux has */

struct dst {
	struct sockaddr_storage ss;
	socklen_t len;
	int lsn;			/* index of the listener for this port */
	unsigned long closes, fails[MAX_ERR];
};

static struct dst dsts[MAX_DST];
static int ndst, lsn_fd[MAX_DST], nlsn;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: churn --dst ADDR:PORT [--dst ...] [--seconds S]"
		" [--spread K] [--no-server]\n");
	exit(2);
}

static int add_dst(const char *s, unsigned spread)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	unsigned long port;
	size_t hl;

	if (!colon)
		return -1;
	if (s[0] == '[') {
		s++;
		hl = (size_t)(colon - s - 1);
	} else {
		hl = (size_t)(colon - s);
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	port = strtoul(colon + 1, NULL, 10);
	for (unsigned k = 0; k < spread; k++) {
		struct dst *d = &dsts[ndst];
		struct sockaddr_in *v4 = (struct sockaddr_in *)&d->ss;
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&d->ss;

		if (ndst == MAX_DST)
			return -1;
		if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
			v4->sin_family = AF_INET;
			v4->sin_port = htons((uint16_t)port);
			v4->sin_addr.s_addr = htonl(ntohl(v4->sin_addr.s_addr) + k);
			d->len = sizeof(*v4);
		} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1 && !k) {
			v6->sin6_family = AF_INET6;
			v6->sin6_port = htons((uint16_t)port);
			d->len = sizeof(*v6);
		} else {
			return -1;
		}
		ndst++;
	}
	return 0;
}

static unsigned port_of(const struct dst *d)
{
	return ntohs(((const struct sockaddr_in *)&d->ss)->sin_port);
}

/* One wildcard listener per (family, port). */
static void listen_all(void)
{
	for (int i = 0; i < ndst; i++) {
		struct sockaddr_storage w = { .ss_family = dsts[i].ss.ss_family };
		int one = 1, fd, j;

		for (j = 0; j < i; j++)
			if (dsts[j].ss.ss_family == dsts[i].ss.ss_family &&
			    port_of(&dsts[j]) == port_of(&dsts[i]))
				break;
		if (j < i) {
			dsts[i].lsn = dsts[j].lsn;
			continue;
		}
		((struct sockaddr_in *)&w)->sin_port = htons(port_of(&dsts[i]));
		fd = socket(w.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			exit(2);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (w.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&w, dsts[i].len) ||
		    listen(fd, 4096)) {
			perror("churn: listen");
			exit(2);
		}
		dsts[i].lsn = nlsn;
		lsn_fd[nlsn++] = fd;
	}
}

int main(int argc, char **argv)
{
	double seconds = 2, t0, el, cpu;
	struct rusage ru;
	unsigned spread = 1;
	unsigned long connects = 0, closes = 0, fails = 0;
	int server = 1, nspec = 0;
	char a[INET6_ADDRSTRLEN];
	const char *spec[MAX_DST];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dst") && i + 1 < argc) {
			if (nspec == MAX_DST)
				usage();
			spec[nspec++] = argv[++i];
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = strtod(argv[++i], NULL);
		} else if (!strcmp(argv[i], "--spread") && i + 1 < argc) {
			spread = (unsigned)strtoul(argv[++i], NULL, 10);
			if (!spread || spread > MAX_DST)
				usage();
		} else if (!strcmp(argv[i], "--no-server")) {
			server = 0;
		} else {
			usage();
		}
	}
	/* --spread applies to every --dst, wherever it stands */
	for (int i = 0; i < nspec; i++)
		if (add_dst(spec[i], spread))
			usage();
	if (!ndst)
		usage();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (server)
		listen_all();
	t0 = now();
	for (unsigned long n = 0; !stop; n++) {
		struct dst *d = &dsts[n % ndst];
		int fd = socket(d->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if ((n & 255) == 0 && now() - t0 >= seconds)
			break;
		if (fd < 0) {
			perror("churn: socket");
			return 2;
		}
		connects++;
		if (connect(fd, (struct sockaddr *)&d->ss, d->len)) {
			d->fails[errno < MAX_ERR ? errno : 0]++;
			fails++;
			close(fd);
			continue;
		}
		/* client first: this side holds the TIME_WAIT */
		close(fd);
		d->closes++;
		closes++;
		if (server) {
			int c = accept4(lsn_fd[d->lsn], NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0)
				close(c);
		}
	}
	el = now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	for (int i = 0; i < ndst; i++) {
		struct dst *d = &dsts[i];

		inet_ntop(d->ss.ss_family, d->ss.ss_family == AF_INET ?
			  (void *)&((struct sockaddr_in *)&d->ss)->sin_addr :
			  (void *)&((struct sockaddr_in6 *)&d->ss)->sin6_addr,
			  a, sizeof(a));
		if (d->closes)
			printf("close dst=%s dport=%u count=%lu\n", a,
			       port_of(d), d->closes);
		for (int e = 0; e < MAX_ERR; e++)
			if (d->fails[e])
				printf("fail dst=%s dport=%u errno=%s count=%lu\n",
				       a, port_of(d), strerrorname_np(e) ?
				       strerrorname_np(e) : "?", d->fails[e]);
	}
	printf("total pid=%d connects=%lu closes=%lu fails=%lu seconds=%.3f "
	       "rate=%.0f cpu=%.3f\n", (int)getpid(), connects, closes, fails, el,
	       connects / el, cpu);
	return 0;
}
