/* fuzz-support.h: what the libFuzzer harnesses share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* libFuzzer's entry points, declared for -Wmissing-prototypes. Every
 * harness defines LLVMFuzzerTestOneInput(); fuzz-support.c defines
 * LLVMFuzzerInitialize() for all of them. */
int      LLVMFuzzerInitialize   (int            *argc,
                                 char         ***argv);
int      LLVMFuzzerTestOneInput (const uint8_t  *data,
                                 size_t          size);

guint32  dpx_fuzz_hash          (const uint8_t  *data,
                                 size_t          size);

G_END_DECLS
