// SPDX-License-Identifier: LGPL-2.1-or-later
#include "admin.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "hook.h"
#include "kernel.h"
#include "ledger.h"
#include "log.h"
#include "request.h"
#include "status.h"
#include "unload.h"
#include "util.h"

enum { OPT_STATE_DIR = 256, OPT_JSON, OPT_DRY_RUN, OPT_DEBUG };

static void print_admin_usage(void)
{
	printf("Usage: %s status [--json] [--state-dir DIR]\n"
	       "       %s unload [--dry-run] [--state-dir DIR] [MODULE...]\n"
	       "\n"
	       "status  show the modules that containers requested: whether this hook\n"
	       "        inserted them, their reference count and holders, and the\n"
	       "        running containers that requested them\n"
	       "unload  remove the modules that this hook inserted, that no running\n"
	       "        container requested and that nothing uses, with the dependencies\n"
	       "        the hook inserted along with them; with MODULE names, only those,\n"
	       "        and say why each kept one stays\n"
	       "\n"
	       "  --state-dir DIR   directory of the ledger (default " LEDGER_DEFAULT_DIR ")\n"
	       "  --json            status: print JSON\n"
	       "  --dry-run         unload: print what would be removed, remove nothing\n"
	       "  --debug           log debug lines\n",
	       PROGRAM_NAME, PROGRAM_NAME);
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

	/* getopt's own messages would start with argv[0], a full path. */
	opterr = 0;
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
			print_admin_usage();
			return 0;
		default:
			fprintf(stderr, "%s %s: invalid option '%s'; see %s %s --help\n", PROGRAM_NAME,
				command, argv[optind - 1], PROGRAM_NAME, command);
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

int run_admin_command(int argc, char **argv)
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

bool is_admin_command(const char *arg)
{
	return strcmp(arg, "status") == 0 || strcmp(arg, "unload") == 0;
}

