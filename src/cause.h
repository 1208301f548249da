/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Describe why inserting a module failed, in plain words, from the negative
 * errno that libkmod or the kernel returned. EPERM is described by the
 * caller, which can tell its reasons apart.
 */
const char *cause_for_errno(int err);
