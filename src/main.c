// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "check.h"
#include "handover.h"
#include "hook.h"
#include "ledger.h"
#include "log.h"
#include "policy.h"

#ifndef VERSION
#define VERSION "0"
#endif

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] < OCI-STATE\n"
		"       %s check [--policy FILE] [--json] (--config FILE | --modules LIST)\n"
		"       %s status [--json] [--state-dir DIR]\n"
		"       %s unload [--dry-run] [--state-dir DIR] [MODULE...]\n"
		"\n"
		"Run as an OCI hook (prestart or createRuntime): load the host kernel\n"
		"modules listed in the container's KERNEL_MODULES variable and record\n"
		"them. At poststop, mark the container stopped.\n"
		"\n"
		"Options:\n"
		"  --state STAGE     prestart, poststart or poststop; only prestart loads\n"
		"  --policy FILE     read the admission policy from FILE alone, in place of\n"
		"                    " POLICY_FILE " and " POLICY_DROPIN_DIR "/*.conf\n"
		"  --state-dir DIR   directory of the ledger (default " LEDGER_DEFAULT_DIR ")\n"
		"  --unload-on-stop  at poststop, remove the modules that the container\n"
		"                    was the last running one to request\n"
		"  --log FILE        also append log lines to FILE\n"
		"  --with-relabel    accepted for compatibility; has no effect\n"
		"  --debug           log debug lines, libkmod's included\n"
		"  --no-fast-path    look up every module with libkmod, even live ones;\n"
		"                    for checking that both paths give the same result\n"
		"  -h, --help        show this help\n"
		"  --version         show the version\n"
		"\n"
		"The check command shows, without loading anything or needing root, what\n"
		"the hook would do for a request: the modules each name resolves to, the\n"
		"dependencies it would insert, their state, signer and origin, and the\n"
		"policy rule that admits or refuses each. It exits with 0 when the request\n"
		"would be admitted and 1 when not.\n"
		"  --config FILE     read KERNEL_MODULES from the process.env of FILE,\n"
		"                    a container's config.json\n"
		"  --modules LIST    check LIST, a KERNEL_MODULES value such as 'ip_vs,overlay'\n"
		"  --json            print the result as JSON\n"
		"\n"
		"See '%s status --help' for the status and unload commands.\n",
		PROGRAM_NAME, PROGRAM_NAME, PROGRAM_NAME, PROGRAM_NAME, PROGRAM_NAME);
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
	OPT_NO_FAST_PATH,
	OPT_VERSION,
	OPT_POLICY,
	OPT_CONFIG,
	OPT_MODULES,
	OPT_JSON,
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
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "no-fast-path", no_argument, NULL, OPT_NO_FAST_PATH },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	int c;

	/* getopt's own messages start with argv[0], a full path when run as a hook. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
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
		case OPT_POLICY:
			opts->policy_path = optarg;
			break;
		case OPT_DEBUG:
			opts->debug = true;
			break;
		case OPT_NO_FAST_PATH:
			opts->no_fast_path = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("%s %s\n", PROGRAM_NAME, VERSION);
			return 0;
		case ':':
			fprintf(stderr, "%s: option '%s' needs a value; see --help\n", PROGRAM_NAME,
				argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "%s: invalid option '%s'; see --help\n", PROGRAM_NAME,
				argv[optind - 1]);
			return -1;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", PROGRAM_NAME, argv[optind]);
		return -1;
	}
	return 1;
}

static int check_options_valid(const struct check_options *opts)
{
	if (!opts->config_path == !opts->modules) {
		fprintf(stderr, "%s check: give exactly one of --config FILE and --modules LIST\n",
			PROGRAM_NAME);
		return -1;
	}
	return 1;
}

static int parse_check_options(int argc, char **argv, struct check_options *opts)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "modules", required_argument, NULL, OPT_MODULES },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
			opts->config_path = optarg;
			break;
		case OPT_MODULES:
			opts->modules = optarg;
			break;
		case OPT_POLICY:
			opts->policy_path = optarg;
			break;
		case OPT_JSON:
			opts->json = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "%s check: option '%s' needs a value; see --help\n",
				PROGRAM_NAME, argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "%s check: invalid option '%s'; see --help\n", PROGRAM_NAME,
				argv[optind - 1]);
			return -1;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "%s check: unexpected argument '%s'\n", PROGRAM_NAME,
			argv[optind]);
		return -1;
	}
	return check_options_valid(opts);
}

static int run_check(int argc, char **argv)
{
	struct check_options opts = { 0 };
	int r;

	r = parse_check_options(argc - 1, argv + 1, &opts);
	if (r <= 0)
		return r == 0 ? HOOK_EXIT_OK : HOOK_EXIT_USAGE;

	/* After a handover, this skips the lines that the first binary printed. */
	log_open(NULL, false);
	return check_run(&opts);
}

int main(int argc, char **argv)
{
	struct hook_options opts = { .state_dir = LEDGER_DEFAULT_DIR };
	int r;

	handover_save_command(argv);

	/* A command comes first; the hook's own command line starts with options. */
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return run_check(argc, argv);
	if (argc > 1 && is_admin_command(argv[1]))
		return run_admin_command(argc - 1, argv + 1);

	r = parse_hook_options(argc, argv, &opts);
	if (r <= 0)
		return r == 0 ? HOOK_EXIT_OK : HOOK_EXIT_USAGE;

	/* A broken log file must not stop containers from starting; syslog still works. */
	r = log_open(opts.log_path, opts.debug);
	if (r < 0)
		fprintf(stderr, "%s: cannot open log file '%s', logging to syslog only: %s\n",
			PROGRAM_NAME, opts.log_path,
			r == -ESPIPE ? "not a regular file or character device" : strerror(-r));

	r = hook_run(&opts);
	log_close();
	return r;
}
