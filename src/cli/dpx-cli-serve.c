/* dpx-cli-serve.c: `duplex serve`, the broadcast relay without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Cli"

#include "config.h"

#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "dpx-classroom.h"
#include "dpx-cli-private.h"
#include "dpx-close-code.h"
#include "dpx-parse.h"
#include "dpx-qr.h"
#include "dpx-relay-policy.h"

typedef struct {
  GMainLoop *loop;
  DpxRelay  *relay;
  guint64    last_reported;
  gboolean   stopping;
} ServeState;

static void
on_serve_peer_connected (DpxRelay     *relay,
                         DpxRelayPeer *peer,
                         ServeState   *state)
{
  const char *agent = dpx_relay_peer_get_user_agent (peer);
  const char *name = dpx_relay_peer_get_name (peer);

  if (name)
    fprintf (stderr, _("+ %s “%s” connected (%s); %u connected\n"),
             dpx_relay_peer_get_remote_address (peer), name, agent ? agent : _("no user agent"),
             dpx_relay_get_n_peers (relay));
  else
    fprintf (stderr, _("+ %s connected (%s); %u connected\n"),
             dpx_relay_peer_get_remote_address (peer), agent ? agent : _("no user agent"),
             dpx_relay_get_n_peers (relay));
}

static void
on_serve_peer_disconnected (DpxRelay     *relay,
                            DpxRelayPeer *peer,
                            ServeState   *state)
{
  gushort code = dpx_relay_peer_get_close_code (peer);
  const char *reason = dpx_relay_peer_get_close_reason (peer);
  g_autofree char *why = NULL;

  if (reason && *reason)
    why = g_strdup_printf ("%u, %s, “%s”", code, dpx_close_code_describe (code), reason);
  else
    why = g_strdup_printf ("%u, %s", code, dpx_close_code_describe (code));

  fprintf (stderr, dpx_relay_peer_get_closed_by_relay (peer)
           ? _("- %s closed by the relay (%s) after %llu messages in, %llu out; %u connected\n")
           : _("- %s disconnected (%s) after %llu messages in, %llu out; %u connected\n"),
           dpx_relay_peer_get_remote_address (peer), why,
           (unsigned long long) dpx_relay_peer_get_messages_in (peer),
           (unsigned long long) dpx_relay_peer_get_messages_out (peer),
           dpx_relay_get_n_peers (relay));

  if (state->stopping && dpx_relay_get_n_peers (relay) == 0)
    g_main_loop_quit (state->loop);
}

static gboolean
serve_report (gpointer data)
{
  ServeState *state = data;
  guint64 relayed = dpx_relay_get_messages_relayed (state->relay);

  if (relayed != state->last_reported)
    {
      fprintf (stderr, _("relayed %llu messages (%llu in the last 5 s) to %u clients\n"),
               (unsigned long long) relayed, (unsigned long long) (relayed - state->last_reported),
               dpx_relay_get_n_peers (state->relay));
      state->last_reported = relayed;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
serve_give_up (gpointer data)
{
  g_main_loop_quit (((ServeState *) data)->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
serve_on_signal (gpointer data)
{
  ServeState *state = data;

  if (state->stopping)
    {
      g_main_loop_quit (state->loop);
      return G_SOURCE_CONTINUE;
    }
  fprintf (stderr, _("Stopping: closing %u clients with 1001 (going away)\n"),
           dpx_relay_get_n_peers (state->relay));
  state->stopping = TRUE;
  dpx_relay_stop (state->relay);
  if (dpx_relay_get_n_peers (state->relay) == 0)
    g_main_loop_quit (state->loop);
  else
    g_timeout_add (CLOSE_WAIT_MS, serve_give_up, state);
  return G_SOURCE_CONTINUE;
}

/* Where browsers join, and, when other computers may connect, the QR code
 * of the first address for phones to scan. */
static void
print_join (DpxRelay *relay)
{
  g_auto(GStrv) urls = dpx_relay_dup_join_urls (relay);
  g_autofree char *qr = NULL;

  if (urls == NULL || urls[0] == NULL)
    {
      fprintf (stderr, "%s\n", _("No network is up: nobody else can reach the class page yet."));
      return;
    }
  for (guint i = 0; urls[i]; i++)
    fprintf (stderr, "%s %s\n", _("Class page for browsers:"), urls[i]);
  if (dpx_relay_get_loopback_only (relay))
    return;
  qr = dpx_qr_to_terminal (urls[0]);
  if (qr)
    fprintf (stderr, "%s\n%s", _("Scan to join:"), qr);
}

int
dpx_cli_serve (int    argc,
           char **argv)
{
  g_autofree char *host = NULL;
  g_autofree char *max_message = NULL;
  g_autofree char *max_queued = NULL;
  g_autofree char *url = NULL;
  g_autofree char *class_code = NULL;
  g_autofree char *clean_code = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DpxRelay) relay = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  int port = DPX_RELAY_DEFAULT_PORT;
  int max_clients = DPX_RELAY_DEFAULT_MAX_CLIENTS;
  int max_rate = 0;
  double stall_timeout = DPX_RELAY_DEFAULT_STALL_TIMEOUT_MS / 1000.0;
  double handshake_timeout = DPX_RELAY_DEFAULT_HANDSHAKE_TIMEOUT_MS / 1000.0;
  gboolean no_echo = FALSE;
  gboolean deflate = FALSE;
  guint64 size;
  ServeState state = { 0 };
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host,
      N_("Address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the network)"), N_("HOST") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (default 4000; 0 picks a free one)"), N_("PORT") },
    { "no-echo", 0, 0, G_OPTION_ARG_NONE, &no_echo, N_("Do not send a message back to its sender"), NULL },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &max_clients, N_("Refuse clients beyond this many (HTTP 503)"), N_("N") },
    { "max-message-size", 0, 0, G_OPTION_ARG_STRING, &max_message,
      N_("Close clients that send a larger message, with 1009 (default 1M)"), N_("BYTES") },
    { "max-queued", 0, 0, G_OPTION_ARG_STRING, &max_queued,
      N_("Close clients that leave more than this unread, with 4008 (default 8M)"), N_("BYTES") },
    { "stall-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &stall_timeout,
      N_("Close a client with 4008 when its queue is full and it reads nothing for this long (default 10)"),
      N_("SECONDS") },
    { "max-rate", 0, 0, G_OPTION_ARG_INT, &max_rate,
      N_("Read at most this many messages a second from each client (default 0: no limit)"), N_("MSGS") },
    { "handshake-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &handshake_timeout,
      N_("Close connections that have not finished the WebSocket handshake after this long (default 10)"),
      N_("SECONDS") },
    { "deflate", 0, 0, G_OPTION_ARG_NONE, &deflate, N_("Offer permessage-deflate compression"), NULL },
    { "class-code", 0, 0, G_OPTION_ARG_STRING, &class_code,
      N_("Refuse clients that do not present this code (HTTP 403); the class page asks for it"), N_("CODE") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Run the broadcast relay: every text or binary message a client "
                                           "sends is sent to every connected client, the sender included."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_set_prgname ("duplex serve");
  if (!dpx_cli_parse_options (context, &argc, &argv))
    return DPX_EXIT_USAGE;
  if (argc > 1)
    {
      dpx_cli_usage_error (context, _("serve takes no arguments, only options"));
      return DPX_EXIT_USAGE;
    }
  if (port < 0 || port > 65535)
    {
      dpx_cli_usage_error (context, _("--port must be between 0 and 65535"));
      return DPX_EXIT_USAGE;
    }
  if (max_clients < 1)
    {
      dpx_cli_usage_error (context, _("--max-clients must be at least 1"));
      return DPX_EXIT_USAGE;
    }
  if (max_rate < 0)
    {
      dpx_cli_usage_error (context, _("--max-rate must be 0 or more"));
      return DPX_EXIT_USAGE;
    }
  if (!(stall_timeout >= 0.001 && stall_timeout <= 86400) ||
      !(handshake_timeout >= 0.001 && handshake_timeout <= 86400))
    {
      dpx_cli_usage_error (context, _("Timeouts must be between 0.001 and 86400 seconds"));
      return DPX_EXIT_USAGE;
    }

  clean_code = dpx_classroom_clean_code (class_code);
  if (class_code && clean_code == NULL)
    {
      dpx_cli_usage_error (context, _("--class-code must be 1 to 64 bytes of text"));
      return DPX_EXIT_USAGE;
    }

  relay = dpx_relay_new ();
  dpx_relay_set_class_code (relay, clean_code);
  if (host)
    dpx_relay_set_host (relay, host);
  dpx_relay_set_port (relay, port);
  dpx_relay_set_echo (relay, !no_echo);
  dpx_relay_set_max_clients (relay, max_clients);
  dpx_relay_set_deflate (relay, deflate);
  dpx_relay_set_max_rate (relay, max_rate);
  dpx_relay_set_stall_timeout (relay, (guint) (stall_timeout * 1000 + 0.5));
  dpx_relay_set_handshake_timeout (relay, (guint) (handshake_timeout * 1000 + 0.5));
  if (max_message)
    {
      if (!dpx_parse_size (max_message, &size, &error) || size == 0 || size > G_MAXUINT32)
        {
          dpx_cli_usage_error (context, error ? error->message
                                      : _("--max-message-size must be at least 1 byte and less than 4G"));
          return DPX_EXIT_USAGE;
        }
      dpx_relay_set_max_message_size (relay, size);
    }
  if (max_queued)
    {
      if (!dpx_parse_size (max_queued, &size, &error) || size == 0)
        {
          dpx_cli_usage_error (context, error ? error->message : _("--max-queued must be at least 1"));
          return DPX_EXIT_USAGE;
        }
      dpx_relay_set_max_queued_bytes (relay, size);
    }

  if (!dpx_relay_start_policy (relay, DPX_RELAY_PORT_EXACT, &error))
    {
      fprintf (stderr, "duplex: %s\n", error->message);
      return DPX_EXIT_FAILURE;
    }

  url = dpx_relay_dup_url (relay);
  fprintf (stderr, "%s %s\n", _("Duplex relay listening on"), url);
  fprintf (stderr, "%s\n", dpx_relay_get_loopback_only (relay)
           ? _("Only this machine can connect; use --host 0.0.0.0 to open it to the network.")
           : _("Warning: the relay is reachable from the network; anyone who can reach this port can connect."));
  print_join (relay);
  /* The first line on stdout is the URL, for scripts that use --port 0. */
  printf ("%s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.relay = relay;
  g_signal_connect (relay, "peer-connected", G_CALLBACK (on_serve_peer_connected), &state);
  g_signal_connect (relay, "peer-disconnected", G_CALLBACK (on_serve_peer_disconnected), &state);
  g_timeout_add_seconds (5, serve_report, &state);
  g_unix_signal_add (SIGINT, serve_on_signal, &state);
  g_unix_signal_add (SIGTERM, serve_on_signal, &state);

  g_main_loop_run (loop);

  g_signal_handlers_disconnect_by_data (relay, &state);
  fprintf (stderr, _("Stopped after relaying %llu messages\n"),
           (unsigned long long) dpx_relay_get_messages_relayed (relay));
  return DPX_EXIT_OK;
}
