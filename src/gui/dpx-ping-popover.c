/* dpx-ping-popover.c: sending a ping with a chosen payload
 *
 * The popover of the compose box's Ping button: a payload written as text
 * or as hex, checked as it is typed by the core's one check
 * (dpx_client_check_ping: at most 125 bytes) and again when sending. The
 * ping and its pong, with the round trip, show in the log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-PingPopover"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-parse.h"
#include "dpx-ping-popover.h"

struct _DpxPingPopover
{
  GtkPopover      parent_instance;

  /* template widgets */
  GtkEntry       *payload_entry;
  GtkDropDown    *encoding_dropdown;
  GtkLabel       *error_label;

  /* owned */
  DpxSession     *session;
  char           *error;
};

G_DEFINE_FINAL_TYPE (DpxPingPopover, dpx_ping_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_error (DpxPingPopover *self,
           const char     *text)
{
  gtk_label_set_text (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  if (text)
    gtk_widget_add_css_class (GTK_WIDGET (self->payload_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->payload_entry), "error");
  if (g_strcmp0 (self->error, text) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* The payload's bytes, checked, or NULL with @error set. */
static GBytes *
parse_payload (const char  *payload,
               gboolean     hex,
               GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  if (hex)
    bytes = dpx_parse_hex (payload, error);
  else
    bytes = g_bytes_new (payload, strlen (payload));
  if (bytes == NULL || !dpx_client_check_ping (bytes, error))
    return NULL;
  return g_steal_pointer (&bytes);
}

/**
 * dpx_ping_popover_ping:
 * @payload: the payload as written
 * @hex: whether @payload is hex (else its UTF-8 bytes are sent)
 *
 * Sends a ping after checking its payload; a problem is shown under the
 * field and nothing is sent.
 *
 * Returns: whether the ping was sent
 */
gboolean
dpx_ping_popover_ping (DpxPingPopover *self,
                       const char     *payload,
                       gboolean        hex)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (DPX_IS_PING_POPOVER (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  bytes = parse_payload (payload, hex, &error);
  if (bytes == NULL)
    {
      set_error (self, error->message);
      return FALSE;
    }
  if (self->session == NULL || !dpx_session_send_ping (self->session, bytes, &error))
    {
      set_error (self, error ? error->message : _("Not connected"));
      return FALSE;
    }
  set_error (self, NULL);
  gtk_popover_popdown (GTK_POPOVER (self));
  return TRUE;
}

static gboolean
is_hex (DpxPingPopover *self)
{
  /* The drop-down's rows: Text, Hex. */
  return gtk_drop_down_get_selected (self->encoding_dropdown) == 1;
}

static void
on_ping_clicked (DpxPingPopover *self)
{
  dpx_ping_popover_ping (self, gtk_editable_get_text (GTK_EDITABLE (self->payload_entry)),
                         is_hex (self));
}

static void
on_fields_changed (DpxPingPopover *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = parse_payload (gtk_editable_get_text (GTK_EDITABLE (self->payload_entry)),
                         is_hex (self), &error);
  set_error (self, bytes ? NULL : error->message);
}

void
dpx_ping_popover_set_session (DpxPingPopover *self,
                              DpxSession     *session)
{
  g_return_if_fail (DPX_IS_PING_POPOVER (self));
  g_return_if_fail (session == NULL || DPX_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_ping_popover_dispose (GObject *object)
{
  DpxPingPopover *self = DPX_PING_POPOVER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_PING_POPOVER);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dpx_ping_popover_parent_class)->dispose (object);
}

static void
dpx_ping_popover_finalize (GObject *object)
{
  DpxPingPopover *self = DPX_PING_POPOVER (object);

  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (dpx_ping_popover_parent_class)->finalize (object);
}

static void
dpx_ping_popover_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DpxPingPopover *self = DPX_PING_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_ping_popover_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DpxPingPopover *self = DPX_PING_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      dpx_ping_popover_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_ping_popover_class_init (DpxPingPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_ping_popover_dispose;
  object_class->finalize = dpx_ping_popover_finalize;
  object_class->get_property = dpx_ping_popover_get_property;
  object_class->set_property = dpx_ping_popover_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPX_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What is wrong with the payload, or NULL. */
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-ping-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxPingPopover, payload_entry);
  gtk_widget_class_bind_template_child (widget_class, DpxPingPopover, encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DpxPingPopover, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_ping_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_fields_changed);
}

static void
dpx_ping_popover_init (DpxPingPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  on_fields_changed (self);
}
