// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "hook.h"
#include "ledger.h"
#include "log.h"
#include "request.h"
#include "status.h"
#include "unload.h"

#ifndef VERSION
#define VERSION "0"
#endif

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] < OCI-STATE\n"
		"       %s status [--json] [--state-dir DIR]\n"
		"       %s unload [--dry-run] [--state-dir DIR] [MODULE...]\n"
		"\n"
		"Run as an OCI hook (prestart or createRuntime): load the host kernel\n"
		"modules listed in the container's KERNEL_MODULES variable and record\n"
		"them. At poststop, mark the container stopped.\n"
		"\n"
		"Commands:\n"
		"  status            show the recorded modules, who inserted them and\n"
		"                    which running containers requested them\n"
		"  unload            remove modules that this hook inserted and no\n"
		"                    running container requests; with MODULE names,\n"
		"                    only those, and explain each one kept\n"
		"\n"
		"Options:\n"
		"  --state STAGE     prestart, poststart or poststop; only prestart loads\n"
		"  --state-dir DIR   directory of the ledger (default " LEDGER_DEFAULT_DIR ")\n"
		"  --unload-on-stop  at poststop, remove the modules that the container\n"
		"                    was the last running one to request\n"
		"  --log FILE        also append log lines to FILE\n"
		"  --with-relabel    accepted for compatibility; has no effect\n"
		"  --debug           log debug lines, libkmod's included\n"
		"  --json            status: print JSON\n"
		"  --dry-run         unload: print what would be removed, remove nothing\n"
		"  -h, --help        show this help\n"
		"  --version         show the version\n",
		PROGRAM_NAME, PROGRAM_NAME, PROGRAM_NAME);
}

static bool stage_is_known(const char *stage)
{
	return strcmp(stage, "prestart") == 0 || strcmp(stage, "poststart") == 0 ||
	       strcmp(stage, "poststop") == 0;
}

enum {
	OPT_STATE = 256,
	OPT_STATE_DIR,
	OPT_UNLOAD_ON_STOP,
	OPT_LOG,
	OPT_WITH_RELABEL,
	OPT_DEBUG,
	OPT_VERSION,
	OPT_JSON,
	OPT_DRY_RUN,
};

static int parse_hook_options(int argc, char **argv, struct hook_options *opts)
{
	static const struct option options[] = {
		{ "state", required_argument, NULL, OPT_STATE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "unload-on-stop", no_argument, NULL, OPT_UNLOAD_ON_STOP },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "with-relabel", no_argument, NULL, OPT_WITH_RELABEL },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case OPT_STATE:
			if (!stage_is_known(optarg)) {
				fprintf(stderr, "%s: invalid --state '%s': use prestart, poststart or "
					"poststop\n", PROGRAM_NAME, optarg);
				return -1;
			}
			opts->stage = optarg;
			break;
		case OPT_STATE_DIR:
			opts->state_dir = optarg;
			break;
		case OPT_UNLOAD_ON_STOP:
			opts->unload_on_stop = true;
			break;
		case OPT_LOG:
			opts->log_path = optarg;
			break;
		case OPT_WITH_RELABEL:
			break;
		case OPT_DEBUG:
			opts->debug = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("%s %s\n", PROGRAM_NAME, VERSION);
			return 0;
		default:
			print_usage(stderr);
			return -1;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", PROGRAM_NAME, argv[optind]);
		return -1;
	}
	return 1;
}

/* Options of the status and unload commands. */
struct command_options {
	const char *state_dir;
	bool json;
	bool dry_run;
	bool debug;
};

static int parse_command_options(int argc, char **argv, struct command_options *opts)
{
	static const struct option options[] = {
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *command = argv[0];
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case OPT_STATE_DIR:
			opts->state_dir = optarg;
			break;
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_DRY_RUN:
			opts->dry_run = true;
			break;
		case OPT_DEBUG:
			opts->debug = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return -1;
		}
	}

	if ((opts->json && strcmp(command, "status") != 0) ||
	    (opts->dry_run && strcmp(command, "unload") != 0)) {
		fprintf(stderr, "%s %s: %s is valid only with '%s'\n", PROGRAM_NAME, command,
			opts->json ? "--json" : "--dry-run", opts->json ? "status" : "unload");
		return -1;
	}
	return 1;
}

/*
 * Open the ledger in dir, or set *ret to NULL when dir does not exist yet.
 * Returns 0, or a negative errno after printing the problem.
 */
static int open_ledger(const char *dir, struct ledger **ret)
{
	int r = ledger_open(dir, false, ret);

	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		fprintf(stderr, "%s: cannot use the state directory %s: %s\n", PROGRAM_NAME, dir,
			strerror(-r));
	return r;
}

static int run_status(const struct command_options *opts, int argc)
{
	_cleanup_(ledger_closep) struct ledger *ledger = NULL;
	int r;

	if (argc > 0) {
		fprintf(stderr, "%s status: takes no module names\n", PROGRAM_NAME);
		return HOOK_EXIT_USAGE;
	}
	if (open_ledger(opts->state_dir, &ledger) < 0)
		return HOOK_EXIT_FAILED;

	r = status_print(ledger, opts->state_dir, &kernel_paths_host, opts->json, stdout);
	if (r < 0) {
		fprintf(stderr, "%s status: cannot read the ledger in %s: %s\n", PROGRAM_NAME,
			opts->state_dir, strerror(-r));
		return HOOK_EXIT_FAILED;
	}
	return HOOK_EXIT_OK;
}

static int check_names(char **names, int n)
{
	for (int i = 0; i < n; i++) {
		const char *why = module_name_check(names[i], strlen(names[i]));

		if (why) {
			char escaped[ESCAPED_BUFSZ];

			escape_untrusted(escaped, sizeof(escaped), names[i], strlen(names[i]),
					 ESCAPED_MAX);
			fprintf(stderr, "%s unload: invalid module name '%s': %s\n", PROGRAM_NAME,
				escaped, why);
			return -EINVAL;
		}
		module_name_canonicalize(names[i]);
	}
	return 0;
}

static int run_unload(const struct command_options *opts, int argc, char **argv)
{
	_cleanup_(ledger_closep) struct ledger *ledger = NULL;
	int r;

	if (check_names(argv, argc) < 0)
		return HOOK_EXIT_USAGE;
	if (open_ledger(opts->state_dir, &ledger) < 0)
		return HOOK_EXIT_FAILED;
	if (!ledger) {
		printf("nothing to unload: no ledger in %s\n", opts->state_dir);
		return argc > 0 ? HOOK_EXIT_FAILED : HOOK_EXIT_OK;
	}

	r = unload_modules(ledger, &(struct unload_options){ .paths = &kernel_paths_host,
							     .names = argv,
							     .n_names = (size_t)argc,
							     .dry_run = opts->dry_run });
	return r == 0 ? HOOK_EXIT_OK : HOOK_EXIT_FAILED;
}

static int run_command(int argc, char **argv)
{
	struct command_options opts = { .state_dir = LEDGER_DEFAULT_DIR };
	int r;

	r = parse_command_options(argc, argv, &opts);
	if (r <= 0)
		return r == 0 ? HOOK_EXIT_OK : HOOK_EXIT_USAGE;
	log_open(NULL, opts.debug);

	if (strcmp(argv[0], "status") == 0)
		r = run_status(&opts, argc - optind);
	else
		r = run_unload(&opts, argc - optind, argv + optind);
	log_close();
	return r;
}

static bool is_command(const char *arg)
{
	return strcmp(arg, "status") == 0 || strcmp(arg, "unload") == 0;
}

int main(int argc, char **argv)
{
	struct hook_options opts = { .state_dir = LEDGER_DEFAULT_DIR };
	int r;

	/* A command comes first; the hook's own command line starts with options. */
	if (argc > 1 && is_command(argv[1]))
		return run_command(argc - 1, argv + 1);

	r = parse_hook_options(argc, argv, &opts);
	if (r <= 0)
		return r == 0 ? HOOK_EXIT_OK : HOOK_EXIT_USAGE;

	r = log_open(opts.log_path, opts.debug);
	if (r < 0) {
		fprintf(stderr, "%s: cannot open log file '%s': %s\n", PROGRAM_NAME,
			opts.log_path, strerror(-r));
		return HOOK_EXIT_USAGE;
	}

	r = hook_run(&opts);
	log_close();
	return r;
}
