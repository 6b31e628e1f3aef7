/* dpx-close-popover.c: closing the connection with a chosen code and reason
 *
 * The popover of the compose box's Close button: a code, its meaning, a
 * reason, and what is wrong with them, checked by the core's one check
 * (dpx_close_check) as they are typed and again when closing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ClosePopover"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-close-code.h"
#include "dpx-close-popover.h"

struct _DpxClosePopover
{
  GtkPopover     parent_instance;

  /* template widgets */
  GtkSpinButton *code_spin;
  GtkLabel      *code_description;
  GtkEntry      *reason_entry;
  GtkLabel      *error_label;

  /* owned */
  DpxSession    *session;
  char          *error;
};

G_DEFINE_FINAL_TYPE (DpxClosePopover, dpx_close_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_error (DpxClosePopover *self,
           const char      *text)
{
  gtk_label_set_text (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  if (g_strcmp0 (self->error, text) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * dpx_close_popover_close:
 *
 * Closes with @code and @reason after checking both; a problem is shown
 * under the fields and nothing is sent.
 *
 * Returns: whether the close was started
 */
gboolean
dpx_close_popover_close (DpxClosePopover *self,
                         int              code,
                         const char      *reason)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DPX_IS_CLOSE_POPOVER (self), FALSE);

  if (!dpx_close_check (code, reason, &error))
    {
      set_error (self, error->message);
      return FALSE;
    }
  if (self->session == NULL ||
      !dpx_session_disconnect (self->session, (gushort) code, reason, &error))
    {
      set_error (self, error ? error->message : _("Not connected"));
      return FALSE;
    }
  set_error (self, NULL);
  gtk_popover_popdown (GTK_POPOVER (self));
  return TRUE;
}

static void
on_close_clicked (DpxClosePopover *self)
{
  dpx_close_popover_close (self, gtk_spin_button_get_value_as_int (self->code_spin),
                           gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)));
}

static void
on_fields_changed (DpxClosePopover *self)
{
  g_autoptr(GError) error = NULL;
  int code = gtk_spin_button_get_value_as_int (self->code_spin);

  gtk_label_set_text (self->code_description, dpx_close_code_describe ((gushort) code));
  if (dpx_close_check (code, gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)), &error))
    set_error (self, NULL);
  else
    set_error (self, error->message);
}


void
dpx_close_popover_set_session (DpxClosePopover *self,
                               DpxSession      *session)
{
  g_return_if_fail (DPX_IS_CLOSE_POPOVER (self));
  g_return_if_fail (session == NULL || DPX_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_close_popover_dispose (GObject *object)
{
  DpxClosePopover *self = DPX_CLOSE_POPOVER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_CLOSE_POPOVER);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dpx_close_popover_parent_class)->dispose (object);
}

static void
dpx_close_popover_finalize (GObject *object)
{
  DpxClosePopover *self = DPX_CLOSE_POPOVER (object);

  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (dpx_close_popover_parent_class)->finalize (object);
}

static void
dpx_close_popover_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DpxClosePopover *self = DPX_CLOSE_POPOVER (object);

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
dpx_close_popover_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DpxClosePopover *self = DPX_CLOSE_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      dpx_close_popover_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_close_popover_class_init (DpxClosePopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_close_popover_dispose;
  object_class->finalize = dpx_close_popover_finalize;
  object_class->get_property = dpx_close_popover_get_property;
  object_class->set_property = dpx_close_popover_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPX_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What is wrong with the code or the reason, or NULL. */
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-close-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxClosePopover, code_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxClosePopover, code_description);
  gtk_widget_class_bind_template_child (widget_class, DpxClosePopover, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, DpxClosePopover, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_fields_changed);
}

static void
dpx_close_popover_init (DpxClosePopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  on_fields_changed (self);
}
