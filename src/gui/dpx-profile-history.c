/* dpx-profile-history.c: a profile's past connections, logs to reopen
 *
 * One row per connection, newest first: when, how long, how it closed and
 * the messages each way; "Reopen Log" (history.reopen(s), the log's path)
 * opens the log saved with it in a window of its own, as opening the file
 * would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ProfileHistory"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dpx-close-code.h"
#include "dpx-profile-history.h"

struct _DpxProfileHistory
{
  GtkWidget   parent_instance;

  /* template widgets */
  GtkLabel   *empty_label;
  GtkListBox *list;

  /* owned */
  DpxProfile *profile;
};

G_DEFINE_FINAL_TYPE (DpxProfileHistory, dpx_profile_history, GTK_TYPE_WIDGET)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DpxConnectionRecord *record = item;
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (dpx_connection_record_get_started (record) /
                                                              G_USEC_PER_SEC);
  g_autofree char *when = g_date_time_format (at, "%Y-%m-%d %H:%M:%S");
  g_autofree char *subtitle = NULL;
  guint code = dpx_connection_record_get_close_code (record);
  const char *log = dpx_connection_record_get_log_path (record);
  g_autofree char *closed = code ? g_strdup_printf ("%u %s", code, dpx_close_code_describe (code))
                                 : g_strdup (_("no close code"));

  /* Translators: a past connection: how long, how it closed, messages in and out */
  subtitle = g_strdup_printf (_("%.1f s · %s · %llu in, %llu out"),
                              dpx_connection_record_get_duration_ms (record) / 1000.0, closed,
                              (unsigned long long) dpx_connection_record_get_messages_in (record),
                              (unsigned long long) dpx_connection_record_get_messages_out (record));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, dpx_connection_record_get_url (record));
  if (log)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Reopen Log"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, log);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "history.reopen");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (log));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
update (DpxProfileHistory *self)
{
  guint n = self->profile ? g_list_model_get_n_items (dpx_profile_get_history (self->profile)) : 0;

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
}

void
dpx_profile_history_set_profile (DpxProfileHistory *self,
                                 DpxProfile        *profile)
{
  g_return_if_fail (DPX_IS_PROFILE_HISTORY (self));

  if (self->profile)
    g_signal_handlers_disconnect_by_data (dpx_profile_get_history (self->profile), self);
  g_set_object (&self->profile, profile);
  if (profile)
    {
      g_signal_connect_object (dpx_profile_get_history (profile), "items-changed",
                               G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      gtk_list_box_bind_model (self->list, dpx_profile_get_history (profile), create_row, self, NULL);
    }
  else
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  update (self);
}

GtkWidget *
dpx_profile_history_get_row (DpxProfileHistory *self,
                             guint              position)
{
  g_return_val_if_fail (DPX_IS_PROFILE_HISTORY (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, position));
}

static void
reopen_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));
  GApplication *application = g_application_get_default ();

  if (application)
    g_application_open (application, &file, 1, "");
}

static void
dpx_profile_history_dispose (GObject *object)
{
  DpxProfileHistory *self = DPX_PROFILE_HISTORY (object);

  if (self->profile)
    g_signal_handlers_disconnect_by_data (dpx_profile_get_history (self->profile), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_PROFILE_HISTORY);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (dpx_profile_history_parent_class)->dispose (object);
}

static void
dpx_profile_history_class_init (DpxProfileHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_profile_history_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-profile-history.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxProfileHistory, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DpxProfileHistory, list);
  gtk_widget_class_install_action (widget_class, "history.reopen", "s", reopen_action);
}

static void
dpx_profile_history_init (DpxProfileHistory *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
  update (self);
}
