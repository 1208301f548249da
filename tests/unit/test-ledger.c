// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "handover.h"
#include "inventory.h"
#include "kernel.h"
#include "ledger.h"
#include "unload.h"

/* A temporary directory with a state directory and a fake sysfs under it. */
struct fixture {
	char root[64];
	char state[128];
	char sysfs[128];
	struct kernel_paths paths;
	struct ledger *ledger;
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Make <sysfs>/module/<name> look like a loaded module with refcnt and holders. */
static unsigned long long fake_module(struct fixture *fx, const char *name, int refcnt,
				      const char *holder)
{
	char dir[PATH_MAX], value[16];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/module/%s", fx->sysfs, name);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/module/%s/holders", fx->sysfs, name);
	assert_int_equal(mkdir(dir, 0755), 0);
	if (holder) {
		snprintf(dir, sizeof(dir), "%s/module/%s/holders/%s", fx->sysfs, name, holder);
		assert_int_equal(mkdir(dir, 0755), 0);
	}

	snprintf(dir, sizeof(dir), "%s/module/%s", fx->sysfs, name);
	write_file(dir, "initstate", "live\n");
	snprintf(value, sizeof(value), "%d\n", refcnt);
	write_file(dir, "refcnt", value);
	assert_int_equal(stat(dir, &st), 0);
	return (unsigned long long)st.st_ino;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char module_dir[PATH_MAX];

	assert_non_null(fx);
	snprintf(fx->root, sizeof(fx->root), "/tmp/test-ledger-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	snprintf(fx->state, sizeof(fx->state), "%s/state", fx->root);
	snprintf(fx->sysfs, sizeof(fx->sysfs), "%s/sys", fx->root);
	snprintf(module_dir, sizeof(module_dir), "%s/module", fx->sysfs);
	assert_int_equal(mkdir(fx->sysfs, 0755), 0);
	assert_int_equal(mkdir(module_dir, 0755), 0);
	fx->paths = (struct kernel_paths){ .sysfs = fx->sysfs, .procfs = fx->root };

	assert_int_equal(ledger_open(fx->state, true, &fx->ledger), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char command[PATH_MAX + 16];

	ledger_close(fx->ledger);
	snprintf(command, sizeof(command), "rm -rf '%s'", fx->root);
	assert_int_equal(system(command), 0);
	free(fx);
	return 0;
}

static void make_record(struct ledger_record *rec, const char *id, enum record_state state)
{
	*rec = (struct ledger_record){ .id = strdup(id), .state = state };
	assert_non_null(rec->id);
	ledger_stamp(rec->started, sizeof(rec->started));
}

static void test_stem_plain_id(void **state)
{
	char stem[NAME_MAX + 1];

	(void)state;
	ledger_file_stem("3f2a-web_1.v2", stem, sizeof(stem));
	assert_string_equal(stem, "3f2a-web_1.v2");
}

static void test_stem_escapes_unsafe_bytes(void **state)
{
	char stem[NAME_MAX + 1];

	(void)state;
	ledger_file_stem("../a/b\001%", stem, sizeof(stem));
	assert_string_equal(stem, "%2e.%2fa%2fb%01%25");
}

static void test_stem_long_ids_fit_and_differ(void **state)
{
	char a[4096], b[4096], stem_a[NAME_MAX + 1], stem_b[NAME_MAX + 1];

	(void)state;
	memset(a, '/', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[sizeof(b) - 2] = 'x';

	ledger_file_stem(a, stem_a, sizeof(stem_a));
	ledger_file_stem(b, stem_b, sizeof(stem_b));
	assert_true(strlen(stem_a) + strlen("~15.json") <= NAME_MAX);
	assert_string_not_equal(stem_a, stem_b);
}

static void test_write_read_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct ledger_record rec, back = { 0 };

	make_record(&rec, "web/1", RECORD_RUNNING);
	assert_int_equal(name_list_add(&rec.requested, "ip_vs_wrr"), 0);
	assert_int_equal(ledger_record_add_module(&rec, "ip_vs_wrr", ORIGIN_INSERTED, true, 42), 0);
	assert_int_equal(ledger_record_add_module(&rec, "ip_vs", ORIGIN_PRESENT, false, 0), 0);
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);

	assert_int_equal(ledger_read(fx->ledger, "web/1", NULL, &back), 0);
	assert_string_equal(back.id, "web/1");
	assert_int_equal(back.state, RECORD_RUNNING);
	assert_string_equal(back.started, rec.started);
	assert_int_equal(back.requested.n, 1);
	assert_int_equal(back.n_modules, 2);
	assert_string_equal(back.modules[0].name, "ip_vs_wrr");
	assert_int_equal(back.modules[0].origin, ORIGIN_INSERTED);
	assert_true(back.modules[0].requested);
	assert_int_equal(back.modules[0].inode, 42);
	assert_int_equal(back.modules[1].origin, ORIGIN_PRESENT);
	assert_false(back.modules[1].requested);
	assert_int_equal(back.process.pid, 0);

	ledger_record_free(&rec);
	ledger_record_free(&back);
}

static void test_write_read_process(void **state)
{
	struct fixture *fx = *state;
	struct ledger_record rec, back = { 0 };

	make_record(&rec, "web/2", RECORD_RUNNING);
	rec.process = (struct process_identity){ .pid = 4321,
						 .start_time = 1ULL << 40,
						 .pid_ns = 4026531836ULL,
						 .time_ns = 4026531834ULL };
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);

	assert_int_equal(ledger_read(fx->ledger, "web/2", NULL, &back), 0);
	assert_int_equal(back.process.pid, 4321);
	assert_int_equal(back.process.start_time, 1ULL << 40);
	assert_int_equal(back.process.pid_ns, 4026531836ULL);
	assert_int_equal(back.process.time_ns, 4026531834ULL);

	ledger_record_free(&rec);
	ledger_record_free(&back);
}

static void test_add_module_keeps_inserted(void **state)
{
	struct ledger_record rec = { 0 };

	(void)state;
	assert_int_equal(ledger_record_add_module(&rec, "ip_vs", ORIGIN_INSERTED, false, 7), 0);
	assert_int_equal(ledger_record_add_module(&rec, "ip_vs", ORIGIN_PRESENT, true, 0), 0);
	assert_int_equal(rec.n_modules, 1);
	assert_int_equal(rec.modules[0].origin, ORIGIN_INSERTED);
	assert_int_equal(rec.modules[0].inode, 7);
	assert_true(rec.modules[0].requested);
	ledger_record_free(&rec);
}

static void test_write_replaces_same_id(void **state)
{
	struct fixture *fx = *state;
	struct ledger_record rec, *all = NULL;
	size_t n = 0;

	make_record(&rec, "c1", RECORD_RUNNING);
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);
	rec.state = RECORD_STOPPED;
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);

	assert_int_equal(ledger_read_all(fx->ledger, &all, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].state, RECORD_STOPPED);
	ledger_records_free(all, n);
	ledger_record_free(&rec);
}

static void test_read_all_skips_partial_files(void **state)
{
	struct fixture *fx = *state;
	struct ledger_record rec, *all = NULL;
	char records[PATH_MAX];
	size_t n = 0;

	make_record(&rec, "c1", RECORD_RUNNING);
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);
	snprintf(records, sizeof(records), "%s/containers", fx->state);
	write_file(records, ".tmp-1-2", "{\"version\":1,\"id\":\"c2");
	write_file(records, "broken.json", "{\"version\":1,\"id\":\"c3");

	assert_int_equal(ledger_read_all(fx->ledger, &all, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(all[0].id, "c1");
	ledger_records_free(all, n);
	ledger_record_free(&rec);
}

static void test_lock_times_out_while_held(void **state)
{
	struct fixture *fx = *state;
	int held, again;

	held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	assert_true(held >= 0);
	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_SH, 50), -ETIMEDOUT);

	close(held);
	again = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 50);
	assert_true(again >= 0);
	close(again);
}

/* A waiter gets the lock when its holder lets go, long before the deadline. */
/*
 * Take the insert lock and leave it to a child process, which lets go after
 * ms milliseconds. Returns the child's pid.
 */
static pid_t lend_insert_lock(struct fixture *fx, int ms)
{
	int held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	pid_t child;

	assert_true(held >= 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		usleep((useconds_t)ms * 1000);
		_exit(0); /* the lock goes with the last descriptor */
	}
	close(held);
	return child;
}

static void test_lock_waiter_wakes_on_release(void **state)
{
	struct fixture *fx = *state;
	pid_t child = lend_insert_lock(fx, 200);
	long long start;
	int fd, status;

	start = monotonic_ms();
	fd = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 20000);
	assert_true(fd >= 0);
	assert_true(monotonic_ms() - start < 10000);
	close(fd);
	assert_int_equal(waitpid(child, &status, 0), child);
}

/* ledger_lock_waited() reports a wait only when another holder had the lock. */
static void test_lock_reports_wait(void **state)
{
	struct fixture *fx = *state;
	bool waited = true;
	pid_t child;
	int fd, held, status;

	fd = ledger_lock_waited(fx->ledger, LEDGER_INSERT_LOCK, LOCK_SH, 100, &waited);
	assert_true(fd >= 0);
	assert_false(waited);
	close(fd);

	child = lend_insert_lock(fx, 100);
	fd = ledger_lock_waited(fx->ledger, LEDGER_INSERT_LOCK, LOCK_SH, 20000, &waited);
	assert_true(fd >= 0);
	assert_true(waited);
	close(fd);
	assert_int_equal(waitpid(child, &status, 0), child);

	held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	assert_true(held >= 0);
	waited = false;
	assert_int_equal(ledger_lock_waited(fx->ledger, LEDGER_INSERT_LOCK, LOCK_SH, 30, &waited),
			 -ETIMEDOUT);
	assert_true(waited);
	close(held);
}

/*
 * Once the run's lock deadline has passed, a lock is only tried: a holder
 * that lets go 200 ms later does not end the wait with the lock.
 */
static void test_lock_deadline_ends_every_wait(void **state)
{
	struct fixture *fx = *state;
	pid_t child = lend_insert_lock(fx, 200);
	int fd, status;

	ledger_set_lock_deadline(fx->ledger, monotonic_ms() - 1);
	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 20000), -ETIMEDOUT);
	assert_int_equal(waitpid(child, &status, 0), child);

	fd = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 20000);
	assert_true(fd >= 0);
	close(fd);
}

static long long deadline_after_open(struct fixture *fx, const char *handed)
{
	struct ledger *ledger = NULL;
	long long deadline;

	if (handed)
		assert_int_equal(setenv(HANDOVER_DEADLINE_ENV, handed, 1), 0);
	assert_int_equal(ledger_open(fx->state, false, &ledger), 0);
	unsetenv(HANDOVER_DEADLINE_ENV);
	deadline = ledger_lock_deadline(ledger);
	ledger_close(ledger);
	return deadline;
}

/* The libkmod binary keeps the deadline of the run that handed over, never a later one. */
static void test_lock_deadline_survives_handover(void **state)
{
	struct fixture *fx = *state;
	long long start = monotonic_ms(), deadline;
	char handed[32];

	deadline = deadline_after_open(fx, NULL);
	assert_true(deadline >= start + LEDGER_LOCK_TIMEOUT_MS);

	/* A run that was not handed over ignores the variable. */
	snprintf(handed, sizeof(handed), "%lld", start + 1000);
	assert_true(deadline_after_open(fx, handed) >= start + LEDGER_LOCK_TIMEOUT_MS);

	assert_int_equal(setenv(HANDOVER_DONE_ENV, "1", 1), 0);
	assert_int_equal(deadline_after_open(fx, handed), start + 1000);

	snprintf(handed, sizeof(handed), "%lld", start + 10 * LEDGER_LOCK_TIMEOUT_MS);
	deadline = deadline_after_open(fx, handed);
	assert_true(deadline < start + 10 * LEDGER_LOCK_TIMEOUT_MS);
	assert_true(deadline >= start + LEDGER_LOCK_TIMEOUT_MS);

	deadline = deadline_after_open(fx, "12x");
	assert_true(deadline >= start + LEDGER_LOCK_TIMEOUT_MS);
	deadline = deadline_after_open(fx, "-5");
	assert_true(deadline >= start + LEDGER_LOCK_TIMEOUT_MS);
	unsetenv(HANDOVER_DONE_ENV);
}

/* The timer of a timed-out wait leaves no SIGALRM handler or timer behind. */
static void test_lock_timeout_restores_alarm(void **state)
{
	struct fixture *fx = *state;
	int held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	struct sigaction action;
	struct itimerval timer;

	assert_true(held >= 0);
	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 30), -ETIMEDOUT);
	assert_int_equal(sigaction(SIGALRM, NULL, &action), 0);
	assert_ptr_equal(action.sa_handler, SIG_DFL);
	assert_int_equal(getitimer(ITIMER_REAL, &timer), 0);
	assert_int_equal(timer.it_value.tv_sec + timer.it_value.tv_usec, 0);
	close(held);
}

/* The insert lock handed over through the environment is used at once. */
static void test_lock_adopts_handed_over_insert_lock(void **state)
{
	struct fixture *fx = *state;
	int held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	char value[16];
	int fd;

	assert_true(held >= 0);
	snprintf(value, sizeof(value), "%d", held);
	setenv(HANDOVER_LOCK_ENV, value, 1);

	/* Another lock name leaves the handed-over descriptor for the insert lock. */
	fd = ledger_lock(fx->ledger, LEDGER_RECORDS_LOCK, LOCK_EX, 50);
	assert_true(fd >= 0);
	close(fd);
	assert_non_null(getenv(HANDOVER_LOCK_ENV));

	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 50), held);
	assert_null(getenv(HANDOVER_LOCK_ENV));
	close(held);
}

/* A descriptor that is not the lock file is ignored, and the wait goes on as usual. */
static void test_lock_ignores_foreign_descriptor(void **state)
{
	struct fixture *fx = *state;
	int held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	int other = open("/dev/null", O_RDONLY);
	char value[16];

	assert_true(held >= 0 && other >= 0);
	snprintf(value, sizeof(value), "%d", other);
	setenv(HANDOVER_LOCK_ENV, value, 1);
	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 50), -ETIMEDOUT);
	assert_true(fcntl(other, F_GETFD) >= 0);

	setenv(HANDOVER_LOCK_ENV, " 5", 1);
	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 50), -ETIMEDOUT);
	assert_null(getenv(HANDOVER_LOCK_ENV));

	setenv(HANDOVER_LOCK_ENV, "5x", 1);
	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 50), -ETIMEDOUT);
	assert_null(getenv(HANDOVER_LOCK_ENV));
	close(other);
	close(held);
}

/* The descriptor that ledger_lock opens itself is never taken for a handed-over one. */
static void test_lock_ignores_its_own_descriptor(void **state)
{
	struct fixture *fx = *state;
	int held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	int next = dup(0);
	char value[16];

	assert_true(held >= 0);
	assert_true(next >= 0);
	close(next);
	snprintf(value, sizeof(value), "%d", next);
	setenv(HANDOVER_LOCK_ENV, value, 1);

	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 50), -ETIMEDOUT);
	close(held);
}

/* A descriptor of the lock file that does not hold the lock is not adopted. */
static void test_lock_ignores_unlocked_descriptor(void **state)
{
	struct fixture *fx = *state;
	int held = ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 100);
	char path[PATH_MAX], value[16];
	int unlocked;

	assert_true(held >= 0);
	snprintf(path, sizeof(path), "%s/%s", fx->state, LEDGER_INSERT_LOCK);
	unlocked = open(path, O_RDONLY);
	assert_true(unlocked >= 0);
	snprintf(value, sizeof(value), "%d", unlocked);
	setenv(HANDOVER_LOCK_ENV, value, 1);

	assert_int_equal(ledger_lock(fx->ledger, LEDGER_INSERT_LOCK, LOCK_EX, 50), -ETIMEDOUT);
	assert_true(fcntl(unlocked, F_GETFD) >= 0);
	close(unlocked);
	close(held);
}

static void test_shared_locks_coexist(void **state)
{
	struct fixture *fx = *state;
	int a = ledger_lock(fx->ledger, LEDGER_RECORDS_LOCK, LOCK_SH, 50);
	int b = ledger_lock(fx->ledger, LEDGER_RECORDS_LOCK, LOCK_SH, 50);

	assert_true(a >= 0);
	assert_true(b >= 0);
	assert_int_equal(ledger_lock(fx->ledger, LEDGER_RECORDS_LOCK, LOCK_EX, 50), -ETIMEDOUT);
	close(a);
	close(b);
}

static void test_inventory_checks_inode(void **state)
{
	struct fixture *fx = *state;
	struct ledger_record rec;
	struct inventory inv;
	unsigned long long ino = fake_module(fx, "ip_vs", 1, "ip_vs_wrr");

	fake_module(fx, "nf_nat", 0, NULL);
	make_record(&rec, "c1", RECORD_RUNNING);
	assert_int_equal(ledger_record_add_module(&rec, "ip_vs", ORIGIN_INSERTED, true, ino), 0);
	assert_int_equal(ledger_record_add_module(&rec, "nf_nat", ORIGIN_INSERTED, true, ino + 1),
			 0);
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);

	assert_int_equal(inventory_load(fx->ledger, &fx->paths, &inv), 0);
	assert_int_equal(inv.n_entries, 2);
	assert_string_equal(inv.entries[0].name, "ip_vs");
	assert_non_null(inv.entries[0].inserted_for);
	assert_int_equal(inv.entries[0].refcnt, 1);
	assert_int_equal(inv.entries[0].holders.n, 1);
	assert_string_equal(inv.entries[0].holders.names[0], "ip_vs_wrr");
	assert_int_equal(inv.entries[0].n_running, 1);
	assert_null(inv.entries[1].inserted_for);

	inventory_free(&inv);
	ledger_record_free(&rec);
}

/* Run a dry-run unload and return what it printed. */
static char *dry_run_output(struct fixture *fx, char **names, size_t n_names, int *ret)
{
	char path[PATH_MAX], *text = calloc(1, 4096);
	int saved = dup(STDOUT_FILENO), fd;

	assert_non_null(text);
	snprintf(path, sizeof(path), "%s/stdout", fx->root);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);

	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	*ret = unload_modules(fx->ledger, &(struct unload_options){ .paths = &fx->paths,
								  .names = names,
								  .n_names = n_names,
								  .dry_run = true });
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);

	assert_true(pread(fd, text, 4095, 0) >= 0);
	close(fd);
	return text;
}

static void record_inserted(struct fixture *fx, const char *id, enum record_state state,
			    const char *module, bool requested)
{
	struct ledger_record rec;
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/module/%s", fx->sysfs, module);
	assert_int_equal(stat(path, &st), 0);
	make_record(&rec, id, state);
	assert_int_equal(ledger_record_add_module(&rec, module, ORIGIN_INSERTED, requested,
						  (unsigned long long)st.st_ino),
			 0);
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);
	ledger_record_free(&rec);
}

static void test_unload_removes_dependents_first(void **state)
{
	struct fixture *fx = *state;
	char *output;
	int r;

	fake_module(fx, "ip_vs_wrr", 0, NULL);
	fake_module(fx, "ip_vs", 1, "ip_vs_wrr");
	record_inserted(fx, "c1", RECORD_STOPPED, "ip_vs", false);
	record_inserted(fx, "c2", RECORD_STOPPED, "ip_vs_wrr", true);

	output = dry_run_output(fx, (char *[]){ "ip_vs_wrr" }, 1, &r);
	assert_int_equal(r, 0);
	assert_string_equal(output, "would remove ip_vs_wrr\n"
				    "would remove ip_vs (unused after removing ip_vs_wrr)\n");
	free(output);
}

/* An IPVS scheduler keeps two references of ip_vs, so the dry run names the extra one. */
static void test_unload_dry_run_extra_references(void **state)
{
	struct fixture *fx = *state;
	char *output;
	int r;

	fake_module(fx, "ip_vs_wlc", 0, NULL);
	fake_module(fx, "ip_vs", 2, "ip_vs_wlc");
	fake_module(fx, "nf_conntrack", 1, "ip_vs");
	record_inserted(fx, "c1", RECORD_STOPPED, "ip_vs", false);
	record_inserted(fx, "c2", RECORD_STOPPED, "ip_vs_wlc", true);
	record_inserted(fx, "c3", RECORD_STOPPED, "nf_conntrack", false);

	output = dry_run_output(fx, (char *[]){ "ip_vs_wlc" }, 1, &r);
	assert_int_equal(r, 0);
	assert_string_equal(output, "would remove ip_vs_wlc\n"
				    "would remove ip_vs (unused after removing ip_vs_wlc, if its 1 "
				    "remaining reference goes with it)\n"
				    "would remove nf_conntrack (unused after removing ip_vs)\n");
	free(output);
}

static void test_unload_explains_kept_modules(void **state)
{
	struct fixture *fx = *state;
	char *output;
	int r;

	fake_module(fx, "ip_vs_wrr", 0, NULL);
	fake_module(fx, "ip_vs", 1, "ip_vs_sh");
	fake_module(fx, "nf_nat", 0, NULL);
	record_inserted(fx, "web", RECORD_RUNNING, "ip_vs_wrr", true);
	record_inserted(fx, "db", RECORD_STOPPED, "ip_vs", true);

	output = dry_run_output(fx, (char *[]){ "ip_vs_wrr", "ip_vs", "nf_nat", "nosuch" }, 4,
				&r);
	assert_int_equal(r, 1);
	assert_string_equal(output, "kept ip_vs_wrr: still requested by container web\n"
				    "kept ip_vs: in use by ip_vs_sh\n"
				    "kept nf_nat: not inserted by this hook\n"
				    "kept nosuch: not loaded\n");
	free(output);
}

/*
 * Give the fake procfs this process as self, with its namespaces, PID 1, and
 * a process 77 started at tick 4242. Returns the identity of process 77.
 */
static struct process_identity fake_process_77(struct fixture *fx)
{
	struct process_identity id = { .pid = 77, .start_time = 4242 };
	char path[PATH_MAX * 2];
	struct stat st;
	int self = (int)getpid();

	snprintf(path, sizeof(path), "cd '%s' && mkdir -p %d/ns 77 1 && touch %d/ns/pid %d/ns/time "
		 "&& ln -s %d self", fx->root, self, self, self, self);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/77", fx->root);
	write_file(path, "stat", "77 (sleep) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0\n");

	snprintf(path, sizeof(path), "%s/self/ns/pid", fx->root);
	assert_int_equal(stat(path, &st), 0);
	id.pid_ns = (unsigned long long)st.st_ino;
	snprintf(path, sizeof(path), "%s/self/ns/time", fx->root);
	assert_int_equal(stat(path, &st), 0);
	id.time_ns = (unsigned long long)st.st_ino;
	return id;
}

static void record_with_process(struct fixture *fx, const char *id, const char *module,
				struct process_identity process)
{
	struct ledger_record rec;

	make_record(&rec, id, RECORD_RUNNING);
	rec.process = process;
	assert_int_equal(ledger_record_add_module(&rec, module, ORIGIN_PRESENT, true, 0), 0);
	assert_int_equal(ledger_write(fx->ledger, &rec), 0);
	ledger_record_free(&rec);
}

/* A running record whose process is gone or replaced no longer keeps its modules. */
static void test_unload_skips_exited_containers(void **state)
{
	struct fixture *fx = *state;
	struct process_identity alive = fake_process_77(fx), gone = alive, reused = alive,
				elsewhere = alive, other_time = alive;
	char *output;
	int r;

	gone.pid = 78;
	reused.start_time = 99;
	elsewhere.pid_ns++;
	other_time.time_ns++;

	fake_module(fx, "ip_vs", 0, NULL);
	fake_module(fx, "nf_nat", 0, NULL);
	fake_module(fx, "vxlan", 0, NULL);
	fake_module(fx, "dummy", 0, NULL);
	fake_module(fx, "bridge", 0, NULL);
	record_inserted(fx, "owner", RECORD_STOPPED, "ip_vs", true);
	record_inserted(fx, "owner2", RECORD_STOPPED, "nf_nat", true);
	record_inserted(fx, "owner3", RECORD_STOPPED, "vxlan", true);
	record_inserted(fx, "owner4", RECORD_STOPPED, "dummy", true);
	record_inserted(fx, "owner5", RECORD_STOPPED, "bridge", true);
	record_with_process(fx, "alive", "ip_vs", alive);
	record_with_process(fx, "gone", "nf_nat", gone);
	record_with_process(fx, "reused", "vxlan", reused);
	record_with_process(fx, "elsewhere", "dummy", elsewhere);
	record_with_process(fx, "other-time", "bridge", other_time);

	output = dry_run_output(fx, (char *[]){ "ip_vs", "nf_nat", "vxlan", "dummy", "bridge" }, 5,
				&r);
	assert_int_equal(r, 1);
	assert_string_equal(output, "would remove vxlan\n"
				    "would remove nf_nat\n"
				    "kept ip_vs: still requested by container alive\n"
				    "kept dummy: still requested by container elsewhere\n"
				    "kept bridge: still requested by container other-time\n");
	free(output);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stem_plain_id),
		cmocka_unit_test(test_stem_escapes_unsafe_bytes),
		cmocka_unit_test(test_stem_long_ids_fit_and_differ),
		cmocka_unit_test(test_add_module_keeps_inserted),
		cmocka_unit_test_setup_teardown(test_write_read_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_replaces_same_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_all_skips_partial_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_times_out_while_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_waiter_wakes_on_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_reports_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_timeout_restores_alarm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_deadline_ends_every_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_deadline_survives_handover, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_adopts_handed_over_insert_lock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_ignores_foreign_descriptor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_ignores_its_own_descriptor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_ignores_unlocked_descriptor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shared_locks_coexist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inventory_checks_inode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload_removes_dependents_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unload_explains_kept_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload_dry_run_extra_references, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unload_skips_exited_containers, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
