// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfstats - run a command while the kernel keeps run-time statistics of
 * every BPF program (BPF_ENABLE_STATS), so that `bpftool prog show` gives
 * run_time_ns and run_cnt. The statistics stay on only while this process
 * holds the descriptor: they go off when it exits, however it exits.
 *
 *   bpfstats CMD [ARG...]
 *
 * The figures include two clock reads per program run, so they are an
 * upper bound of the programs' own cost (bench/trace-bench.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>

int main(int argc, char **argv)
{
	union bpf_attr attr;
	int fd, status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: bpfstats CMD [ARG...]\n");
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = BPF_STATS_RUN_TIME;
	fd = (int)syscall(__NR_bpf, BPF_ENABLE_STATS, &attr, sizeof(attr));
	if (fd < 0) {
		fprintf(stderr, "bpfstats: BPF_ENABLE_STATS: %s\n", strerror(errno));
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("bpfstats: fork");
		return 2;
	}
	if (!pid) {
		close(fd);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "bpfstats: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 2;
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
