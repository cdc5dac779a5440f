// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdfloor - the floor for socket collection: a bare NETLINK_SOCK_DIAG TCP dump
 * (IPv4 then IPv6) that looks at nothing but the message count.
 *
 *   sdfloor [-a|-s MASK] [-4|-6] [-b BYTES]  print the number of TCP sockets
 *       -a   every socket state, as `porttune audit` asks (0x1ffe; default:
 *            TIME_WAIT only, like `ss state time-wait`)
 *       -s   idiag_states mask, e.g. 0x3ffe: also bound-only sockets (6.8+),
 *            which makes the kernel walk its whole bind hash
 *       -b   receive buffer size (default 262144)
 *   sdfloor -r CMD [ARG...]          run CMD, print "WALL_MS MAXRSS_KB" to
 *                                    stderr (the bench's getrusage wrapper,
 *                                    for hosts without /usr/bin/time)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

#define TCP_TIME_WAIT 6

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run(char **argv)
{
	struct rusage ru;
	double t0 = now_ms();
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return perror("sdfloor: fork"), 2;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "sdfloor: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return perror("sdfloor: wait4"), 2;
	/* ru_maxrss of the waited child covers its own waited-for children. */
	fprintf(stderr, "%.1f %ld\n", now_ms() - t0, ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static long dump(int fd, char *buf, size_t len, int family, unsigned states)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.r = { .sdiag_family = family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = states },
	};
	long n = 0;

	if (send(fd, &req, sizeof(req), 0) < 0)
		return -errno;
	for (;;) {
		ssize_t got = recv(fd, buf, len, 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (; NLMSG_OK(h, (size_t)got); h = NLMSG_NEXT(h, got)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return n;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			n++;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned states = 1u << TCP_TIME_WAIT;
	size_t len = 262144;
	int fams = 3, opt, fd, rcv = 4 << 20;
	long total = 0;
	char *buf;

	if (argc > 2 && !strcmp(argv[1], "-r"))
		return run(argv + 2);
	while ((opt = getopt(argc, argv, "as:46b:")) != -1) {
		switch (opt) {
		case 'a': states = 0x1ffe; break;
		case 's': states = (unsigned)strtoul(optarg, NULL, 0); break;
		case '4': fams = 1; break;
		case '6': fams = 2; break;
		case 'b': len = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: sdfloor [-a | -s MASK] [-4|-6] [-b BYTES] | sdfloor -r CMD...\n");
			return 2;
		}
	}
	buf = malloc(len);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (!buf || fd < 0)
		return perror("sdfloor: socket"), 1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	for (int i = 0; i < 2; i++) {
		long n;

		if (!(fams & (1 << i)))
			continue;
		n = dump(fd, buf, len, i ? AF_INET6 : AF_INET, states);
		if (n < 0) {
			fprintf(stderr, "sdfloor: dump: %s\n", strerror((int)-n));
			return 1;
		}
		total += n;
	}
	printf("%ld\n", total);
	return 0;
}
