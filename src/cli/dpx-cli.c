/* dpx-cli.c: the headless command-line modes: which one runs, and what
 * they share (serve in dpx-cli-serve.c, consume and produce in
 * dpx-cli-client.c, bench in dpx-bench.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "dpx-bench.h"
#include "dpx-cli-private.h"

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "serve",   dpx_cli_serve,   N_("Run the broadcast relay: every message goes to every client") },
  { "consume", dpx_cli_consume, N_("Print every message from a WebSocket URL") },
  { "produce", dpx_cli_produce, N_("Send one message to a WebSocket URL and print the reply") },
  { "replay",  dpx_cli_replay,  N_("Send the messages of a saved log again, with their timing") },
  { "mock",    dpx_cli_mock,    N_("Serve a saved log: play its received messages to each client") },
  { "profile", dpx_cli_profile, N_("List, show, save, export and import saved connections (profiles)") },
  { "bench", dpx_bench_run, N_("Measure a broadcast server with many subscribers") },
};

void
dpx_cli_print_usage (FILE *stream)
{
  fprintf (stream, "%s\n  duplex [URL...]\n  duplex FILE.jsonl...\n", _("Usage:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  duplex %-8s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Without a command, duplex opens its window (it needs a display), "
                                 "connected to each URL in a tab of its own, or showing each "
                                 "saved log FILE."));
  fprintf (stream, "%s\n", _("Run “duplex COMMAND --help” for the options of each command."));
  fprintf (stream, "\n%s\n  0  %s\n  1  %s\n  2  %s\n", _("Exit status:"),
           _("success"), _("connection or protocol failure"), _("usage error"));
}

gboolean
dpx_cli_handles (int    argc,
                 char **argv)
{
  if (argc < 2)
    return FALSE;
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "--version") || g_str_equal (argv[1], "help"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return TRUE;
  return FALSE;
}

int
dpx_cli_run (int    argc,
             char **argv)
{
  g_return_val_if_fail (argc >= 2, DPX_EXIT_USAGE);

  if (g_str_equal (argv[1], "--version"))
    {
      printf ("duplex %s\n", PACKAGE_VERSION);
      return DPX_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      dpx_cli_print_usage (stdout);
      return DPX_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  dpx_cli_print_usage (stderr);
  return DPX_EXIT_USAGE;
}

/* Parses options; on a usage error prints it with a hint and returns FALSE. */
gboolean
dpx_cli_parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  fprintf (stderr, "duplex: %s\n%s\n", error->message,
           _("Run with --help to see the options."));
  return FALSE;
}

void
dpx_cli_usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fprintf (stderr, "duplex: %s\n\n%s", message, help);
}
