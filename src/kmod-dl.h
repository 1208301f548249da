/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * libkmod, opened with dlopen() on first use. libkmod.so.2 pulls in
 * libcrypto, libzstd and liblzma, and mapping them tripled the time of a
 * hook run that loads nothing (1.8 ms against 0.6 ms, measured with
 * bench/spawnbench on a 2-core x86_64 machine). Only the runs that insert
 * pay for it. In oci-kmod-hook, which is linked statically and has no
 * libkmod, kmod_dl_open() hands the run over to oci-kmod-hook-kmod instead
 * (src/handover.h).
 *
 * Include this header instead of <libkmod.h>. Each libkmod function used in
 * the project is listed once below and its name is redirected to a pointer
 * filled by kmod_dl_open(), so call sites read as plain libkmod calls.
 */
#include <libkmod.h>

#define KMOD_DL_FUNCTIONS(X)                                                      \
	X(kmod_new)                                                               \
	X(kmod_unref)                                                             \
	X(kmod_set_log_fn)                                                        \
	X(kmod_set_log_priority)                                                  \
	X(kmod_load_resources)                                                    \
	X(kmod_get_dirname)                                                       \
	X(kmod_list_next)                                                         \
	X(kmod_list_prev)                                                         \
	X(kmod_list_last)                                                         \
	X(kmod_config_get_blacklists)                                             \
	X(kmod_config_iter_get_key)                                               \
	X(kmod_config_iter_get_value)                                             \
	X(kmod_config_iter_next)                                                  \
	X(kmod_config_iter_free_iter)                                             \
	X(kmod_module_new_from_lookup)                                            \
	X(kmod_module_new_from_name)                                              \
	X(kmod_module_new_from_loaded)                                            \
	X(kmod_module_ref)                                                        \
	X(kmod_module_unref)                                                      \
	X(kmod_module_unref_list)                                                 \
	X(kmod_module_get_module)                                                 \
	X(kmod_module_get_name)                                                   \
	X(kmod_module_get_path)                                                   \
	X(kmod_module_get_options)                                                \
	X(kmod_module_get_install_commands)                                       \
	X(kmod_module_get_dependencies)                                           \
	X(kmod_module_get_softdeps)                                               \
	X(kmod_module_get_holders)                                                \
	X(kmod_module_get_refcnt)                                                 \
	X(kmod_module_get_initstate)                                              \
	X(kmod_module_initstate_str)                                              \
	X(kmod_module_get_info)                                                   \
	X(kmod_module_info_get_key)                                               \
	X(kmod_module_info_get_value)                                             \
	X(kmod_module_info_free_list)                                             \
	X(kmod_module_apply_filter)                                               \
	X(kmod_module_probe_insert_module)                                        \
	X(kmod_module_insert_module)                                              \
	X(kmod_module_remove_module)

#define KMOD_DL_DECLARE(fn) extern __typeof__(fn) *dl_##fn;
KMOD_DL_FUNCTIONS(KMOD_DL_DECLARE)
#undef KMOD_DL_DECLARE

/*
 * Open libkmod.so.2 and resolve every function above. Cheap after the first
 * call. Returns 0, or -ELIBACC with the dlerror() text in reason. In
 * oci-kmod-hook it does not return unless the handover failed.
 */
int kmod_dl_open(char *reason, size_t reasonlen);

#ifndef KMOD_DL_NO_REDIRECT
#define kmod_new dl_kmod_new
#define kmod_unref dl_kmod_unref
#define kmod_set_log_fn dl_kmod_set_log_fn
#define kmod_set_log_priority dl_kmod_set_log_priority
#define kmod_load_resources dl_kmod_load_resources
#define kmod_get_dirname dl_kmod_get_dirname
#define kmod_list_next dl_kmod_list_next
#define kmod_list_prev dl_kmod_list_prev
#define kmod_list_last dl_kmod_list_last
#define kmod_config_get_blacklists dl_kmod_config_get_blacklists
#define kmod_config_iter_get_key dl_kmod_config_iter_get_key
#define kmod_config_iter_get_value dl_kmod_config_iter_get_value
#define kmod_config_iter_next dl_kmod_config_iter_next
#define kmod_config_iter_free_iter dl_kmod_config_iter_free_iter
#define kmod_module_new_from_lookup dl_kmod_module_new_from_lookup
#define kmod_module_new_from_name dl_kmod_module_new_from_name
#define kmod_module_new_from_loaded dl_kmod_module_new_from_loaded
#define kmod_module_ref dl_kmod_module_ref
#define kmod_module_unref dl_kmod_module_unref
#define kmod_module_unref_list dl_kmod_module_unref_list
#define kmod_module_get_module dl_kmod_module_get_module
#define kmod_module_get_name dl_kmod_module_get_name
#define kmod_module_get_path dl_kmod_module_get_path
#define kmod_module_get_options dl_kmod_module_get_options
#define kmod_module_get_install_commands dl_kmod_module_get_install_commands
#define kmod_module_get_dependencies dl_kmod_module_get_dependencies
#define kmod_module_get_softdeps dl_kmod_module_get_softdeps
#define kmod_module_get_holders dl_kmod_module_get_holders
#define kmod_module_get_refcnt dl_kmod_module_get_refcnt
#define kmod_module_get_initstate dl_kmod_module_get_initstate
#define kmod_module_initstate_str dl_kmod_module_initstate_str
#define kmod_module_get_info dl_kmod_module_get_info
#define kmod_module_info_get_key dl_kmod_module_info_get_key
#define kmod_module_info_get_value dl_kmod_module_info_get_value
#define kmod_module_info_free_list dl_kmod_module_info_free_list
#define kmod_module_apply_filter dl_kmod_module_apply_filter
#define kmod_module_probe_insert_module dl_kmod_module_probe_insert_module
#define kmod_module_insert_module dl_kmod_module_insert_module
#define kmod_module_remove_module dl_kmod_module_remove_module
#endif
