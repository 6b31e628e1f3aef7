/* dpx-connection-record.c: one past connection of a profile
 *
 * When it started (Unix microseconds, UTC), how long it lasted, how it
 * closed (0: it never opened or ended without a close code), the messages
 * either way, and the saved log of that session, to open it again.
 * Immutable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ConnectionRecord"

#include "config.h"

#include "dpx-connection-record.h"

struct _DpxConnectionRecord
{
  GObject  parent_instance;

  char    *url;
  gint64   started_us;
  gint64   duration_ms;
  guint    close_code;
  guint64  messages_in;
  guint64  messages_out;
  char    *log_path;
};

G_DEFINE_FINAL_TYPE (DpxConnectionRecord, dpx_connection_record, G_TYPE_OBJECT)

static void
dpx_connection_record_finalize (GObject *object)
{
  DpxConnectionRecord *self = DPX_CONNECTION_RECORD (object);

  g_free (self->url);
  g_free (self->log_path);

  G_OBJECT_CLASS (dpx_connection_record_parent_class)->finalize (object);
}

static void
dpx_connection_record_class_init (DpxConnectionRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_connection_record_finalize;
}

static void
dpx_connection_record_init (DpxConnectionRecord *self)
{
}

/**
 * dpx_connection_record_new:
 * @log_path: (nullable): the session's saved log
 */
DpxConnectionRecord *
dpx_connection_record_new (const char *url,
                           gint64      started_us,
                           gint64      duration_ms,
                           guint       close_code,
                           guint64     messages_in,
                           guint64     messages_out,
                           const char *log_path)
{
  DpxConnectionRecord *self;

  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (DPX_TYPE_CONNECTION_RECORD, NULL);
  self->url = g_strdup (url);
  self->started_us = started_us;
  self->duration_ms = MAX (duration_ms, 0);
  self->close_code = close_code;
  self->messages_in = messages_in;
  self->messages_out = messages_out;
  self->log_path = g_strdup (log_path);
  return self;
}

const char *
dpx_connection_record_get_url (DpxConnectionRecord *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_RECORD (self), NULL);
  return self->url;
}

gint64
dpx_connection_record_get_started (DpxConnectionRecord *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_RECORD (self), 0);
  return self->started_us;
}

gint64
dpx_connection_record_get_duration_ms (DpxConnectionRecord *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_RECORD (self), 0);
  return self->duration_ms;
}

guint
dpx_connection_record_get_close_code (DpxConnectionRecord *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_RECORD (self), 0);
  return self->close_code;
}

guint64
dpx_connection_record_get_messages_in (DpxConnectionRecord *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_RECORD (self), 0);
  return self->messages_in;
}

guint64
dpx_connection_record_get_messages_out (DpxConnectionRecord *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_RECORD (self), 0);
  return self->messages_out;
}

/**
 * dpx_connection_record_get_log_path:
 *
 * Returns: (nullable): the saved log of that session
 */
const char *
dpx_connection_record_get_log_path (DpxConnectionRecord *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_RECORD (self), NULL);
  return self->log_path;
}
