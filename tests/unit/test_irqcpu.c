// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPU lists as /proc/irq gives them, and the walk from a block device to
 * its interrupts over a sysfs and /proc made in a temporary directory
 * (the real ones are the e2e test's: t_state.sh).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "irqcpu.h"

static void cpu_lists_parse_as_the_kernel_writes_them(void **state)
{
	cpu_set_t s;

	(void)state;
	assert_int_equal(cpulist_parse("1\n", &s), 0);
	assert_int_equal(CPU_COUNT(&s), 1);
	assert_true(CPU_ISSET(1, &s));
	assert_int_equal(cpulist_parse("0-3,8,10-11", &s), 0);
	assert_int_equal(CPU_COUNT(&s), 7);
	assert_true(CPU_ISSET(3, &s) && CPU_ISSET(8, &s) && CPU_ISSET(11, &s));
	assert_false(CPU_ISSET(9, &s));
	/* anything else is not a list */
	static const char *const bad[] = {
		"", "\n", "x", "1,", ",1", "1-", "-1", "3-1", "1 2", "1\n2",
		"1--2", "0-99999999999999999999", "4096", "1,,2", "1\n\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cpulist_parse(bad[i], &s), -EINVAL);
}

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

/* sys/dev/block/254:1 -> a partition of a virtio disk whose PCI function
 * has interrupts 35 and 36 */
static void fake_tree(const char *aff35, const char *aff36)
{
	char path[512];

	strcpy(root, "/tmp/porttune-irqcpu.XXXXXX");
	assert_non_null(mkdtemp(root));
	mk("sys/dev/block");
	mk("sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda1");
	mk("sys/devices/pci0000:00/0000:00:02.0/msi_irqs");
	put("sys/devices/pci0000:00/0000:00:02.0/msi_irqs/35", "msix\n");
	put("sys/devices/pci0000:00/0000:00:02.0/msi_irqs/36", "msix\n");
	mk("proc/irq/35");
	mk("proc/irq/36");
	put("proc/irq/35/effective_affinity_list", aff35);
	put("proc/irq/36/effective_affinity_list", aff36);
	snprintf(path, sizeof(path), "%s/sys/dev/block/254:1", root);
	assert_int_equal(symlink("../../devices/pci0000:00/0000:00:02.0/"
				 "virtio1/block/vda/vda1", path), 0);
}

static void rm_tree(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static int irqs(cpu_set_t *s)
{
	char sys[512], proc[512];

	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	return disk_irq_cpus(makedev(254, 1), sys, proc, s);
}

static void a_disks_interrupts_are_found_from_its_partition(void **state)
{
	cpu_set_t s;

	(void)state;
	fake_tree("1\n", "3\n");
	assert_int_equal(irqs(&s), 0);
	assert_int_equal(CPU_COUNT(&s), 2);
	assert_true(CPU_ISSET(1, &s) && CPU_ISSET(3, &s));
	rm_tree();
}

static void what_is_not_there_or_not_a_list_is_an_error(void **state)
{
	char path[512];
	cpu_set_t s;

	(void)state;
	fake_tree("1\n", "garbage\n");
	assert_int_equal(irqs(&s), -EINVAL);
	rm_tree();
	/* a device with no interrupts of its own */
	fake_tree("1\n", "1\n");
	snprintf(path, sizeof(path), "rm -r '%s/sys/devices/pci0000:00/"
		 "0000:00:02.0/msi_irqs'", root);
	assert_int_equal(system(path), 0);
	assert_int_equal(irqs(&s), -ENOENT);
	rm_tree();
	/* no entry at all (tmpfs) */
	fake_tree("1\n", "1\n");
	snprintf(path, sizeof(path), "%s/sys/dev/block/254:1", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(irqs(&s), -ENOENT);
	rm_tree();
	/* a link that climbs out of sysfs is not followed */
	fake_tree("1\n", "1\n");
	snprintf(path, sizeof(path), "%s/sys/dev/block/254:1", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("../../../../etc/x", path), 0);
	assert_int_equal(irqs(&s), -ENOENT);
	rm_tree();
}

static void a_queue_per_cpu_is_not_steered(void **state)
{
	char rel[128];
	cpu_set_t s;

	(void)state;
	fake_tree("0\n", "1\n");
	for (int i = 37; i < 37 + IRQCPU_MAX_IRQS; i++) {
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/0000:00:02.0/"
			 "msi_irqs/%d", i);
		put(rel, "msix\n");
		snprintf(rel, sizeof(rel), "proc/irq/%d", i);
		mk(rel);
		snprintf(rel, sizeof(rel), "proc/irq/%d/effective_affinity_list",
			 i);
		put(rel, "2\n");
	}
	assert_int_equal(irqs(&s), -E2BIG);
	rm_tree();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpu_lists_parse_as_the_kernel_writes_them),
		cmocka_unit_test(a_disks_interrupts_are_found_from_its_partition),
		cmocka_unit_test(what_is_not_there_or_not_a_list_is_an_error),
		cmocka_unit_test(a_queue_per_cpu_is_not_steered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
