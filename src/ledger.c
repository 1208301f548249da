// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ledger.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <time.h>

#include "handover.h"
#include "json.h"
#include "log.h"
#include "utc.h"
#include "util.h"

#define RECORD_VERSION 1
#define RECORDS_SUBDIR "containers"
#define RECORD_SUFFIX ".json"

/* Stems longer than this are cut and hashed, so a name stays under NAME_MAX. */
#define STEM_MAX 200

/* Distinct ids whose long stems share a hash get "~1", "~2"... */
#define STEM_COLLISIONS_MAX 16

struct ledger {
	char dir[PATH_MAX];
	int dir_fd;
	int records_fd; /* the containers/ directory, or -1 when it cannot be opened */
	int records_error; /* errno from opening containers/, or 0 */
	long long lock_deadline; /* monotonic ms after which no lock is waited for */
};

static const char *const origin_names[] = {
	[ORIGIN_INSERTED] = "inserted",
	[ORIGIN_PRESENT] = "present",
	[ORIGIN_BUILTIN] = "builtin",
};

static const char *const state_names[] = {
	[RECORD_RUNNING] = "running",
	[RECORD_STOPPED] = "stopped",
	[RECORD_FAILED] = "failed",
	[RECORD_EXITED] = "exited",
};

const char *module_origin_name(enum module_origin origin)
{
	return origin_names[origin];
}

const char *record_state_name(enum record_state state)
{
	return state_names[state];
}

#define RECORDS_OPEN_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int ledger_open(const char *dir, bool create, struct ledger **ret)
{
	_cleanup_free_ struct ledger *ledger = calloc(1, sizeof(*ledger));
	int r;

	if (!ledger)
		return -ENOMEM;
	/* Lock waits before and after a handover share one deadline. */
	ledger_set_lock_deadline(ledger, handover_take_lock_deadline(monotonic_ms() +
								      LEDGER_LOCK_TIMEOUT_MS));
	if (snprintf(ledger->dir, sizeof(ledger->dir), "%s", dir) >= (int)sizeof(ledger->dir))
		return -ENAMETOOLONG;

	/* Directories are opened first and made only when missing, which is rare. */
	ledger->dir_fd = open(ledger->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ledger->dir_fd < 0 && errno == ENOENT && create) {
		r = make_dir(ledger->dir);
		if (r < 0)
			return r;
		ledger->dir_fd = open(ledger->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (ledger->dir_fd < 0)
		return -errno;

	ledger->records_fd = openat(ledger->dir_fd, RECORDS_SUBDIR, RECORDS_OPEN_FLAGS);
	if (ledger->records_fd < 0 && errno == ENOENT && create) {
		if (mkdirat(ledger->dir_fd, RECORDS_SUBDIR, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			close(ledger->dir_fd);
			return r;
		}
		ledger->records_fd = openat(ledger->dir_fd, RECORDS_SUBDIR, RECORDS_OPEN_FLAGS);
	}
	if (ledger->records_fd < 0)
		ledger->records_error = errno;

	*ret = TAKE_PTR(ledger);
	return 0;
}

void ledger_close(struct ledger *ledger)
{
	if (!ledger)
		return;
	close(ledger->dir_fd);
	if (ledger->records_fd >= 0)
		close(ledger->records_fd);
	free(ledger);
}

const char *ledger_dir(const struct ledger *ledger)
{
	return ledger->dir;
}

/*
 * Return the insert lock that oci-kmod-hook held when it handed the run
 * over, or -1. It is used only when it is another descriptor of the same
 * file as fd and already holds the lock for operation. Anything else named
 * in the environment is ignored and left open.
 */
static int adopt_handed_over(const char *name, int fd, int operation)
{
	struct stat ours, theirs;
	int handed;

	if (strcmp(name, LEDGER_INSERT_LOCK) != 0)
		return -1;
	handed = handover_take_lock();
	if (handed < 0 || handed == fd)
		return -1;

	if (fstat(fd, &ours) < 0 || fstat(handed, &theirs) < 0 ||
	    ours.st_dev != theirs.st_dev || ours.st_ino != theirs.st_ino)
		return -1;

	/* A descriptor of the file that does not hold the lock would wait or fail here. */
	if (flock(handed, operation | LOCK_NB) < 0 ||
	    fcntl(handed, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	return handed;
}

static void wake_waiter(int sig)
{
	(void)sig;
}

/*
 * Arm SIGALRM after ms milliseconds and every 50 ms after that, or disarm it
 * with 0. The repeats end the wait even when the first signal arrives before
 * flock() blocks.
 */
static void arm_timer(long long ms)
{
	struct itimerval timer = {
		.it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 },
		.it_interval = { .tv_usec = ms ? 50 * 1000 : 0 },
	};

	setitimer(ITIMER_REAL, &timer, NULL);
}

/*
 * Wait inside flock(), so the waiter wakes as soon as the holder lets go,
 * until the deadline. A SIGALRM handler installed without SA_RESTART makes
 * flock() fail with EINTR when the timer fires.
 */
static int wait_for_lock(int fd, int operation, long long deadline)
{
	struct sigaction wake = { .sa_handler = wake_waiter }, saved_action;
	sigset_t alarm_only, saved_mask;
	int r = -ETIMEDOUT;

	/* A try without a timeout needs no timer. */
	if (deadline <= monotonic_ms())
		return r;

	sigemptyset(&wake.sa_mask);
	sigemptyset(&alarm_only);
	sigaddset(&alarm_only, SIGALRM);
	if (sigaction(SIGALRM, &wake, &saved_action) < 0)
		return -errno;
	sigprocmask(SIG_UNBLOCK, &alarm_only, &saved_mask);

	for (long long left; (left = deadline - monotonic_ms()) > 0;) {
		arm_timer(left);
		r = flock(fd, operation) < 0 ? -errno : 0;
		arm_timer(0);
		if (r != -EINTR)
			break;
		r = -ETIMEDOUT;
	}

	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	sigaction(SIGALRM, &saved_action, NULL);
	return r;
}

int ledger_lock_waited(struct ledger *ledger, const char *name, int operation, int timeout_ms,
		       bool *waited)
{
	long long deadline = monotonic_ms() + timeout_ms;
	_cleanup_close_ int fd = -1;
	int handed, r;

	if (deadline > ledger->lock_deadline)
		deadline = ledger->lock_deadline;

	if (waited)
		*waited = false;

	/*
	 * flock() needs only a descriptor, but opening for writing keeps users
	 * other than root from holding the locks and stalling every hook.
	 */
	fd = openat(ledger->dir_fd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		    0644);
	if (fd < 0)
		return -errno;

	handed = adopt_handed_over(name, fd, operation);
	if (handed >= 0) {
		closep(&fd);
		return handed;
	}

	if (flock(fd, operation | LOCK_NB) == 0)
		return TAKE_FD(fd);
	if (errno != EWOULDBLOCK && errno != EINTR)
		return -errno;

	if (waited)
		*waited = true;
	r = wait_for_lock(fd, operation, deadline);
	return r < 0 ? r : TAKE_FD(fd);
}

long long ledger_lock_deadline(const struct ledger *ledger)
{
	return ledger->lock_deadline;
}

void ledger_set_lock_deadline(struct ledger *ledger, long long deadline)
{
	ledger->lock_deadline = deadline;
	handover_save_lock_deadline(deadline);
}

int ledger_lock(struct ledger *ledger, const char *name, int operation, int timeout_ms)
{
	return ledger_lock_waited(ledger, name, operation, timeout_ms, NULL);
}

void ledger_stamp(char *buf, size_t buflen)
{
	char stamp[UTC_STAMP_SIZE];

	utc_now(stamp);
	snprintf(buf, buflen, "%s", stamp);
}

int ledger_record_add_module(struct ledger_record *rec, const char *name,
			     enum module_origin origin, bool requested,
			     unsigned long long inode)
{
	struct ledger_module *modules;

	for (size_t i = 0; i < rec->n_modules; i++) {
		struct ledger_module *m = &rec->modules[i];

		if (strcmp(m->name, name) != 0)
			continue;
		m->requested = m->requested || requested;
		if (origin == ORIGIN_INSERTED) {
			m->origin = origin;
			m->inode = inode;
		}
		return 0;
	}

	modules = realloc(rec->modules, (rec->n_modules + 1) * sizeof(*modules));
	if (!modules)
		return -ENOMEM;
	rec->modules = modules;
	modules[rec->n_modules] = (struct ledger_module){
		.origin = origin,
		.requested = requested,
		.inode = inode,
	};
	snprintf(modules[rec->n_modules].name, sizeof(modules->name), "%s", name);
	rec->n_modules++;
	return 0;
}

void ledger_record_free(struct ledger_record *rec)
{
	free(rec->id);
	free(rec->bundle);
	name_list_free(&rec->requested);
	free(rec->modules);
	*rec = (struct ledger_record){ 0 };
}

void ledger_records_free(struct ledger_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ledger_record_free(&recs[i]);
	free(recs);
}

/* FNV-1a, 64 bits. It only shortens names, and find_record_name() resolves collisions. */
static uint64_t hash_id(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool stem_byte_is_plain(unsigned char c, size_t pos)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || (c == '.' && pos > 0);
}

void ledger_file_stem(const char *id, char *buf, size_t buflen)
{
	char stem[STEM_MAX + 8];
	size_t o = 0;

	for (size_t i = 0; id[i] && o < STEM_MAX; i++) {
		unsigned char c = (unsigned char)id[i];

		if (stem_byte_is_plain(c, i))
			stem[o++] = (char)c;
		else
			o += (size_t)snprintf(stem + o, sizeof(stem) - o, "%%%02x", c);
	}
	stem[o] = '\0';

	if (o < STEM_MAX)
		snprintf(buf, buflen, "%s", stem);
	else
		snprintf(buf, buflen, "%.*s~%016llx", STEM_MAX - 20, stem,
			 (unsigned long long)hash_id(id));
}

static struct json_object *module_to_json(const struct ledger_module *m)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_object_object_add(obj, "name", json_object_new_string(m->name));
	json_object_object_add(obj, "origin", json_object_new_string(origin_names[m->origin]));
	json_object_object_add(obj, "requested", json_object_new_boolean(m->requested));
	json_object_object_add(obj, "sysfs_inode", json_object_new_uint64(m->inode));
	return obj;
}

static struct json_object *process_to_json(const struct process_identity *process)
{
	struct json_object *obj = json_object_new_object();

	json_object_object_add(obj, "pid", json_object_new_int(process->pid));
	json_object_object_add(obj, "start_time", json_object_new_uint64(process->start_time));
	json_object_object_add(obj, "pid_ns", json_object_new_uint64(process->pid_ns));
	json_object_object_add(obj, "time_ns", json_object_new_uint64(process->time_ns));
	return obj;
}

static struct json_object *record_to_json(const struct ledger_record *rec)
{
	_cleanup_json_ struct json_object *obj = json_object_new_object();
	struct json_object *requested = json_object_new_array();
	struct json_object *modules = json_object_new_array();

	if (!obj || !requested || !modules) {
		json_object_put(requested);
		json_object_put(modules);
		return NULL;
	}

	json_object_object_add(obj, "version", json_object_new_int(RECORD_VERSION));
	json_object_object_add(obj, "id", json_object_new_string(rec->id));
	if (rec->bundle)
		json_object_object_add(obj, "bundle", json_object_new_string(rec->bundle));
	json_object_object_add(obj, "state", json_object_new_string(state_names[rec->state]));
	if (rec->process.pid > 0)
		json_object_object_add(obj, "process", process_to_json(&rec->process));
	json_object_object_add(obj, "started", json_object_new_string(rec->started));
	if (rec->stopped[0])
		json_object_object_add(obj, "stopped", json_object_new_string(rec->stopped));

	for (size_t i = 0; i < rec->requested.n; i++)
		json_object_array_add(requested, json_object_new_string(rec->requested.names[i]));
	json_object_object_add(obj, "requested", requested);

	for (size_t i = 0; i < rec->n_modules; i++)
		json_object_array_add(modules, module_to_json(&rec->modules[i]));
	json_object_object_add(obj, "modules", modules);

	return TAKE_PTR(obj);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write text to a new temporary file in the records directory and return its
 * name. Readers skip names that start with '.'. There is no fsync because the
 * directory is a tmpfs, and the kernel keeps a dead writer's completed writes.
 */
static int write_temporary(struct ledger *ledger, const char *text, char *name, size_t namelen)
{
	_cleanup_close_ int fd = -1;
	struct timespec ts;
	int r;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, namelen, ".tmp-%d-%ld", (int)getpid(), (long)ts.tv_nsec);
	fd = openat(ledger->records_fd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;

	r = write_all(fd, text, strlen(text));
	if (r >= 0 && close(TAKE_FD(fd)) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(ledger->records_fd, name, 0);
	return r;
}

static int read_record_file(struct ledger *ledger, const char *name, struct ledger_record *rec);

static void record_name(const char *stem, unsigned attempt, char *name, size_t namelen)
{
	if (attempt == 0)
		snprintf(name, namelen, "%s" RECORD_SUFFIX, stem);
	else
		snprintf(name, namelen, "%s~%u" RECORD_SUFFIX, stem, attempt);
}

/*
 * Find the file that holds, or will hold, the record of id. Returns 1 when
 * it exists, 0 when it is free, or a negative errno.
 */
static bool same_container(const struct ledger_record *rec, const char *id, const char *bundle)
{
	if (strcmp(rec->id, id) != 0)
		return false;
	return !rec->bundle || !bundle || strcmp(rec->bundle, bundle) == 0;
}

static int find_record_name(struct ledger *ledger, const char *id, const char *bundle,
			    char *name, size_t namelen)
{
	char stem[STEM_MAX + 32];

	ledger_file_stem(id, stem, sizeof(stem));

	for (unsigned attempt = 0; attempt < STEM_COLLISIONS_MAX; attempt++) {
		struct ledger_record other = { 0 };
		int r;

		record_name(stem, attempt, name, namelen);
		r = read_record_file(ledger, name, &other);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			continue; /* an unreadable file is not replaced */

		r = same_container(&other, id, bundle);
		ledger_record_free(&other);
		if (r)
			return 1;
	}
	return -ENOSPC;
}

int ledger_write(struct ledger *ledger, const struct ledger_record *rec)
{
	_cleanup_json_ struct json_object *obj = record_to_json(rec);
	char tmp[64], name[NAME_MAX + 1];
	const char *text;
	int r, exists = -EEXIST;

	if (ledger->records_fd < 0)
		return ledger->records_error ? -ledger->records_error : -ENOENT;
	if (!obj)
		return -ENOMEM;
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	if (!text)
		return -ENOMEM;

	r = write_temporary(ledger, text, tmp, sizeof(tmp));
	if (r < 0)
		return r;

	for (unsigned tries = 0; tries < STEM_COLLISIONS_MAX; tries++) {
		exists = find_record_name(ledger, rec->id, rec->bundle, name, sizeof(name));
		if (exists < 0)
			break;

		/* A free name is taken without replacing, so two ids never share a file. */
		r = renameat2(ledger->records_fd, tmp, ledger->records_fd, name,
			      exists ? 0 : RENAME_NOREPLACE);
		if (r == 0)
			return 0;
		exists = -errno;
		if (errno != EEXIST)
			break;
	}

	unlinkat(ledger->records_fd, tmp, 0);
	return exists;
}

static int get_string(struct json_object *obj, const char *key, const char **ret)
{
	struct json_object *value;

	if (!json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return -EINVAL;
	*ret = json_object_get_string(value);
	return 0;
}

static int parse_module(struct json_object *obj, struct ledger_record *rec)
{
	struct json_object *requested, *inode;
	const char *name, *origin;

	if (get_string(obj, "name", &name) < 0 || get_string(obj, "origin", &origin) < 0 ||
	    strlen(name) > MODULE_NAME_MAX ||
	    !json_object_object_get_ex(obj, "requested", &requested) ||
	    !json_object_object_get_ex(obj, "sysfs_inode", &inode))
		return -EINVAL;

	for (size_t o = 0; o < ARRAY_SIZE(origin_names); o++)
		if (strcmp(origin, origin_names[o]) == 0)
			return ledger_record_add_module(rec, name, (enum module_origin)o,
							json_object_get_boolean(requested),
							json_object_get_uint64(inode));
	return -EINVAL;
}

static int parse_state(struct json_object *obj, struct ledger_record *rec)
{
	const char *state;

	if (get_string(obj, "state", &state) < 0)
		return -EINVAL;
	/* RECORD_EXITED is never written, so it is not read either. */
	for (size_t s = 0; s < RECORD_EXITED; s++) {
		if (strcmp(state, state_names[s]) == 0) {
			rec->state = (enum record_state)s;
			return 0;
		}
	}
	return -EINVAL;
}

/* Read a non-negative integer at most max from obj's key. */
static bool get_count(struct json_object *obj, const char *key, int64_t max,
		      unsigned long long *ret)
{
	struct json_object *value;

	if (!json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_int))
		return false;

	/* json-c clamps values beyond int64 to its limits, which max rules out. */
	errno = 0;
	if (json_object_get_int64(value) < 0 || json_object_get_int64(value) > max || errno)
		return false;
	*ret = (unsigned long long)json_object_get_int64(value);
	return true;
}

/* A record without a valid "process" leaves rec->process unknown, as records before it did. */
static void parse_process(struct json_object *obj, struct ledger_record *rec)
{
	unsigned long long pid, start_time, pid_ns, time_ns;
	struct json_object *process;

	if (!json_object_object_get_ex(obj, "process", &process) ||
	    !get_count(process, "pid", INT_MAX, &pid) || pid == 0 ||
	    !get_count(process, "start_time", INT64_MAX - 1, &start_time) ||
	    !get_count(process, "pid_ns", INT64_MAX - 1, &pid_ns) ||
	    !get_count(process, "time_ns", INT64_MAX - 1, &time_ns))
		return;

	rec->process = (struct process_identity){
		.pid = (int)pid,
		.start_time = start_time,
		.pid_ns = pid_ns,
		.time_ns = time_ns,
	};
}

static int parse_record(struct json_object *obj, struct ledger_record *rec)
{
	struct json_object *requested, *modules;
	const char *id, *started, *stopped = "", *bundle = NULL;
	int r;

	if (get_string(obj, "id", &id) < 0 || get_string(obj, "started", &started) < 0 ||
	    parse_state(obj, rec) < 0 ||
	    !json_object_object_get_ex(obj, "requested", &requested) ||
	    !json_object_is_type(requested, json_type_array) ||
	    !json_object_object_get_ex(obj, "modules", &modules) ||
	    !json_object_is_type(modules, json_type_array))
		return -EINVAL;
	get_string(obj, "stopped", &stopped);
	get_string(obj, "bundle", &bundle);
	parse_process(obj, rec);

	rec->id = strdup(id);
	if (!rec->id)
		return -ENOMEM;
	if (bundle) {
		rec->bundle = strdup(bundle);
		if (!rec->bundle)
			return -ENOMEM;
	}
	snprintf(rec->started, sizeof(rec->started), "%s", started);
	snprintf(rec->stopped, sizeof(rec->stopped), "%s", stopped);

	for (size_t i = 0; i < json_object_array_length(requested); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(requested, i));

		r = name_list_add(&rec->requested, name ? name : "");
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < json_object_array_length(modules); i++) {
		r = parse_module(json_object_array_get_idx(modules, i), rec);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_record_file(struct ledger *ledger, const char *name, struct ledger_record *rec)
{
	_cleanup_close_ int fd = -1;
	_cleanup_json_ struct json_object *obj = NULL;
	_cleanup_free_ char *text = NULL;
	char reason[128];
	size_t len;
	int r;

	if (ledger->records_fd < 0)
		return -ENOENT;
	fd = openat(ledger->records_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = read_all(fd, LEDGER_RECORD_MAX_SIZE, -1, &text, &len);
	if (r < 0)
		return r;
	r = json_parse_document(text, len, &obj, reason, sizeof(reason));
	if (r < 0)
		return r;

	*rec = (struct ledger_record){ 0 };
	r = parse_record(obj, rec);
	if (r < 0)
		ledger_record_free(rec);
	return r;
}

int ledger_read(struct ledger *ledger, const char *id, const char *bundle,
		struct ledger_record *rec)
{
	char name[NAME_MAX + 1];
	int r;

	r = find_record_name(ledger, id, bundle, name, sizeof(name));
	if (r < 0)
		return r;
	if (r == 0)
		return -ENOENT;
	return read_record_file(ledger, name, rec);
}

/* Open a directory stream of its own on the records directory. */
static DIR *open_records_dir(struct ledger *ledger)
{
	int fd;
	DIR *dir;

	if (ledger->records_fd < 0) {
		errno = ENOENT;
		return NULL;
	}
	fd = openat(ledger->records_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	dir = fdopendir(fd);
	if (!dir)
		close(fd);
	return dir;
}

static bool is_record_name(const char *name)
{
	size_t len = strlen(name), suffix = strlen(RECORD_SUFFIX);

	return name[0] != '.' && len > suffix && strcmp(name + len - suffix, RECORD_SUFFIX) == 0;
}

static int append_record(struct ledger *ledger, const char *name, struct ledger_record **recs,
			 size_t *n)
{
	struct ledger_record rec, *bigger;
	int r;

	r = read_record_file(ledger, name, &rec);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		log_line(LOG_WARNING, "ignoring unreadable ledger record %s/%s/%s: %s",
			 ledger->dir, RECORDS_SUBDIR, name, strerror(-r));
		return 0;
	}

	bigger = realloc(*recs, (*n + 1) * sizeof(*bigger));
	if (!bigger) {
		ledger_record_free(&rec);
		return -ENOMEM;
	}
	*recs = bigger;
	bigger[(*n)++] = rec;
	return 0;
}

int ledger_read_all(struct ledger *ledger, struct ledger_record **ret, size_t *ret_n)
{
	struct ledger_record *recs = NULL;
	struct dirent *entry;
	size_t n = 0;
	DIR *dir;
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	if (ledger->records_fd < 0)
		return 0;
	dir = open_records_dir(ledger);
	if (!dir)
		return -errno;

	while (r == 0 && (entry = readdir(dir)) != NULL)
		if (is_record_name(entry->d_name))
			r = append_record(ledger, entry->d_name, &recs, &n);
	closedir(dir);

	if (r < 0) {
		ledger_records_free(recs, n);
		return r;
	}
	*ret = recs;
	*ret_n = n;
	return 0;
}

void ledger_remove_stale(struct ledger *ledger, int min_age_s)
{
	struct dirent *entry;
	time_t now = time(NULL);
	DIR *dir;

	dir = open_records_dir(ledger);
	if (!dir)
		return;

	while ((entry = readdir(dir)) != NULL) {
		struct stat st;

		if (strncmp(entry->d_name, ".tmp-", 5) != 0)
			continue;
		if (fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    now - st.st_mtime < min_age_s)
			continue;
		log_line(LOG_INFO, "removing %s/%s/%s, left by a hook that died while writing",
			 ledger->dir, RECORDS_SUBDIR, entry->d_name);
		unlinkat(dirfd(dir), entry->d_name, 0);
	}
	closedir(dir);
}
