// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loadgen - make many loopback sockets in known states, for porttune's tests
 * and benchmark. Run it inside a private network namespace (unshare -n).
 *
 *   loadgen --mode MODE --count N [--dst ADDR:PORT]... [options]
 *   loadgen --listen ADDR:PORT... [--hold S]        (server only)
 *
 * Modes:
 *   timewait     connect N times, accept, close the client side first, then
 *                the server side: N client sockets stay in TIME_WAIT (60 s,
 *                also after loadgen exits)
 *   established  connect N times and keep both ends open until --hold ends
 *   bound        N TCP sockets bind()-ed to (--src, port 0), never connected
 *   listen       N TCP sockets bind()-ed to (--src, port 0) and listening
 *   udp          N UDP sockets connect()-ed to the destinations (autobind)
 *   finwait2     connect N times, accept, close the client side only: the
 *                server keeps its end open until --hold ends, so N client
 *                sockets sit orphaned in FIN_WAIT2 (timewait minisockets)
 *
 * Options:
 *   --dst ADDR:PORT       destination, repeatable ([::1]:PORT for IPv6);
 *                         connections go round-robin over all destinations
 *   --spread K            expand each IPv4 destination into K consecutive
 *                         addresses (127.0.0.1 -> .1 .. .K), to get past one
 *                         destination's ephemeral port limit
 *   --listen ADDR:PORT    listen here; without --dst, run as a server that
 *                         closes each connection when the peer closes it
 *   --no-server           do not listen on the destination ports (by default
 *                         loadgen is its own server: it listens on the
 *                         wildcard address of every destination port)
 *   --src ADDR            source address (bound with IP_BIND_ADDRESS_NO_PORT
 *                         so the port is still picked at connect())
 *   --bind-before-connect bind(src, 0) before connect(): the port is then
 *                         taken for every destination (no 4-tuple sharing)
 *   --batch B             connects per accept/close round (default 512)
 *   --hold S              keep the sockets open S seconds after "ready"
 *                         (default: 0 for timewait, --timeout for the others)
 *   --timeout S           hard limit on the whole run (default 60, max 3600)
 *
 * Output (stdout, line-buffered):
 *   result mode=timewait created=N failed=F [ERRNONAME=K]... elapsed_ms=T
 *   ready pid=PID
 * Exit status: 0 when all N were created, 1 when some failed, 2 usage/setup.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT 1000000
#define MAX_DST 256
#define MAX_LISTEN 64

enum mode { M_NONE, M_TIMEWAIT, M_ESTABLISHED, M_BOUND, M_LISTEN, M_UDP, M_FINWAIT2 };
static const char *const mode_names[] = {
	[M_TIMEWAIT] = "timewait", [M_ESTABLISHED] = "established",
	[M_BOUND] = "bound", [M_LISTEN] = "listen", [M_UDP] = "udp",
	[M_FINWAIT2] = "finwait2",
};

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int dead;		/* connect() said EADDRNOTAVAIL: stop using it */
};

static struct addr dsts[MAX_DST], lsn_addrs[MAX_LISTEN], src;
static int ndst, nlsn_addr, have_src, bbc;
static int lsn[MAX_LISTEN], nlsn;
static volatile sig_atomic_t stop;
static unsigned long err_count[256];
static double t_start;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static int parse_addr(const char *s, struct addr *a, int need_port)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
	unsigned long port = 0;
	size_t hl;

	memset(a, 0, sizeof(*a));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || (end[1] && end[1] != ':'))
			return -1;
		hl = (size_t)(end - s - 1);
		colon = end[1] ? end + 1 : NULL;
		s++;
	} else {
		if (colon && strchr(s, ':') != colon)
			colon = NULL;	/* bare IPv6 address */
		hl = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	if (colon) {
		char *end;

		port = strtoul(colon + 1, &end, 10);
		if (*end || port > 65535)
			return -1;
	} else if (need_port) {
		return -1;
	}
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		a->len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*v6);
	} else {
		return -1;
	}
	return 0;
}

static unsigned port_of(const struct addr *a)
{
	return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

static void raise_nofile(unsigned long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
		return;
	if (rl.rlim_max < need) {
		struct rlimit want = { need, need };

		/* Raising the hard limit needs CAP_SYS_RESOURCE (root has it). */
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int open_listener(const struct addr *a, int backlog)
{
	int one = 1, fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0 || listen(fd, backlog) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Own server: one wildcard listener per distinct (family, port) of --dst. */
static void start_server(void)
{
	for (int i = 0; i < nlsn_addr; i++) {
		lsn[nlsn] = open_listener(&lsn_addrs[i], 65535);
		if (lsn[nlsn] < 0)
			die("listen: %s", strerror(errno));
		nlsn++;
	}
}

static void add_wildcard_listener(const struct addr *d)
{
	struct addr w = { .len = d->len };

	w.ss.ss_family = d->ss.ss_family;
	((struct sockaddr_in *)&w.ss)->sin_port = ((const struct sockaddr_in *)&d->ss)->sin_port;
	for (int i = 0; i < nlsn_addr; i++)
		if (lsn_addrs[i].ss.ss_family == w.ss.ss_family && port_of(&lsn_addrs[i]) == port_of(&w))
			return;
	if (nlsn_addr == MAX_LISTEN)
		die("too many destination ports");
	lsn_addrs[nlsn_addr++] = w;
}

static void note_err(int e)
{
	err_count[e & 255]++;
}

/* Accept `want` connections from the listeners into fds; 1 s without progress ends it. */
static int accept_n(int *fds, int want)
{
	int got = 0;

	while (got < want && !stop) {
		int progress = 0;
		struct pollfd pf[MAX_LISTEN];

		for (int i = 0; i < nlsn && got < want; i++) {
			int fd;

			while (got < want && (fd = accept4(lsn[i], NULL, NULL, SOCK_CLOEXEC)) >= 0) {
				fds[got++] = fd;
				progress = 1;
			}
		}
		if (progress || got == want)
			continue;
		for (int i = 0; i < nlsn; i++)
			pf[i] = (struct pollfd){ .fd = lsn[i], .events = POLLIN };
		if (poll(pf, (nfds_t)nlsn, 1000) <= 0)
			break;
	}
	return got;
}

static int next_dst(int *rr)
{
	for (int tries = 0; tries < ndst; tries++) {
		int i = (*rr)++ % ndst;

		if (!dsts[i].dead)
			return i;
	}
	return -1;
}

/* One client socket: optional bind, then connect (or just bind/listen). */
static int make_socket(enum mode m, int di)
{
	int type = m == M_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int family = di >= 0 ? dsts[di].ss.ss_family : (have_src ? src.ss.ss_family : AF_INET);
	int one = 1, fd = socket(family, type | SOCK_CLOEXEC, 0);
	struct addr b = { .len = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in) };
	int want_bind = m == M_BOUND || m == M_LISTEN || have_src || bbc;

	if (fd < 0)
		return -errno;
	b.ss.ss_family = (sa_family_t)family;
	if (have_src)
		b = src;
	if (want_bind) {
		if (!bbc && m != M_BOUND && m != M_LISTEN)
			setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&b.ss, b.len) < 0)
			goto fail;
	}
	if (m == M_LISTEN && listen(fd, 16) < 0)
		goto fail;
	if (di >= 0 && connect(fd, (struct sockaddr *)&dsts[di].ss, dsts[di].len) < 0)
		goto fail;
	return fd;
fail:
	one = errno;
	close(fd);
	return -one;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/* Client closes first (it gets TIME_WAIT), then the server side closes;
 * finwait2: the server side stays open (leaked until exit). */
static unsigned long run_timewait(enum mode m, unsigned long count, int batch,
				  unsigned long *failed)
{
	int *cli = calloc((size_t)batch, sizeof(int)), *srv = calloc((size_t)batch, sizeof(int));
	unsigned long done = 0;
	int rr = 0;

	if (!cli || !srv)
		die("out of memory");
	while (done + *failed < count && !stop) {
		int n = 0, di, acc;

		while (n < batch && done + *failed + (unsigned long)n < count && !stop &&
		       (di = next_dst(&rr)) >= 0) {
			int fd = make_socket(M_TIMEWAIT, di);

			if (fd >= 0) {
				cli[n++] = fd;
				continue;
			}
			note_err(-fd);
			(*failed)++;
			if (fd == -EADDRNOTAVAIL)
				dsts[di].dead = 1;
			else if (fd == -EINTR)
				break;
		}
		if (n == 0)
			break;
		acc = nlsn ? accept_n(srv, n) : 0;
		close_all(cli, n);
		if (m == M_TIMEWAIT)
			close_all(srv, acc);
		done += (unsigned long)n;
	}
	free(cli);
	free(srv);
	return done;
}

/* established / bound / listen / udp: keep every fd until exit. */
static unsigned long run_hold(enum mode m, unsigned long count, int batch, unsigned long *failed)
{
	int *srv = calloc((size_t)batch, sizeof(int));
	unsigned long done = 0;
	int rr = 0;

	if (!srv)
		die("out of memory");
	while (done + *failed < count && !stop) {
		int n = 0, di = -1;

		while (n < batch && done + *failed < count && !stop) {
			int fd;

			if ((m == M_ESTABLISHED || m == M_UDP) && (di = next_dst(&rr)) < 0)
				break;
			fd = make_socket(m, di);
			if (fd < 0) {
				note_err(-fd);
				(*failed)++;
				if (fd == -EADDRNOTAVAIL && di >= 0)
					dsts[di].dead = 1;
				if (fd == -EINTR || fd == -EMFILE || fd == -ENFILE)
					stop = 1;
				continue;
			}
			n++;
			done++;
		}
		if (n == 0)
			break;
		/* accepted fds stay open too: they are leaked on purpose */
		if (m == M_ESTABLISHED && nlsn)
			accept_n(srv, n);
	}
	free(srv);
	return done;
}

/* Server only: accept, and close each connection once the peer has closed. */
static void run_server(void)
{
	struct epoll_event ev[256];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		die("epoll: %s", strerror(errno));
	for (int i = 0; i < nlsn; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.fd = -1 - i };

		epoll_ctl(ep, EPOLL_CTL_ADD, lsn[i], &e);
	}
	printf("ready pid=%d\n", (int)getpid());
	while (!stop) {
		int n = epoll_wait(ep, ev, 256, 1000);

		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			char buf[512];

			if (fd < 0) {
				while ((fd = accept4(lsn[-1 - fd], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct epoll_event e = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = fd };

					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
				}
			} else if (read(fd, buf, sizeof(buf)) <= 0) {
				close(fd);
			}
		}
	}
}

static void usage(FILE *f)
{
	fputs("usage: loadgen --mode timewait|established|bound|listen|udp|finwait2 --count N\n"
	      "               [--dst ADDR:PORT]... [--spread K] [--no-server] [--src ADDR]\n"
	      "               [--bind-before-connect] [--batch B] [--hold S] [--timeout S]\n"
	      "       loadgen --listen ADDR:PORT... [--hold S] [--timeout S]\n"
	      "Makes N loopback sockets in one state; prints \"result ...\" then \"ready pid=PID\".\n"
	      "timewait: client closes first, so N client sockets stay in TIME_WAIT for 60 s.\n"
	      "established/bound/listen/udp: sockets are held until --hold (default --timeout).\n"
	      "--spread K expands each IPv4 --dst into K consecutive addresses.\n"
	      "Run it inside a private network namespace (unshare -n).\n", f);
}

static void add_dst(const char *arg, int spread)
{
	struct addr a;

	if (parse_addr(arg, &a, 1) < 0)
		die("bad address '%s' (want ADDR:PORT or [ADDR6]:PORT)", arg);
	for (int k = 0; k < spread; k++) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&a.ss;

		if (ndst == MAX_DST)
			die("too many destinations (max %d)", MAX_DST);
		if (k && a.ss.ss_family != AF_INET)
			die("--spread works on IPv4 destinations only");
		dsts[ndst++] = a;
		v4->sin_addr.s_addr = htonl(ntohl(v4->sin_addr.s_addr) + 1);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", 1, 0, 'm' }, { "count", 1, 0, 'n' }, { "dst", 1, 0, 'd' },
		{ "spread", 1, 0, 'k' }, { "listen", 1, 0, 'l' }, { "no-server", 0, 0, 'N' },
		{ "src", 1, 0, 's' }, { "bind-before-connect", 0, 0, 'B' },
		{ "batch", 1, 0, 'b' }, { "hold", 1, 0, 'H' }, { "timeout", 1, 0, 't' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
	};
	const char *dst_args[MAX_DST];
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: EINTR ends waits */
	enum mode m = M_NONE;
	unsigned long count = 0, created, failed = 0;
	long hold = -1, timeout = 60;
	int spread = 1, batch = 512, no_server = 0, ndst_arg = 0, opt;
	double deadline;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			for (m = M_TIMEWAIT; m <= M_FINWAIT2 && strcmp(optarg, mode_names[m]); m++)
				;
			if (m > M_FINWAIT2)
				die("unknown mode '%s'", optarg);
			break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'd':
			if (ndst_arg == MAX_DST)
				die("too many --dst");
			dst_args[ndst_arg++] = optarg;
			break;
		case 'k': spread = atoi(optarg); break;
		case 'l':
			if (nlsn_addr == MAX_LISTEN || parse_addr(optarg, &lsn_addrs[nlsn_addr++], 1) < 0)
				die("bad --listen '%s'", optarg);
			break;
		case 'N': no_server = 1; break;
		case 's':
			if (parse_addr(optarg, &src, 0) < 0)
				die("bad --src '%s'", optarg);
			have_src = 1;
			break;
		case 'B': bbc = 1; break;
		case 'b': batch = atoi(optarg); break;
		case 'H': hold = atol(optarg); break;
		case 't': timeout = atol(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || spread < 1 || spread > MAX_DST || batch < 1 || batch > 4096 ||
	    timeout < 1 || timeout > 3600 || count > MAX_COUNT)
		return usage(stderr), 2;
	for (int i = 0; i < ndst_arg; i++)
		add_dst(dst_args[i], spread);
	if (m == M_NONE && (!nlsn_addr || ndst))
		return usage(stderr), 2;
	if ((m == M_TIMEWAIT || m == M_FINWAIT2 || m == M_ESTABLISHED || m == M_UDP) && !ndst)
		die("mode %s needs --dst", mode_names[m]);
	if (m != M_NONE && !count)
		die("--count must be 1..%d", MAX_COUNT);

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)timeout);
	t_start = now_ms();
	raise_nofile(m == M_TIMEWAIT ? 2UL * (unsigned long)batch + 64 : 2 * count + 64);
	if (m == M_FINWAIT2 && batch > (int)count)
		batch = (int)count;

	if (m == M_NONE) {
		start_server();
		if (hold >= 0 && hold < timeout)
			alarm((unsigned)(hold ? hold : 1));
		run_server();
		return 0;
	}
	if (m == M_TIMEWAIT || m == M_FINWAIT2 || m == M_ESTABLISHED) {
		if (!no_server && !nlsn_addr)
			for (int i = 0; i < ndst; i++)
				add_wildcard_listener(&dsts[i]);
		start_server();
	}
	created = m == M_TIMEWAIT || m == M_FINWAIT2
		  ? run_timewait(m, count, batch, &failed)
				  : run_hold(m, count, batch, &failed);
	printf("result mode=%s created=%lu failed=%lu", mode_names[m], created, failed);
	for (int e = 1; e < 256; e++)
		if (err_count[e])
			printf(" %s=%lu", strerrorname_np(e) ? strerrorname_np(e) : "E?", err_count[e]);
	if (stop && created + failed < count)
		printf(" stopped=1");
	printf(" elapsed_ms=%.0f\n", now_ms() - t_start);
	printf("ready pid=%d\n", (int)getpid());

	if (hold < 0)
		hold = m == M_TIMEWAIT ? 0 : timeout;
	deadline = t_start + 1e3 * (double)(hold < timeout ? hold : timeout);
	while (!stop && now_ms() < deadline) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return created == count ? 0 : 1;
}
