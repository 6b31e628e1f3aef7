/* dpx-session-recorder.c: a profile's connections into its history
 *
 * Watches a session opened with a profile: when a connection that opened
 * closes, the entries of that connection alone (from its connect attempt to
 * its close) are saved in the logs folder (by default
 * $XDG_DATA_HOME/duplex/sessions) and a DpxConnectionRecord goes into the
 * profile's history (when, how long, the close code, the messages each way
 * during that connection, and the saved log, to open again); the store
 * saves it with the counter. Emits "recorded" with the record.
 *
 * The entries are collected as the tab's log publishes them, into a log of
 * the recorder's own (bounded as the tab's is): clearing the tab's log, or
 * entries dropped from its front, take nothing from the connection's
 * record, and what the tab's log held before the attempt is not in it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-SessionRecorder"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-session-recorder.h"

struct _DpxSessionRecorder
{
  GObject          parent_instance;

  DpxSession      *session;
  DpxLog          *log;
  DpxProfileStore *store;
  DpxProfile      *profile;
  char            *logs_dir;

  DpxLog          *connection_log;  /* this connection's entries */
  gboolean         collecting;
  gint64           attempt_us;      /* when the attempt began, real time */
  DpxLogEntry     *last_collected;  /* nullable */

  gboolean         open;
  gint64           started_us;
  gint64           opened_at;
  guint64          in_at_open;
  guint64          out_at_open;
};

G_DEFINE_FINAL_TYPE (DpxSessionRecorder, dpx_session_recorder, G_TYPE_OBJECT)

enum {
  SIGNAL_RECORDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
dpx_session_recorder_dispose (GObject *object)
{
  DpxSessionRecorder *self = DPX_SESSION_RECORDER (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->log)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->session);
  g_clear_object (&self->log);
  g_clear_object (&self->connection_log);
  g_clear_object (&self->last_collected);
  g_clear_object (&self->store);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (dpx_session_recorder_parent_class)->dispose (object);
}

static void
dpx_session_recorder_finalize (GObject *object)
{
  DpxSessionRecorder *self = DPX_SESSION_RECORDER (object);

  g_free (self->logs_dir);

  G_OBJECT_CLASS (dpx_session_recorder_parent_class)->finalize (object);
}

static void
dpx_session_recorder_class_init (DpxSessionRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_session_recorder_dispose;
  object_class->finalize = dpx_session_recorder_finalize;

  /**
   * DpxSessionRecorder::recorded:
   * @record: the connection added to the history
   * @error_message: (nullable): why the log or the profile could not be saved
   */
  signals[SIGNAL_RECORDED] =
    g_signal_new ("recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, DPX_TYPE_CONNECTION_RECORD, G_TYPE_STRING);
}

static void
dpx_session_recorder_init (DpxSessionRecorder *self)
{
}

char *
dpx_session_recorder_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "duplex", "sessions", NULL);
}

typedef struct {
  DpxSessionRecorder *self;
  DpxLog             *log;  /* the closed connection's entries */
} ClosedConnection;

static void
closed_connection_free (gpointer data)
{
  ClosedConnection *closed = data;

  g_object_unref (closed->self);
  g_object_unref (closed->log);
  g_free (closed);
}

/* Saves the connection's log and its record. */
static gboolean
record_closed (gpointer data)
{
  ClosedConnection *closed = data;
  DpxSessionRecorder *self = closed->self;
  g_autoptr(DpxConnectionRecord) record = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("%s-%s-%06d.jsonl", dpx_profile_get_id (self->profile), stamp,
                                           g_date_time_get_microsecond (now));
  g_autofree char *path = g_build_filename (self->logs_dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;
  DpxClient *client;
  gboolean saved;

  if (self->session == NULL)
    return G_SOURCE_REMOVE;
  client = dpx_session_get_client (self->session);
  saved = g_mkdir_with_parents (self->logs_dir, 0700) == 0 &&
          dpx_log_export (closed->log, file, NULL, &error);
  record = dpx_connection_record_new (dpx_session_get_url (self->session) ? dpx_session_get_url (self->session) : "",
                                      self->started_us, (g_get_monotonic_time () - self->opened_at) / 1000,
                                      client ? dpx_client_get_close_code (client) : 0,
                                      dpx_session_get_messages_in (self->session) - self->in_at_open,
                                      dpx_session_get_messages_out (self->session) - self->out_at_open,
                                      saved ? path : NULL);
  if (!dpx_profile_store_add_record (self->store, self->profile, record, &store_error) && error == NULL)
    error = g_steal_pointer (&store_error);
  g_signal_emit (self, signals[SIGNAL_RECORDED], 0, record, error ? error->message : NULL);
  return G_SOURCE_REMOVE;
}

static void
on_state (DpxSession         *session,
          GParamSpec         *pspec,
          DpxSessionRecorder *self)
{
  DpxConnectionState state = dpx_session_get_state (session);

  if (state == DPX_CONNECTION_STATE_CONNECTING && !self->open)
    {
      /* A new attempt (or the next one of a reconnect): what the log has
       * published so far belongs to the connections before. */
      dpx_log_flush (self->log);
      dpx_log_clear (self->connection_log);
      g_clear_object (&self->last_collected);
      self->collecting = TRUE;
      self->attempt_us = g_get_real_time ();
    }
  else if (state == DPX_CONNECTION_STATE_OPEN && !self->open)
    {
      self->open = TRUE;
      self->started_us = g_get_real_time ();
      self->opened_at = g_get_monotonic_time ();
      self->in_at_open = dpx_session_get_messages_in (session);
      self->out_at_open = dpx_session_get_messages_out (session);
    }
  else if (state == DPX_CONNECTION_STATE_CLOSED && self->open)
    {
      ClosedConnection *closed = g_new0 (ClosedConnection, 1);

      /* The close is logged before the state changes: published now, it is
       * the last entry collected. The next attempt starts a log of its own
       * at once, so a quick reconnect cannot mix into this one. */
      dpx_log_flush (self->log);
      self->open = FALSE;
      self->collecting = FALSE;
      closed->self = g_object_ref (self);
      closed->log = g_steal_pointer (&self->connection_log);
      self->connection_log = dpx_log_new ();
      dpx_log_set_max_entries (self->connection_log, dpx_log_get_max_entries (self->log));
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, record_closed, closed, closed_connection_free);
    }
  else if (state == DPX_CONNECTION_STATE_CLOSED || state == DPX_CONNECTION_STATE_DISCONNECTED)
    self->collecting = FALSE;
}

/* Entries published at the end of the tab's log while a connection is
 * recorded. Not new: an entry older than the attempt (an imported log), or
 * ones already collected (a cleared log put back, in one batch with the
 * last one collected). */
static void
on_log_items_changed (GListModel         *log,
                      guint               position,
                      guint               removed,
                      guint               added,
                      DpxSessionRecorder *self)
{
  guint start = position;

  if (!self->collecting || added == 0 || position + added != g_list_model_get_n_items (log))
    return;
  for (guint i = position; self->last_collected && i < position + added; i++)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (log, i);

      if (entry == self->last_collected)
        start = i + 1;
    }
  for (guint i = start; i < position + added; i++)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (log, i);

      if (dpx_log_entry_get_time (entry) < self->attempt_us)
        continue;
      dpx_log_append (self->connection_log, entry);
      g_set_object (&self->last_collected, entry);
    }
}

/**
 * dpx_session_recorder_new:
 * @logs_dir: (nullable): where the logs go, or %NULL for the default
 */
DpxSessionRecorder *
dpx_session_recorder_new (DpxSession      *session,
                          DpxLog          *log,
                          DpxProfileStore *store,
                          DpxProfile      *profile,
                          const char      *logs_dir)
{
  DpxSessionRecorder *self;

  g_return_val_if_fail (DPX_IS_SESSION (session), NULL);
  g_return_val_if_fail (DPX_IS_LOG (log), NULL);
  g_return_val_if_fail (DPX_IS_PROFILE_STORE (store), NULL);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), NULL);

  self = g_object_new (DPX_TYPE_SESSION_RECORDER, NULL);
  self->session = g_object_ref (session);
  self->log = g_object_ref (log);
  self->store = g_object_ref (store);
  self->profile = g_object_ref (profile);
  self->logs_dir = logs_dir ? g_strdup (logs_dir) : dpx_session_recorder_default_dir ();
  self->connection_log = dpx_log_new ();
  dpx_log_set_max_entries (self->connection_log, dpx_log_get_max_entries (log));
  /* A connection under way when the tab took the profile is recorded from
   * now on. */
  self->collecting = dpx_session_get_state (session) == DPX_CONNECTION_STATE_CONNECTING ||
                     dpx_session_get_state (session) == DPX_CONNECTION_STATE_OPEN;
  self->attempt_us = g_get_real_time ();
  g_signal_connect (log, "items-changed", G_CALLBACK (on_log_items_changed), self);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_state), self);
  on_state (session, NULL, self);
  return self;
}

DpxProfile *
dpx_session_recorder_get_profile (DpxSessionRecorder *self)
{
  g_return_val_if_fail (DPX_IS_SESSION_RECORDER (self), NULL);
  return self->profile;
}
