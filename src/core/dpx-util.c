/* dpx-util.c: small helpers shared by the core, the window and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "dpx-util.h"

/* Lifts the soft limit on open files to the hard one: a desktop's usual 1024
 * is not enough for a relay with a thousand clients.
 *
 * Returns: the limit now in force, G_MAXUINT64 for none
 */
guint64
dpx_raise_open_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return G_MAXUINT64;
  if (limit.rlim_cur < limit.rlim_max)
    {
      struct rlimit raised = { limit.rlim_max, limit.rlim_max };

      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        limit = raised;
    }
  return limit.rlim_cur == RLIM_INFINITY ? G_MAXUINT64 : (guint64) limit.rlim_cur;
}

/**
 * dpx_process_memory_kib:
 * @pid: a process id, or "self"
 * @field: a line of /proc/PID/status such as "VmRSS" or "VmHWM" (the peak)
 *
 * Returns: the value in KiB, or 0 where /proc does not tell
 */
guint64
dpx_process_memory_kib (const char *pid,
                        const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, key);
  return line ? g_ascii_strtoull (line + strlen (key), NULL, 10) : 0;
}

/* The user's locale and our catalogues; `meson devenv` points
 * DUPLEX_LOCALEDIR at the ones built in po/. */
void
dpx_setup_locale (void)
{
  const char *localedir = g_getenv ("DUPLEX_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
