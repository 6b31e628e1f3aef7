/* fuzz-support.c: the setup every libFuzzer harness shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>

#include "fuzz-support.h"

/* g_error(), and a warning made fatal, stop at a breakpoint (SIGTRAP),
 * which libFuzzer does not catch: turn it into an abort, which it reports
 * with the input that caused it. */
static void
on_trap (int signum)
{
  abort ();
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  struct sigaction action = { .sa_handler = on_trap };

  sigemptyset (&action.sa_mask);
  sigaction (SIGTRAP, &action, NULL);

  /* GLib 2.74 still has its slice allocator, which hides blocks from ASan. */
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");

  /* As G_DEBUG=fatal-warnings in the tests: a critical (a failed
   * g_return_if_fail) or a warning aborts, and libFuzzer reports it. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* FNV-1a: a seed that depends on the whole input, for harnesses that cut
 * it into chunks, so a given input always gets the same cuts. */
guint32
dpx_fuzz_hash (const uint8_t *data,
               size_t         size)
{
  guint32 hash = 2166136261u;

  for (size_t i = 0; i < size; i++)
    hash = (hash ^ data[i]) * 16777619u;
  return hash;
}
