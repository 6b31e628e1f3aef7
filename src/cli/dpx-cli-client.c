/* dpx-cli-client.c: `duplex consume` and `duplex produce`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "dpx-cli-private.h"
#include "dpx-client.h"
#include "dpx-close-code.h"
#include "dpx-format.h"
#include "dpx-log-entry.h"
#include "dpx-error.h"
#include "dpx-parse.h"
#include "dpx-profile-store.h"
#include "dpx-recording.h"
#include "dpx-replay.h"

typedef struct {
  GMainLoop *loop;
  DpxClient *client;
  GError    *error;
  gboolean   json;
  gboolean   quiet;
  int        remaining;    /* messages still wanted; < 0 for no limit */
  int        status;
  guint      timeout;
  guint      reply_grace_ms;  /* replay: how long to wait for late replies */
  gboolean   connected;
  gint64     started_us;      /* for the profile's history */
  gint64     opened_at;       /* monotonic, when the connection opened */
  gint64     closed_at;
  guint64    messages_in;
  guint64    messages_out;
} ClientRun;

typedef struct {
  char     **headers;
  char     **protocols;
  char      *origin;
  char      *max_message;
  int        timeout;
  int        keepalive;
  gboolean   insecure;
  gboolean   deflate;
  gboolean   json;
  gboolean   quiet;
  char      *profile_name;
  gboolean   show_secrets;
  /* With --profile: the profile, its store (to record the connection and
   * the counter) and the options it was opened with. */
  DpxProfileStore      *store;
  DpxProfile           *profile;
} ClientOptions;

/* Options not given on the command line, so a profile's hold. */
#define UNSET_SECONDS G_MININT

static void
add_client_options (GOptionContext *context,
                    ClientOptions  *options)
{
  GOptionEntry entries[] = {
    { "header", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &options->headers,
      N_("Add a request header (repeatable)"), N_("'NAME: VALUE'") },
    { "protocol", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->protocols,
      N_("Offer a subprotocol (repeatable)"), N_("PROTOCOL") },
    { "origin", 0, 0, G_OPTION_ARG_STRING, &options->origin, N_("Send this Origin header"), N_("ORIGIN") },
    { "deflate", 0, 0, G_OPTION_ARG_NONE, &options->deflate, N_("Offer permessage-deflate compression"), NULL },
    { "insecure", 'k', 0, G_OPTION_ARG_NONE, &options->insecure,
      N_("Accept an invalid TLS certificate (the problem is still reported)"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options->timeout,
      N_("Seconds to wait for the handshake, and for a reply (default 10; 0 waits for ever)"), N_("SECONDS") },
    { "max-message-size", 0, 0, G_OPTION_ARG_STRING, &options->max_message,
      N_("Largest message accepted (default 16M)"), N_("BYTES") },
    { "keepalive", 0, 0, G_OPTION_ARG_INT, &options->keepalive,
      N_("Send a ping every this many seconds (default off)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Print each message as a JSON line (time, kind, size, text or base64)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options->quiet, N_("Do not print connection events on stderr"), NULL },
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &options->profile_name,
      N_("Connect with a saved profile’s URL, headers (secrets from the keyring) and options; "
         "the options given here are added or win; URL may then be left out"), N_("NAME") },
    { "show-secrets", 0, 0, G_OPTION_ARG_NONE, &options->show_secrets,
      N_("Show secret header values in the handshake events instead of ••••"), NULL },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("connection", _("Connection options:"),
                                            _("Show the connection options"), NULL, NULL);

  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_add_group (context, group);
  options->timeout = UNSET_SECONDS;
  options->keepalive = UNSET_SECONDS;
}

static void
client_options_clear (ClientOptions *options)
{
  g_clear_pointer (&options->headers, g_strfreev);
  g_clear_pointer (&options->protocols, g_strfreev);
  g_clear_pointer (&options->origin, g_free);
  g_clear_pointer (&options->max_message, g_free);
  g_clear_pointer (&options->profile_name, g_free);
  g_clear_object (&options->profile);
  g_clear_object (&options->store);
}

/* Header values of a profile may hold variables: expanded when connecting,
 * without counting a send (dpx-template.c). */
static gboolean
expand_headers (DpxConnectionOptions  *options,
                DpxTemplate           *template,
                GError               **error)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *name, *value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  g_variant_iter_init (&iter, dpx_connection_options_get_request_headers (options));
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      g_autofree char *expanded = dpx_template_preview (template, value, NULL, error);

      if (expanded == NULL)
        {
          g_prefix_error (error, _("Header %s: "), name);
          g_variant_builder_clear (&builder);
          return FALSE;
        }
      g_variant_builder_add (&builder, "(ss)", name, expanded);
    }
  dpx_connection_options_set_request_headers (options, g_variant_builder_end (&builder));
  return TRUE;
}

/* The client for @url, or with --profile for the profile's URL when @url
 * is NULL; on an error says why and returns NULL. */
static DpxClient *
make_client (GOptionContext  *context,
             const char      *url,
             ClientOptions   *options)
{
  g_autoptr(DpxClient) client = NULL;
  g_autoptr(DpxConnectionOptions) profile_options = NULL;
  g_autoptr(GError) error = NULL;
  gboolean from_profile = options->profile_name != NULL;
  guint64 size;

  if (from_profile)
    {
      g_auto(GStrv) secret = NULL;

      options->store = dpx_cli_open_profiles ();
      if (options->store == NULL)
        return NULL;
      options->profile = dpx_cli_find_profile (options->store, options->profile_name);
      if (options->profile == NULL)
        return NULL;
      g_object_ref (options->profile);
      profile_options = dpx_profile_store_dup_options (options->store, options->profile, &error);
      if (profile_options == NULL ||
          !expand_headers (profile_options, dpx_profile_get_template (options->profile), &error))
        {
          fprintf (stderr, "duplex: %s\n", error->message);
          return NULL;
        }
      if (url == NULL)
        url = dpx_connection_options_get_url (profile_options);
      if (url == NULL)
        {
          dpx_cli_usage_error (context, _("The profile has no URL: give one"));
          return NULL;
        }
      dpx_connection_options_set_url (profile_options, url);
      client = dpx_client_new (url);
      if (!dpx_connection_options_apply (profile_options, client, &error))
        {
          fprintf (stderr, "duplex: %s\n", error->message);
          return NULL;
        }
      secret = dpx_profile_dup_secret_headers (options->profile);
      dpx_client_set_secret_headers (client, (const char * const *) secret);
    }
  else
    client = dpx_client_new (url);

  if (!dpx_client_check_url (url, &error))
    {
      fprintf (stderr, "duplex: %s\n", error->message);
      return NULL;
    }
  for (guint i = 0; options->headers && options->headers[i]; i++)
    if (!dpx_client_add_header_line (client, options->headers[i], &error))
      {
        dpx_cli_usage_error (context, error->message);
        return NULL;
      }
  if (options->max_message)
    {
      if (!dpx_parse_size (options->max_message, &size, &error) || size == 0)
        {
          dpx_cli_usage_error (context, error ? error->message : _("--max-message-size must be at least 1"));
          return NULL;
        }
      dpx_client_set_max_message_size (client, size);
    }
  if ((options->timeout < 0 && options->timeout != UNSET_SECONDS) ||
      (options->keepalive < 0 && options->keepalive != UNSET_SECONDS))
    {
      dpx_cli_usage_error (context, _("--timeout and --keepalive take a number of seconds"));
      return NULL;
    }
  /* What the command line says wins; what it leaves out is the profile's. */
  if (options->timeout == UNSET_SECONDS)
    options->timeout = from_profile ? (int) dpx_connection_options_get_handshake_timeout (profile_options)
                                    : DPX_CLIENT_DEFAULT_HANDSHAKE_TIMEOUT;
  if (options->keepalive == UNSET_SECONDS)
    options->keepalive = from_profile ? (int) dpx_connection_options_get_keepalive_interval (profile_options) : 0;
  if (!from_profile || options->protocols)
    dpx_client_set_protocols (client, (const char * const *) options->protocols);
  if (!from_profile || options->origin)
    dpx_client_set_origin (client, options->origin);
  if (!from_profile || options->deflate)
    dpx_client_set_deflate (client, options->deflate);
  if (!from_profile || options->insecure)
    dpx_client_set_accept_invalid_certificates (client, options->insecure);
  dpx_client_set_tls_advice (client, _("Pass --insecure to connect anyway."));
  dpx_client_set_handshake_timeout (client, options->timeout);
  dpx_client_set_keepalive_interval (client, options->keepalive);
  dpx_client_set_show_secrets (client, options->show_secrets);
  return g_steal_pointer (&client);
}

/* With --profile, the connection goes into its history (and the counter
 * of the messages sent is kept). */
static void
record_connection (ClientOptions *options,
                   ClientRun     *run)
{
  g_autoptr(DpxConnectionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  gint64 duration_ms = 0;

  if (options->profile == NULL || run->client == NULL)
    return;
  if (run->opened_at > 0)
    duration_ms = ((run->closed_at > 0 ? run->closed_at : g_get_monotonic_time ()) - run->opened_at) / 1000;
  record = dpx_connection_record_new (dpx_client_get_url (run->client), run->started_us, duration_ms,
                                      run->connected ? dpx_client_get_close_code (run->client) : 0,
                                      run->messages_in, run->messages_out, NULL);
  if (!dpx_profile_store_add_record (options->store, options->profile, record, &error))
    fprintf (stderr, "duplex: %s\n", error->message);
}

static void
print_message (ClientRun    *run,
               int           type,
               GBytes       *message)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (message, &size);

  if (run->json)
    {
      g_autoptr(DpxLogEntry) entry = NULL;
      g_autofree char *line = NULL;

      entry = dpx_log_entry_new_now (dpx_client_get_url (run->client), DPX_DIRECTION_RECEIVED,
                                     type == SOUP_WEBSOCKET_DATA_BINARY ? DPX_ENTRY_KIND_BINARY : DPX_ENTRY_KIND_TEXT,
                                     message);
      line = dpx_log_entry_to_json (entry);
      fputs (line, stdout);
    }
  else if (type == SOUP_WEBSOCKET_DATA_BINARY)
    {
      g_autofree char *hex = dpx_format_hex (data, size);

      fputs (hex, stdout);
    }
  else
    fwrite (data, 1, size, stdout);

  fputc ('\n', stdout);
  fflush (stdout);
}

static void
on_client_event (DpxClient    *client,
                 DpxEntryKind  kind,
                 const char   *text,
                 const char   *revealed,
                 ClientRun    *run)
{
  /* The request and response headers are for --verbose readers of the log;
   * the command line shows only what changed. */
  if (run->quiet || kind == DPX_ENTRY_KIND_INFO)
    return;
  fprintf (stderr, "%s\n", text);
}

static void
on_client_state (DpxClient  *client,
                 GParamSpec *pspec,
                 ClientRun  *run)
{
  gushort code;

  /* A failed handshake is reported by on_connected(). */
  if (!run->connected || dpx_client_get_state (client) != DPX_CONNECTION_STATE_CLOSED)
    return;

  run->closed_at = g_get_monotonic_time ();
  code = dpx_client_get_close_code (client);
  /* A clean close ends a consumer well (1005: a close frame without a
   * code); anything else is a failure, a malformed close frame from the
   * server included (the client reports it as 1002). */
  if (run->status < 0)
    run->status = (code == 1000 || code == 1001 || code == 1005) ? DPX_EXIT_OK : DPX_EXIT_FAILURE;
  /* A protocol error fails the run even after it got what it wanted. */
  else if (code == SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR)
    run->status = DPX_EXIT_FAILURE;
  g_main_loop_quit (run->loop);
}

static gboolean
on_close_wait_over (gpointer data)
{
  g_main_loop_quit (((ClientRun *) data)->loop);
  return G_SOURCE_REMOVE;
}

static void
finish_run (ClientRun *run,
            int        status)
{
  if (run->status < 0)
    run->status = status;
  g_clear_handle_id (&run->timeout, g_source_remove);

  if (dpx_client_get_state (run->client) == DPX_CONNECTION_STATE_OPEN)
    {
      dpx_client_close (run->client, 1000, NULL, NULL);
      g_timeout_add (CLOSE_WAIT_MS, on_close_wait_over, run);
    }
  else
    g_main_loop_quit (run->loop);
}

static void
on_client_message (DpxClient *client,
                   int        type,
                   GBytes    *message,
                   ClientRun *run)
{
  run->messages_in++;
  if (run->remaining == 0)
    return;
  print_message (run, type, message);
  if (run->remaining > 0 && --run->remaining == 0)
    finish_run (run, DPX_EXIT_OK);
}

static gboolean
on_reply_timeout (gpointer data)
{
  ClientRun *run = data;

  run->timeout = 0;
  fprintf (stderr, "duplex: %s\n", _("No reply arrived in time"));
  finish_run (run, DPX_EXIT_FAILURE);
  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ClientRun *run = user_data;

  if (!dpx_client_connect_finish (DPX_CLIENT (source), result, &run->error))
    {
      /* The client already said why on the event stream, unless quiet. */
      if (run->quiet)
        fprintf (stderr, "duplex: %s\n", run->error->message);
      run->status = DPX_EXIT_FAILURE;
    }
  else
    {
      run->connected = TRUE;
      run->opened_at = g_get_monotonic_time ();
    }
  g_main_loop_quit (run->loop);
}

static gboolean
connect_client (ClientRun *run)
{
  run->started_us = g_get_real_time ();
  dpx_client_connect_async (run->client, NULL, on_connected, run);
  g_main_loop_run (run->loop);
  return run->error == NULL;
}

static void
client_run_init (ClientRun     *run,
                 DpxClient     *client,
                 ClientOptions *options)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->client = client;
  run->json = options->json;
  run->quiet = options->quiet;
  run->remaining = -1;
  run->status = -1;
  g_signal_connect (client, "event", G_CALLBACK (on_client_event), run);
  g_signal_connect (client, "message", G_CALLBACK (on_client_message), run);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), run);
}

static void
client_run_clear (ClientRun *run)
{
  g_signal_handlers_disconnect_by_data (run->client, run);
  g_clear_handle_id (&run->timeout, g_source_remove);
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_error (&run->error);
}

static gboolean
consume_on_signal (gpointer data)
{
  finish_run (data, DPX_EXIT_OK);
  return G_SOURCE_CONTINUE;
}

int
dpx_cli_consume (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DpxClient) client = NULL;
  ClientOptions options = { 0 };
  ClientRun run = { 0 };
  int count = 0;
  int status;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, N_("Exit after this many messages"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("URL"));
  g_option_context_set_summary (context, _("Connect to URL and print every message on its own line: "
                                           "text as it is, binary as hex, or JSON Lines with --json."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  add_client_options (context, &options);
  g_set_prgname ("duplex consume");
  if (!dpx_cli_parse_options (context, &argc, &argv))
    return DPX_EXIT_USAGE;
  if (argc != 2 && !(options.profile_name && argc == 1))
    {
      dpx_cli_usage_error (context, _("consume needs exactly one URL"));
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }
  if (count < 0)
    {
      dpx_cli_usage_error (context, _("--count must not be negative"));
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }

  client = make_client (context, argc == 2 ? argv[1] : NULL, &options);
  if (client == NULL)
    {
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }

  client_run_init (&run, client, &options);
  if (count > 0)
    run.remaining = count;

  if (connect_client (&run))
    {
      guint sigint = g_unix_signal_add (SIGINT, consume_on_signal, &run);
      guint sigterm = g_unix_signal_add (SIGTERM, consume_on_signal, &run);

      g_main_loop_run (run.loop);
      g_source_remove (sigint);
      g_source_remove (sigterm);
    }

  status = run.status < 0 ? DPX_EXIT_OK : run.status;
  record_connection (&options, &run);
  client_run_clear (&run);
  client_options_clear (&options);
  return status;
}

int
dpx_cli_produce (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DpxClient) client = NULL;
  g_autoptr(GBytes) binary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *binary_file = NULL;
  ClientOptions options = { 0 };
  ClientRun run = { 0 };
  gboolean no_wait = FALSE;
  const char *url = NULL;
  const char *message = NULL;
  g_autofree char *expanded = NULL;
  int status;
  GOptionEntry entries[] = {
    { "binary-file", 'f', 0, G_OPTION_ARG_FILENAME, &binary_file,
      N_("Send the contents of FILE as one binary message instead of MESSAGE"), N_("FILE") },
    { "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait, N_("Do not wait for a reply"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("URL [MESSAGE]"));
  g_option_context_set_summary (context, _("Connect to URL, send MESSAGE as text (or a file as binary), "
                                           "print the first message that comes back, and close.\n"
                                           "With --profile, URL may be left out, and MESSAGE may hold variables: "
                                           "{{counter}}, {{timestamp}}, {{timestamp_ms}}, {{uuid}}, {{random_int}} "
                                           "and the profile’s own ({{NAME}}); \\{{ is a literal {{."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  add_client_options (context, &options);
  g_set_prgname ("duplex produce");
  if (!dpx_cli_parse_options (context, &argc, &argv))
    return DPX_EXIT_USAGE;
  /* With a profile the URL may be left out: one argument less. */
  if (options.profile_name && argc == (binary_file ? 1 : 2))
    message = binary_file ? NULL : argv[1];
  else if (argc == (binary_file ? 2 : 3))
    {
      url = argv[1];
      message = binary_file ? NULL : argv[2];
    }
  else
    {
      dpx_cli_usage_error (context, binary_file ? _("produce --binary-file needs a URL and no MESSAGE")
                                        : _("produce needs a URL and a MESSAGE"));
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }

  if (binary_file)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (binary_file);

      binary = g_file_load_bytes (file, NULL, NULL, &error);
      if (binary == NULL)
        {
          fprintf (stderr, "duplex: %s\n", error->message);
          client_options_clear (&options);
          return DPX_EXIT_FAILURE;
        }
    }
  else if (!g_utf8_validate (message, -1, NULL))
    {
      dpx_cli_usage_error (context, _("MESSAGE is not valid UTF-8; send it with --binary-file instead"));
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }

  client = make_client (context, url, &options);
  if (client == NULL)
    {
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }
  /* A variable that cannot be expanded stops it before connecting. */
  if (options.profile && message)
    {
      g_autofree char *preview = dpx_template_preview (dpx_profile_get_template (options.profile),
                                                       message, NULL, &error);

      if (preview == NULL)
        {
          fprintf (stderr, _("duplex: %s; nothing was sent\n"), error->message);
          client_options_clear (&options);
          return DPX_EXIT_USAGE;
        }
    }

  client_run_init (&run, client, &options);
  run.remaining = no_wait ? 0 : 1;

  if (connect_client (&run))
    {
      gboolean sent;

      /* Expanded now, counting the send. */
      if (options.profile && message)
        message = expanded = dpx_template_expand (dpx_profile_get_template (options.profile),
                                                  message, NULL, &error);
      sent = message == NULL && error ? FALSE
           : binary ? dpx_client_send_binary (client, binary, &error)
                    : dpx_client_send_text (client, message, -1, &error);
      if (sent)
        run.messages_out++;

      if (!sent)
        {
          fprintf (stderr, "duplex: %s\n", error->message);
          finish_run (&run, DPX_EXIT_FAILURE);
        }
      else if (no_wait)
        finish_run (&run, DPX_EXIT_OK);
      else if (options.timeout > 0)
        run.timeout = g_timeout_add_seconds (options.timeout, on_reply_timeout, &run);

      g_main_loop_run (run.loop);
    }

  status = run.status < 0 ? DPX_EXIT_OK : run.status;
  /* The server closing before any reply came is a failure for produce. */
  if (!no_wait && run.remaining > 0 && status == DPX_EXIT_OK)
    {
      fprintf (stderr, "duplex: %s\n", _("The connection closed before a reply arrived"));
      status = DPX_EXIT_FAILURE;
    }
  record_connection (&options, &run);
  client_run_clear (&run);
  client_options_clear (&options);
  return status;
}

/* `duplex replay` --------------------------------------------------------- */

typedef struct {
  ClientRun *run;
  DpxReplay *replay;
  guint      sent;
  gboolean   done;
} ReplayRun;

static gboolean
replay_send (DpxLogEntry  *entry,
             gpointer      user_data,
             GError      **error)
{
  ReplayRun *replay_run = user_data;
  DpxClient *client = replay_run->run->client;
  GBytes *payload = dpx_log_entry_get_payload (entry);
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);
  /* The time it is handed to the connection, as the window logs it; only
   * --json prints it. */
  g_autoptr(DpxLogEntry) now = NULL;
  gboolean sent;

  if (replay_run->run->json)
    now = dpx_log_entry_new_now (dpx_client_get_url (client), DPX_DIRECTION_SENT,
                                 dpx_log_entry_get_kind (entry), payload);

  if (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_BINARY)
    sent = dpx_client_send_binary (client, payload, error);
  else if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("message %u of the recording is text that is not valid UTF-8; "
                     "it cannot be sent as a text message"), replay_run->sent + 1);
      return FALSE;
    }
  else
    sent = dpx_client_send_text (client, data, size, error);
  if (!sent)
    return FALSE;

  replay_run->sent++;
  if (replay_run->run->json)
    {
      g_autofree char *line = dpx_log_entry_to_json (now);

      puts (line);
      fflush (stdout);
    }
  return TRUE;
}

static gboolean
on_replay_grace_over (gpointer data)
{
  ClientRun *run = data;

  run->timeout = 0;
  finish_run (run, DPX_EXIT_OK);
  return G_SOURCE_REMOVE;
}

static void
on_replay_finished (DpxReplay  *replay,
                    const char *error_message,
                    ReplayRun  *replay_run)
{
  ClientRun *run = replay_run->run;

  replay_run->done = TRUE;
  if (error_message)
    {
      fprintf (stderr, "duplex: %s\n", error_message);
      finish_run (run, DPX_EXIT_FAILURE);
      return;
    }
  if (!run->quiet)
    fprintf (stderr, _("Replayed %u messages\n"), replay_run->sent);
  /* Replies to the last messages are still on their way: wait for them as
   * produce waits for its reply. */
  g_clear_handle_id (&run->timeout, g_source_remove);
  run->timeout = g_timeout_add (run->reply_grace_ms, on_replay_grace_over, run);
}

static gboolean
replay_on_signal (gpointer data)
{
  ReplayRun *replay_run = data;

  dpx_replay_stop (replay_run->replay);
  finish_run (replay_run->run, DPX_EXIT_OK);
  return G_SOURCE_CONTINUE;
}

int
dpx_cli_replay (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DpxClient) client = NULL;
  g_autoptr(DpxRecording) recording = NULL;
  g_autoptr(DpxReplay) replay = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *play = NULL;
  ClientOptions options = { 0 };
  ClientRun run = { 0 };
  ReplayRun replay_run = { &run, NULL, 0, FALSE };
  double speed = 1.0;
  gboolean no_timing = FALSE;
  gboolean loop = FALSE;
  DpxDirection direction = DPX_DIRECTION_SENT;
  int status;
  GOptionEntry entries[] = {
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("Play at this many times the recorded pace (default 1)"), N_("X") },
    { "no-timing", 0, 0, G_OPTION_ARG_NONE, &no_timing,
      N_("Send the messages one after the other, without the recorded pauses"), NULL },
    { "loop", 0, 0, G_OPTION_ARG_NONE, &loop, N_("Start again after the last message, until stopped"), NULL },
    { "play", 0, 0, G_OPTION_ARG_STRING, &play,
      N_("Which messages to send: “sent” (default: what the recording sent) or “received” "
         "(what it received, say a whole classroom conversation)"), N_("WHICH") },
    { NULL }
  };

  context = g_option_context_new (_("FILE.jsonl URL"));
  g_option_context_set_summary (context, _("Connect to URL and send the messages of a saved log again, "
                                           "with their recorded timing, printing what comes back."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  add_client_options (context, &options);
  g_set_prgname ("duplex replay");
  if (!dpx_cli_parse_options (context, &argc, &argv))
    return DPX_EXIT_USAGE;
  if (argc != 3 && !(options.profile_name && argc == 2))
    {
      dpx_cli_usage_error (context, _("replay needs a saved log and a URL"));
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }
  if (!(speed > 0.0 && speed <= 1000.0))
    {
      dpx_cli_usage_error (context, _("--speed must be above 0 and at most 1000"));
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }
  if (play && g_str_equal (play, "received"))
    direction = DPX_DIRECTION_RECEIVED;
  else if (play && !g_str_equal (play, "sent"))
    {
      dpx_cli_usage_error (context, _("--play is “sent” or “received”"));
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }

  /* All of the recording is read and checked before anything is sent. */
  file = g_file_new_for_commandline_arg (argv[1]);
  recording = dpx_recording_load (file, NULL, &error);
  if (recording == NULL)
    {
      fprintf (stderr, "duplex: %s\n", error->message);
      client_options_clear (&options);
      return DPX_EXIT_FAILURE;
    }
  messages = dpx_recording_dup_messages (recording, direction);
  if (messages->len == 0)
    {
      fprintf (stderr, "duplex: %s\n", direction == DPX_DIRECTION_SENT
               ? _("The saved log holds no sent messages to replay (try --play received)")
               : _("The saved log holds no received messages to replay"));
      client_options_clear (&options);
      return DPX_EXIT_FAILURE;
    }

  client = make_client (context, argc == 3 ? argv[2] : NULL, &options);
  if (client == NULL)
    {
      client_options_clear (&options);
      return DPX_EXIT_USAGE;
    }

  client_run_init (&run, client, &options);
  run.reply_grace_ms = options.timeout > 0 ? MIN (options.timeout * 1000, 2000) : 2000;
  replay = dpx_replay_new (messages, dpx_recording_get_start (recording), replay_send, &replay_run);
  replay_run.replay = replay;
  dpx_replay_set_speed (replay, speed);
  dpx_replay_set_timing (replay, !no_timing);
  dpx_replay_set_loop (replay, loop);
  g_signal_connect (replay, "finished", G_CALLBACK (on_replay_finished), &replay_run);

  if (connect_client (&run))
    {
      guint sigint = g_unix_signal_add (SIGINT, replay_on_signal, &replay_run);
      guint sigterm = g_unix_signal_add (SIGTERM, replay_on_signal, &replay_run);

      dpx_replay_start (replay);
      g_main_loop_run (run.loop);
      g_source_remove (sigint);
      g_source_remove (sigterm);
    }

  /* The connection ending before the replay did fails it. */
  if (run.connected && !replay_run.done && run.status == DPX_EXIT_OK)
    {
      fprintf (stderr, _("duplex: the connection closed after %u of %u messages\n"),
               replay_run.sent, messages->len);
      run.status = DPX_EXIT_FAILURE;
    }
  g_signal_handlers_disconnect_by_data (replay, &replay_run);
  dpx_replay_stop (replay);
  status = run.status < 0 ? DPX_EXIT_OK : run.status;
  run.messages_out = replay_run.sent;
  record_connection (&options, &run);
  client_run_clear (&run);
  client_options_clear (&options);
  return status;
}
