/* dpx-window-actions.c: the window's actions, shortcuts, import and export
 *
 * Part of DpxWindow (see dpx-window-private.h): the window.* actions, the
 * keys bound to them, and exporting and importing the log as JSON Lines,
 * with the file chooser that asks where.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Window"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-connection-dialog.h"
#include "dpx-profiles-panel.h"
#include "dpx-saved-messages.h"
#include "dpx-file-chooser.h"
#include "dpx-window-private.h"

/* Import and export ------------------------------------------------------- */

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DpxWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dpx_log_export_finish (DPX_LOG (source), result, &error))
    dpx_window_show_toast (self, error->message);
  else
    dpx_window_show_toast (self, _("Log exported"));
}

void
dpx_window_export_to_file (DpxWindow *self,
                           GFile     *file)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  dpx_log_export_async (dpx_window_get_log (self), file, NULL, on_exported, g_object_ref (self));
}

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DpxWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dpx_log_import_finish (DPX_LOG (source), result, &error))
    dpx_window_show_toast (self, error->message);
  else
    dpx_window_show_toast (self, _("Log imported"));
}

void
dpx_window_import_from_file (DpxWindow *self,
                             GFile     *file)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  dpx_log_import_async (dpx_window_get_log (self), file, NULL, on_imported, g_object_ref (self));
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DpxWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file = g_object_get_data (G_OBJECT (self), "dpx-opening-file");
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (!dpx_log_import_finish (DPX_LOG (source), result, &error))
    {
      /* The window stays empty; the toast says what is wrong until closed. */
      dpx_window_show_lasting_toast (self, error->message);
      return;
    }
  basename = g_file_get_basename (file);
  name = g_filename_display_name (basename);
  /* Translators: the title of a window showing a saved log; %s is the file name */
  title = g_strdup_printf (_("%s — Duplex"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  dpx_window_show_toast (self, _("Log imported"));
}

/**
 * dpx_window_open_file:
 *
 * Shows the saved log @file in @self (an empty window), titled after the
 * file. A damaged file leaves the window empty and says what is wrong.
 */
void
dpx_window_open_file (DpxWindow *self,
                      GFile     *file)
{
  g_return_if_fail (DPX_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_object_set_data_full (G_OBJECT (self), "dpx-opening-file", g_object_ref (file),
                          g_object_unref);
  dpx_log_import_async (dpx_window_get_log (self), file, NULL, on_opened, g_object_ref (self));
}

static void
on_export_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DpxWindow) self = user_data;
  g_autoptr(GFile) file = dpx_file_chooser_finish (result, NULL);

  if (file)
    dpx_window_export_to_file (self, file);
}

static void
on_import_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DpxWindow) self = user_data;
  g_autoptr(GFile) file = dpx_file_chooser_finish (result, NULL);

  if (file)
    dpx_window_import_from_file (self, file);
}

static void
show_chooser (DpxWindow            *self,
              GtkFileChooserAction  action)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = g_cancellable_new ();
  gtk_file_filter_set_name (filter, _("JSON Lines"));
  gtk_file_filter_add_pattern (filter, "*.jsonl");
  gtk_file_filter_add_pattern (filter, "*.ndjson");
  gtk_file_filter_add_mime_type (filter, "application/jsonl");
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *name = g_date_time_format (now, "duplex-%Y%m%d-%H%M%S.jsonl");

      dpx_file_chooser_save_async (GTK_WIDGET (self), _("Export Log"), _("_Export"), name, filter,
                                   self->chooser, on_export_chosen, g_object_ref (self));
    }
  else
    dpx_file_chooser_open_async (GTK_WIDGET (self), _("Import Log"), _("_Import"), filter,
                                 self->chooser, on_import_chosen, g_object_ref (self));
}

/* The chooser, if one is open, goes with the window. */
void
dpx_window_actions_dispose (DpxWindow *self)
{
  if (self->connection_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->connection_dialog),
                                    (gpointer *) &self->connection_dialog);
      dpx_connection_dialog_close (DPX_CONNECTION_DIALOG (self->connection_dialog));
      self->connection_dialog = NULL;
    }
  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
}

GtkWidget *
dpx_window_show_connection_settings (DpxWindow *self)
{
  GtkWidget *dialog;

  g_return_val_if_fail (DPX_IS_WINDOW (self), NULL);

  /* A second dialog over the same options would only fight the first. */
  if (self->connection_dialog != NULL)
    {
      dpx_connection_dialog_present (DPX_CONNECTION_DIALOG (self->connection_dialog),
                                     GTK_WINDOW (self));
      return self->connection_dialog;
    }

  /* The selected tab's options; a new tab starts from the defaults. */
  dialog = dpx_connection_dialog_new (dpx_connection_page_get_options (self->current),
                                      self->settings);
  self->connection_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->connection_dialog);
  dpx_connection_dialog_present (DPX_CONNECTION_DIALOG (dialog), GTK_WINDOW (self));
  return dialog;
}

/* Actions ----------------------------------------------------------------- */

static void
toggle_connection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  dpx_window_toggle_connection (DPX_WINDOW (widget));
}

static void
presenter_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  dpx_window_open_presenter (DPX_WINDOW (widget));
}

/* Connect Here on the local server's panel: in a tab of its own, so the
 * connection in the selected tab stays as it is. */
static void
connect_to_server_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);
  g_autofree char *url = NULL;
  guint n;

  if (!dpx_relay_get_running (self->relay))
    return;
  url = dpx_relay_dup_url (self->relay);
  /* A tab connected to it already is shown instead. */
  n = adw_tab_view_get_n_pages (self->tab_view);
  for (guint i = 0; i < n; i++)
    {
      AdwTabPage *tab = adw_tab_view_get_nth_page (self->tab_view, i);
      DpxSession *session = dpx_connection_page_get_session (dpx_window_page_of (tab));
      DpxConnectionState state = dpx_session_get_state (session);

      if ((state == DPX_CONNECTION_STATE_OPEN || state == DPX_CONNECTION_STATE_CONNECTING) &&
          g_strcmp0 (dpx_session_get_url (session), url) == 0)
        {
          adw_tab_view_set_selected_page (self->tab_view, tab);
          return;
        }
    }
  /* An unused tab is taken as it is. */
  if (!dpx_connection_page_get_busy (self->current) &&
      dpx_session_get_url (dpx_window_get_session (self)) == NULL)
    dpx_window_open_url (self, url);
  else
    dpx_connection_page_open_url (dpx_window_add_tab (self, NULL), url);
}

/* A fix offered by a toast: the same address in the other scheme. */
static void
connect_to_url_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);
  DpxConnectionState state = dpx_session_get_state (dpx_window_get_session (self));

  if (state == DPX_CONNECTION_STATE_OPEN || state == DPX_CONNECTION_STATE_CONNECTING)
    return;
  dpx_window_open_url (self, g_variant_get_string (param, NULL));
}

static void
focus_url_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  dpx_connection_page_focus_url (DPX_WINDOW (widget)->current);
}

static void
focus_compose_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  dpx_connection_page_focus_compose (DPX_WINDOW (widget)->current);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  dpx_compose_send (dpx_connection_page_get_compose (DPX_WINDOW (widget)->current));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  dpx_log_view_focus_search (dpx_connection_page_get_log_view (DPX_WINDOW (widget)->current));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  DpxLogView *view = dpx_connection_page_get_log_view (DPX_WINDOW (widget)->current);

  gtk_widget_activate_action (GTK_WIDGET (view), "logview.clear", NULL);
}

/* Tabs -------------------------------------------------------------------- */

static void
new_tab_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  DpxConnectionPage *page = dpx_window_add_tab (DPX_WINDOW (widget), NULL);

  dpx_connection_page_focus_url (page);
}

static void
close_tab_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  dpx_window_close_current_tab (DPX_WINDOW (widget));
}

/* The next or previous tab, stopping at the ends as the tab view's own
 * Ctrl+Page Up and Down do (they take the keys while the focus is in a
 * tab, before a text view's own use of them; these are for the rest of
 * the window). */
static void
switch_tab_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);

  if (g_str_equal (action_name, "window.next-tab"))
    adw_tab_view_select_next_page (self->tab_view);
  else
    adw_tab_view_select_previous_page (self->tab_view);
}

/* Clearing the log -------------------------------------------------------- */

static void
forget_cleared (DpxWindow *self)
{
  g_clear_pointer (&self->cleared, g_ptr_array_unref);
  self->cleared_dropped = 0;
  self->undo_toast = NULL;
  g_clear_weak_pointer (&self->cleared_page);
}

static void
on_undo_toast_dismissed (AdwToast  *toast,
                         DpxWindow *self)
{
  /* The messages are kept only as long as the offer to bring them back. */
  if (self->undo_toast == toast)
    forget_cleared (self);
}

/* Clear is at hand (Ctrl+K) and takes everything: it is offered back, as
 * GNOME apps offer back what was deleted. */
static void
on_log_cleared (DpxLogView *view,
                GPtrArray  *entries,
                guint64     dropped,
                DpxWindow  *self)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (self->undo_toast)
    adw_toast_dismiss (self->undo_toast);
  forget_cleared (self);
  if (entries->len == 0)
    return;
  self->cleared = g_ptr_array_ref (entries);
  self->cleared_dropped = dropped;
  g_set_weak_pointer (&self->cleared_page,
                      DPX_CONNECTION_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (view),
                                                                    DPX_TYPE_CONNECTION_PAGE)));
  text = g_strdup_printf (ngettext ("Log cleared: %u message", "Log cleared: %u messages",
                                    entries->len), entries->len);
  toast = dpx_window_show_toast_with_action (self, text, _("_Undo"), "window.undo-clear", NULL);
  self->undo_toast = toast;
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), self, 0);
}

/* Send Again from the log: the message as it was, on this connection. */
static void
on_log_send_again (DpxLogView  *log_view,
                   DpxLogEntry *entry,
                   DpxWindow   *self)
{
  g_autoptr(GError) error = NULL;

  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (log_view), DPX_TYPE_CONNECTION_PAGE);

  /* On the connection of the tab the row is in. */
  if (!dpx_session_send_again (dpx_connection_page_get_session (DPX_CONNECTION_PAGE (page)), entry, &error))
    dpx_window_show_toast (self, error->message);
}

/* Edit and Send: the message goes into the compose box. */
static void
on_log_edit (DpxLogView  *log_view,
             DpxLogEntry *entry,
             DpxWindow   *self)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (log_view), DPX_TYPE_CONNECTION_PAGE);

  dpx_compose_edit_payload (dpx_connection_page_get_compose (DPX_CONNECTION_PAGE (page)),
                            dpx_log_entry_get_kind (entry), dpx_log_entry_get_payload (entry));
}

/* Save to the profile's messages: into the saved messages of the profile
 * selected in the row's tab. */
static void
on_log_save_message (DpxLogView  *log_view,
                     DpxLogEntry *entry,
                     DpxWindow   *self)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (log_view), DPX_TYPE_CONNECTION_PAGE);
  DpxProfilesPanel *panel = dpx_connection_page_get_profiles_panel (DPX_CONNECTION_PAGE (page));
  g_autoptr(GError) error = NULL;

  if (!dpx_saved_messages_save_entry (dpx_profiles_panel_get_saved_messages (panel), entry, &error))
    dpx_window_show_toast (self, error->message);
  else
    dpx_window_show_toast (self, _("Saved to the profile’s messages"));
}

/* The log view's signals, connected in one place. */
void
dpx_window_watch_clear (DpxWindow         *self,
                        DpxConnectionPage *page)
{
  DpxLogView *log_view = dpx_connection_page_get_log_view (page);

  g_signal_connect_object (log_view, "cleared", G_CALLBACK (on_log_cleared), self, 0);
  g_signal_connect_object (log_view, "send-again", G_CALLBACK (on_log_send_again), self, 0);
  g_signal_connect_object (log_view, "edit", G_CALLBACK (on_log_edit), self, 0);
  g_signal_connect_object (log_view, "save-message", G_CALLBACK (on_log_save_message), self, 0);
}

static void
ping_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  dpx_compose_popup_ping (dpx_connection_page_get_compose (DPX_WINDOW (widget)->current));
}

static void
undo_clear_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DpxWindow *self = DPX_WINDOW (widget);

  DpxConnectionPage *page = self->cleared_page;

  /* Into the tab it was cleared from, if that is still open. */
  if (self->cleared == NULL || page == NULL)
    return;
  dpx_log_put_back (dpx_connection_page_get_log (page), self->cleared, self->cleared_dropped);
  forget_cleared (self);
  dpx_log_view_sync (dpx_connection_page_get_log_view (page));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  show_chooser (DPX_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SAVE);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  show_chooser (DPX_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
connection_settings_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  dpx_window_show_connection_settings (DPX_WINDOW (widget));
}

/* Installs the window.* actions and the keys that trigger them, as listed
 * in the shortcuts window and the README. The keys are class shortcuts in
 * the bubble phase: no widget of the window takes these keys for itself,
 * and the compose box's text view, which would take Ctrl+Enter as a
 * newline, binds it to its own send action first. */
void
dpx_window_class_add_actions (GtkWidgetClass *widget_class)
{
  static const struct {
    guint       key;  /* with Control */
    const char *action;
  } bindings[] = {
    { GDK_KEY_l, "window.focus-url" },
    { GDK_KEY_f, "window.search" },
    { GDK_KEY_k, "window.clear" },
    { GDK_KEY_s, "window.export" },
    { GDK_KEY_o, "window.import" },
    { GDK_KEY_Return, "window.send" },
    { GDK_KEY_KP_Enter, "window.send" },
    { GDK_KEY_comma, "window.connection-settings" },
    { GDK_KEY_t, "window.new-tab" },
    { GDK_KEY_w, "window.close-tab" },
    { GDK_KEY_Page_Down, "window.next-tab" },
    { GDK_KEY_KP_Page_Down, "window.next-tab" },
    { GDK_KEY_Page_Up, "window.previous-tab" },
    { GDK_KEY_KP_Page_Up, "window.previous-tab" },
    { GDK_KEY_m, "window.focus-compose" },
  };

  gtk_widget_class_install_action (widget_class, "window.toggle-connection", NULL,
                                   toggle_connection_action);
  gtk_widget_class_install_action (widget_class, "window.connect-to-server", NULL,
                                   connect_to_server_action);
  gtk_widget_class_install_action (widget_class, "window.connect-to-url", "s",
                                   connect_to_url_action);
  gtk_widget_class_install_action (widget_class, "window.undo-clear", NULL, undo_clear_action);
  gtk_widget_class_install_action (widget_class, "window.presenter", NULL, presenter_action);
  gtk_widget_class_install_action (widget_class, "window.focus-url", NULL, focus_url_action);
  gtk_widget_class_install_action (widget_class, "window.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "window.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "window.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "window.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "window.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "window.connection-settings", NULL,
                                   connection_settings_action);
  gtk_widget_class_install_action (widget_class, "window.new-tab", NULL, new_tab_action);
  gtk_widget_class_install_action (widget_class, "window.close-tab", NULL, close_tab_action);
  gtk_widget_class_install_action (widget_class, "window.next-tab", NULL, switch_tab_action);
  gtk_widget_class_install_action (widget_class, "window.previous-tab", NULL, switch_tab_action);
  gtk_widget_class_install_action (widget_class, "window.focus-compose", NULL,
                                   focus_compose_action);
  gtk_widget_class_install_action (widget_class, "window.ping", NULL, ping_action);
  gtk_widget_class_install_property_action (widget_class, "window.show-secrets", "show-secrets");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "window.ping", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    gtk_widget_class_add_binding_action (widget_class, bindings[i].key, GDK_CONTROL_MASK,
                                         bindings[i].action, NULL);
}
