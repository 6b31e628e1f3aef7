/* dpx-cli-mock.c: `duplex mock`, a saved log served to whoever connects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Cli"

#include "config.h"

#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "dpx-cli-private.h"
#include "dpx-mock.h"
#include "dpx-relay.h"

static void
on_mock_event (DpxMock    *mock,
               guint       client,
               const char *text,
               gpointer    user_data)
{
  /* Translators: %u counts clients from 1; %s says what happened */
  fprintf (stderr, _("client %u: %s\n"), client, text);
}

static gboolean
mock_on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

int
dpx_cli_mock (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DpxRecording) recording = NULL;
  g_autoptr(DpxMock) mock = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *rules = NULL;
  gboolean wait = FALSE;
  int port = DPX_RELAY_DEFAULT_PORT;
  double speed = 1.0;
  double handshake_timeout = DPX_MOCK_DEFAULT_HANDSHAKE_TIMEOUT_MS / 1000.0;
  guint sigint, sigterm;
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host,
      N_("Address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the network)"), N_("HOST") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (default 4000; 0 picks a free one)"), N_("PORT") },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("Play at this many times the recorded pace (default 1)"), N_("X") },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &wait,
      N_("Before each reply, wait for the client to send what the recording sent (exactly)"), NULL },
    { "handshake-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &handshake_timeout,
      N_("Close connections that have not finished the WebSocket handshake after this long (default 10)"),
      N_("SECONDS") },
    { "rules", 0, 0, G_OPTION_ARG_FILENAME, &rules,
      N_("How to match the client’s messages, from a rules file (see docs/mock-rules.md)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("FILE.jsonl"));
  g_option_context_set_summary (context, _("Serve a saved log: each client that connects receives the "
                                           "log’s received messages, in order and with their timing; "
                                           "with --wait or --rules, each reply waits for its request."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_set_prgname ("duplex mock");
  if (!dpx_cli_parse_options (context, &argc, &argv))
    return DPX_EXIT_USAGE;
  if (argc != 2)
    {
      dpx_cli_usage_error (context, _("mock needs exactly one saved log"));
      return DPX_EXIT_USAGE;
    }
  if (port < 0 || port > 65535)
    {
      dpx_cli_usage_error (context, _("--port must be between 0 and 65535"));
      return DPX_EXIT_USAGE;
    }
  if (!(speed > 0.0 && speed <= 1000.0))
    {
      dpx_cli_usage_error (context, _("--speed must be above 0 and at most 1000"));
      return DPX_EXIT_USAGE;
    }

  if (!(handshake_timeout >= 0.001 && handshake_timeout <= 86400))
    {
      dpx_cli_usage_error (context, _("Timeouts must be between 0.001 and 86400 seconds"));
      return DPX_EXIT_USAGE;
    }

  file = g_file_new_for_commandline_arg (argv[1]);
  recording = dpx_recording_load (file, NULL, &error);
  if (recording == NULL)
    {
      fprintf (stderr, "duplex: %s\n", error->message);
      return DPX_EXIT_FAILURE;
    }
  mock = dpx_mock_new (recording);
  if (rules)
    {
      g_autoptr(GFile) rules_file = g_file_new_for_commandline_arg (rules);
      g_autoptr(DpxMockRules) loaded = dpx_mock_rules_load (rules_file, &error);

      if (loaded == NULL || !dpx_mock_set_rules (mock, loaded, &error))
        {
          fprintf (stderr, "duplex: %s\n", error->message);
          return DPX_EXIT_FAILURE;
        }
    }
  else if (wait)
    {
      g_autoptr(DpxMockRules) exact = dpx_mock_rules_new ();

      dpx_mock_set_rules (mock, exact, NULL);
    }
  dpx_mock_set_speed (mock, speed);
  dpx_mock_set_handshake_timeout (mock, (guint) (handshake_timeout * 1000 + 0.5));
  if (host)
    dpx_mock_set_host (mock, host);
  dpx_mock_set_port (mock, port);
  g_signal_connect (mock, "event", G_CALLBACK (on_mock_event), NULL);

  if (!dpx_mock_start (mock, &error))
    {
      fprintf (stderr, "duplex: %s\n", error->message);
      return DPX_EXIT_FAILURE;
    }

  fprintf (stderr, _("Duplex mock of “%s” listening on ws://%s:%u/\n"),
           argv[1], host ? host : "127.0.0.1", dpx_mock_get_port (mock));
  {
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host ? host : "127.0.0.1");

    fprintf (stderr, "%s\n", address && g_inet_address_get_is_loopback (address)
             ? _("Only this machine can connect; use --host 0.0.0.0 to open it to the network.")
             : _("Warning: the mock is reachable from the network; anyone who can reach this port can connect."));
  }
  /* The first line on stdout is the URL, for scripts that use --port 0. */
  printf ("ws://%s:%u/\n", host ? host : "127.0.0.1", dpx_mock_get_port (mock));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, mock_on_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, mock_on_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  dpx_mock_stop (mock);
  fprintf (stderr, _("Stopped after %u replies\n"), dpx_mock_get_n_replies (mock));
  return DPX_EXIT_OK;
}
