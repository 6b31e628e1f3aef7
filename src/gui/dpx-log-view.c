/* dpx-log-view.c: the message list, its filters and the detail pane
 *
 * The list view shows the core's DpxLog through a DpxPacedModel (the log's
 * changes, passed on at most every UPDATE_INTERVAL_MS) and a
 * GtkFilterListModel. With no filter set the filter model is a pass-through
 * (no filter object at all), so a flood costs the view one removal at the
 * front and one addition at the end per update. Pausing freezes the paced
 * model; the log itself keeps capturing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-LogView"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-format.h"
#include "dpx-log-row.h"
#include "dpx-log-view.h"
#include "dpx-paced-model.h"
#include "dpx-probe.h"

/* Past these, the detail pane shows a prefix: a text view with megabytes of
 * text is slow to lay out. */
#define DETAIL_MAX_TEXT  (512 * 1024)
#define DETAIL_MAX_HEX   (64 * 1024)
#define DETAIL_MAX_JSON  (2 * 1024 * 1024)
#define SEARCH_MAX_BYTES (64 * 1024)

/* The list view is told about new messages at most this often: each update
 * rebinds the couple of hundred rows GTK 4.8 keeps around the end. */
#define UPDATE_INTERVAL_MS 100
#define DROPPED_INTERVAL_MS 1000

struct _DpxLogView
{
  GtkWidget            parent_instance;

  /* template widgets */
  GtkToggleButton     *sent_toggle;
  GtkToggleButton     *received_toggle;
  GtkToggleButton     *events_toggle;
  GtkDropDown         *kind_dropdown;
  GtkSearchEntry      *search_entry;
  GtkLabel            *rate_label;
  GtkToggleButton     *pause_button;
  GtkRevealer         *dropped_revealer;
  GtkLabel            *dropped_label;
  GtkButton           *dropped_close;
  GtkStack            *list_stack;
  GtkScrolledWindow   *scroller;
  GtkListView         *list_view;
  GtkLabel            *detail_title;
  GtkLabel            *detail_subtitle;
  GtkStack            *detail_stack;
  GtkTextView         *detail_text;

  /* owned */
  DpxLog              *log;
  GtkFilterListModel  *filter_model;
  GtkSingleSelection  *selection;
  GtkCustomFilter     *filter;
  DpxLogRowStyle      *row_style;
  DpxPacedModel       *paced;       /* the log, at the pace of the view */
  char                *search;      /* ASCII-folded, or NULL */
  GtkFileChooserNative *chooser;
  GdkFrameClock       *frame_clock;

  guint                dropped_source;
  gint64               dropped_updated;
  int                  kind;        /* a DpxEntryKind, or -1 for all */
  guint64              dropped_seen;
  gboolean             show[3];     /* by DpxDirection */
  gboolean             sticky;
  gboolean             scroll_pending;  /* follow the end after the next layout */
  gboolean             paused;
};

G_DEFINE_FINAL_TYPE (DpxLogView, dpx_log_view, GTK_TYPE_WIDGET)

/* Filtering --------------------------------------------------------------- */

static gboolean
contains_folded (const guint8 *data,
                 gsize         size,
                 const char   *needle)
{
  gsize n = strlen (needle);

  if (n == 0)
    return TRUE;
  if (size < n)
    return FALSE;
  for (gsize i = 0; i + n <= size; i++)
    {
      gsize j = 0;

      while (j < n && g_ascii_tolower (data[i + j]) == needle[j])
        j++;
      if (j == n)
        return TRUE;
    }
  return FALSE;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  DpxLogView *self = user_data;
  DpxLogEntry *entry = item;
  DpxDirection direction = dpx_log_entry_get_direction (entry);
  GBytes *payload;
  gsize size;
  const guint8 *data;

  if (!self->show[direction])
    return FALSE;
  if (self->kind >= 0 && (int) dpx_log_entry_get_kind (entry) != self->kind)
    return FALSE;
  if (self->search == NULL)
    return TRUE;

  payload = dpx_log_entry_get_payload (entry);
  data = g_bytes_get_data (payload, &size);
  if (contains_folded (data, MIN (size, SEARCH_MAX_BYTES), self->search))
    return TRUE;
  if (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_BINARY)
    {
      g_autofree char *hex = dpx_format_hex (data, MIN (size, SEARCH_MAX_BYTES / 2));

      return contains_folded ((const guint8 *) hex, strlen (hex), self->search);
    }
  return FALSE;
}

static gboolean
filter_is_empty (DpxLogView *self)
{
  return self->show[0] && self->show[1] && self->show[2] && self->kind < 0 && self->search == NULL;
}

static void update_stack (DpxLogView *self);

static void
refilter (DpxLogView *self)
{
  if (filter_is_empty (self))
    gtk_filter_list_model_set_filter (self->filter_model, NULL);
  else if (gtk_filter_list_model_get_filter (self->filter_model) == NULL)
    gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  else
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_stack (self);
}

static void
on_direction_toggled (GtkToggleButton *button,
                      DpxLogView      *self)
{
  self->show[DPX_DIRECTION_SENT] = gtk_toggle_button_get_active (self->sent_toggle);
  self->show[DPX_DIRECTION_RECEIVED] = gtk_toggle_button_get_active (self->received_toggle);
  self->show[DPX_DIRECTION_EVENT] = gtk_toggle_button_get_active (self->events_toggle);
  refilter (self);
}

static void
on_kind_selected (GtkDropDown *dropdown,
                  GParamSpec  *pspec,
                  DpxLogView  *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  /* Row 0 is "all kinds"; the others follow DpxEntryKind. */
  self->kind = (selected == 0 || selected == GTK_INVALID_LIST_POSITION) ? -1 : (int) selected - 1;
  refilter (self);
}

static void
on_search_changed (GtkSearchEntry *entry,
                   DpxLogView     *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->search, g_free);
  if (text && *text)
    self->search = g_ascii_strdown (text, -1);
  refilter (self);
}

/* Following the end ------------------------------------------------------- */

static gboolean
at_bottom (DpxLogView *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  double value = gtk_adjustment_get_value (adj);
  double page = gtk_adjustment_get_page_size (adj);
  double upper = gtk_adjustment_get_upper (adj);

  return value + page >= upper - 48.0;
}

static void
on_frame_layout (GdkFrameClock *clock,
                 DpxLogView    *self)
{
  guint n;

  if (!self->scroll_pending ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->list_view)) ||
      gtk_widget_get_height (GTK_WIDGET (self->list_view)) == 0)
    return;

  self->scroll_pending = FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  dpx_probe_phase_begin (DPX_PROBE_PHASE_SCROLL);
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", n - 1);
  dpx_probe_phase_end (DPX_PROBE_PHASE_SCROLL);
}

static void
dpx_log_view_realize (GtkWidget *widget)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);

  GTK_WIDGET_CLASS (dpx_log_view_parent_class)->realize (widget);
  /* After GTK's own layout handler, whenever that was connected. */
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  g_signal_connect_after (self->frame_clock, "layout", G_CALLBACK (on_frame_layout), self);
}

static void
dpx_log_view_unrealize (GtkWidget *widget)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);

  if (self->frame_clock)
    g_signal_handlers_disconnect_by_func (self->frame_clock, on_frame_layout, self);
  g_clear_object (&self->frame_clock);
  GTK_WIDGET_CLASS (dpx_log_view_parent_class)->unrealize (widget);
}

static void
on_value_changed (GtkAdjustment *adj,
                  DpxLogView    *self)
{

  /* Scrolling up stops following; coming back to the end resumes it. Our
   * own scroll to the end is pending while scroll_pending is set. */
  if (!self->scroll_pending)
    self->sticky = at_bottom (self);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  DpxLogView *self)
{
  update_stack (self);

  if (added > 0 && self->sticky)
    self->scroll_pending = TRUE;
}

gboolean
dpx_log_view_get_sticky (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), FALSE);
  return self->sticky;
}

/* States ------------------------------------------------------------------ */

static void
update_stack (DpxLogView *self)
{
  const char *page;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0)
    page = "list";
  else if (self->log == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->log)) == 0)
    page = "empty";
  else
    page = "no-match";
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->list_stack), page) != 0)
    gtk_stack_set_visible_child_name (self->list_stack, page);
}

static void
update_dropped (DpxLogView *self)
{
  guint64 dropped = self->log ? dpx_log_get_dropped (self->log) : 0;
  g_autofree char *text = NULL;

  self->dropped_updated = g_get_monotonic_time ();
  if (dropped == 0)
    {
      self->dropped_seen = 0;
      gtk_revealer_set_reveal_child (self->dropped_revealer, FALSE);
      return;
    }

  text = g_strdup_printf (ngettext ("%llu older message was dropped to keep the log "
                                    "within %u messages. Export the log regularly to keep everything, "
                                    "or raise the limit in Preferences.",
                                    "%llu older messages were dropped to keep the log "
                                    "within %u messages. Export the log regularly to keep everything, "
                                    "or raise the limit in Preferences.",
                                    dropped),
                          (unsigned long long) dropped, dpx_log_get_max_entries (self->log));
  gtk_label_set_text (self->dropped_label, text);

  /* Shown again only when the user has not hidden it. */
  if (self->dropped_seen == 0)
    gtk_revealer_set_reveal_child (self->dropped_revealer, TRUE);
}

static gboolean
update_dropped_cb (gpointer data)
{
  DpxLogView *self = data;

  self->dropped_source = 0;
  update_dropped (self);
  return G_SOURCE_REMOVE;
}

/* During a flood the count changes at every flush of the log; the notice
 * is a wrapped label, costly to lay out, so it follows at most once per
 * DROPPED_INTERVAL_MS. */
static void
on_dropped (DpxLog     *log,
            GParamSpec *pspec,
            DpxLogView *self)
{
  gint64 due = self->dropped_updated + DROPPED_INTERVAL_MS * (gint64) 1000;
  gint64 now = g_get_monotonic_time ();

  if (dpx_log_get_dropped (log) == 0 || now >= due)
    {
      g_clear_handle_id (&self->dropped_source, g_source_remove);
      update_dropped (self);
    }
  else if (self->dropped_source == 0)
    {
      self->dropped_source = g_timeout_add ((due - now + 999) / 1000, update_dropped_cb, self);
      g_source_set_name_by_id (self->dropped_source, "[duplex] dropped notice");
    }
}

static void
on_dropped_close (GtkButton  *button,
                  DpxLogView *self)
{
  self->dropped_seen = self->log ? dpx_log_get_dropped (self->log) : 0;
  gtk_revealer_set_reveal_child (self->dropped_revealer, FALSE);
}

void
dpx_log_view_set_rates (DpxLogView *self,
                        double      in_per_second,
                        double      out_per_second)
{
  g_autofree char *text = NULL;

  g_return_if_fail (DPX_IS_LOG_VIEW (self));

  /* Translators: messages per second, received (down arrow) and sent (up arrow) */
  text = g_strdup_printf (_("↓ %.0f/s  ↑ %.0f/s"), in_per_second, out_per_second);
  gtk_label_set_text (self->rate_label, text);
}

/* Detail pane ------------------------------------------------------------- */

static void
show_entry (DpxLogView  *self,
            DpxLogEntry *entry)
{
  g_autofree char *text = NULL;
  g_autofree char *time = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *size = NULL;
  gboolean is_json = FALSE;
  DpxEntryKind kind;
  gboolean has_payload;

  if (entry == NULL)
    {
      gtk_label_set_text (self->detail_title, _("Details"));
      gtk_label_set_text (self->detail_subtitle, "");
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->detail_text), "", 0);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "logview.copy", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "logview.save-payload", FALSE);
      return;
    }

  kind = dpx_log_entry_get_kind (entry);
  has_payload = kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY;
  text = dpx_format_entry_detail (entry, &is_json);
  time = dpx_format_time (dpx_log_entry_get_time (entry));
  size = dpx_format_size (dpx_log_entry_get_size (entry));

  switch (dpx_log_entry_get_direction (entry))
    {
    case DPX_DIRECTION_SENT:
      title = g_strdup (is_json ? _("Sent JSON") : kind == DPX_ENTRY_KIND_BINARY
                               ? _("Sent binary") : _("Sent text"));
      break;
    case DPX_DIRECTION_RECEIVED:
      title = g_strdup (is_json ? _("Received JSON") : kind == DPX_ENTRY_KIND_BINARY
                               ? _("Received binary") : _("Received text"));
      break;
    case DPX_DIRECTION_EVENT:
    default:
      title = g_strdup_printf (_("Event: %s"), dpx_entry_kind_label (kind));
      break;
    }
  if (has_payload)
    subtitle = g_strdup_printf ("%s · %s", time, size);
  else
    subtitle = g_strdup_printf ("%s · %s", time, dpx_log_entry_get_connection (entry));

  gtk_label_set_text (self->detail_title, title);
  gtk_label_set_text (self->detail_subtitle, subtitle);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->detail_text), text, -1);
  gtk_stack_set_visible_child_name (self->detail_stack, "text");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logview.copy", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logview.save-payload", TRUE);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      DpxLogView         *self)
{
  show_entry (self, gtk_single_selection_get_selected_item (selection));
}

DpxLogEntry *
dpx_log_view_get_selected (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

void
dpx_log_view_select (DpxLogView *self,
                     guint       position)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  gtk_single_selection_set_selected (self->selection, position);
}

char *
dpx_log_view_dup_detail_text (DpxLogView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (self->detail_text);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Actions ----------------------------------------------------------------- */

void
dpx_log_view_copy_selected (DpxLogView *self)
{
  DpxLogEntry *entry;
  GBytes *payload;
  gsize size;
  const guint8 *data;
  GdkClipboard *clipboard;

  g_return_if_fail (DPX_IS_LOG_VIEW (self));

  if (!(entry = dpx_log_view_get_selected (self)))
    return;

  payload = dpx_log_entry_get_payload (entry);
  data = g_bytes_get_data (payload, &size);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  if (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_BINARY)
    {
      g_autofree char *hex = dpx_format_hex (data, size);

      gdk_clipboard_set_text (clipboard, hex);
    }
  else
    {
      g_autofree char *text = g_utf8_make_valid ((const char *) data, size);

      gdk_clipboard_set_text (clipboard, text);
    }
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  dpx_log_view_copy_selected (DPX_LOG_VIEW (widget));
}

static void
toast (DpxLogView *self,
       const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (overlay)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
}

static void
on_payload_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DpxLogView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);

      toast (self, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Saved the payload as “%s”"), name);

      toast (self, text);
    }
}

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  DpxLogView      *self)
{
  g_autoptr(GFile) file = NULL;
  DpxLogEntry *entry = dpx_log_view_get_selected (self);

  if (response == GTK_RESPONSE_ACCEPT && entry &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))))
    g_file_replace_contents_bytes_async (file, dpx_log_entry_get_payload (entry), NULL, FALSE,
                                         G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                         on_payload_saved, g_object_ref (self));
  g_clear_object (&self->chooser);
}

static void
save_payload_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);
  DpxLogEntry *entry = dpx_log_view_get_selected (self);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (entry == NULL)
    return;

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Save Payload"), GTK_WINDOW (root),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_BINARY
                                     ? "message.bin" : "message.txt");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);

  if (self->log)
    dpx_log_clear (self->log);
  /* Cleared at once, paused or not. */
  if (self->paced)
    dpx_paced_model_publish (self->paced);
  self->sticky = TRUE;
}

gboolean
dpx_log_view_get_paused (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), FALSE);
  return self->paused;
}

/* Paused, the view keeps showing what it showed; the log goes on. */
void
dpx_log_view_set_paused (DpxLogView *self,
                         gboolean    paused)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));

  paused = !!paused;
  if (paused == self->paused)
    return;
  self->paused = paused;

  if (paused && self->log)
    {
      /* What has arrived so far is still shown. */
      dpx_log_flush (self->log);
      dpx_paced_model_publish (self->paced);
    }
  if (self->paced)
    dpx_paced_model_set_frozen (self->paced, paused);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? _("Resume the view: messages are still being captured")
                                      : _("Pause the view (capture goes on)"));

  if (gtk_toggle_button_get_active (self->pause_button) != paused)
    gtk_toggle_button_set_active (self->pause_button, paused);
}

/**
 * dpx_log_view_sync:
 *
 * Shows what the log holds now, without waiting for the log's next flush
 * or the view's next update. Does nothing while paused.
 */
void
dpx_log_view_sync (DpxLogView *self)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));

  if (self->log == NULL)
    return;
  dpx_log_flush (self->log);
  if (!self->paused)
    dpx_paced_model_publish (self->paced);
}

static void
on_pause_toggled (GtkToggleButton *button,
                  DpxLogView      *self)
{
  dpx_log_view_set_paused (self, gtk_toggle_button_get_active (button));
}

/* Public ------------------------------------------------------------------ */

DpxLog *
dpx_log_view_get_log (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), NULL);
  return self->log;
}

void
dpx_log_view_set_log (DpxLogView *self,
                      DpxLog     *log)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  g_return_if_fail (DPX_IS_LOG (log));

  if (self->log)
    g_signal_handlers_disconnect_by_data (self->log, self);
  dpx_log_view_set_paused (self, FALSE);
  g_set_object (&self->log, log);
  g_clear_object (&self->paced);
  self->paced = dpx_paced_model_new (G_LIST_MODEL (log), UPDATE_INTERVAL_MS);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->paced));
  g_signal_connect_object (log, "notify::dropped", G_CALLBACK (on_dropped), self, 0);
  on_dropped (log, NULL, self);
  update_stack (self);
}

/* The rows on screen: the log, filtered. */
GListModel *
dpx_log_view_get_model (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

void
dpx_log_view_set_show_direction (DpxLogView   *self,
                                 DpxDirection  direction,
                                 gboolean      show)
{
  GtkToggleButton *buttons[] = { self->sent_toggle, self->received_toggle, self->events_toggle };

  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  g_return_if_fail (direction <= DPX_DIRECTION_EVENT);

  gtk_toggle_button_set_active (buttons[direction], show);
}

void
dpx_log_view_set_kind_filter (DpxLogView *self,
                              int         kind)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  gtk_drop_down_set_selected (self->kind_dropdown, kind < 0 ? 0 : (guint) kind + 1);
}

void
dpx_log_view_set_search_text (DpxLogView *self,
                              const char *text)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* The entry waits before it signals; the caller wants it now. */
  on_search_changed (self->search_entry, self);
}

void
dpx_log_view_focus_search (DpxLogView *self)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Rows -------------------------------------------------------------------- */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           DpxLogView               *self)
{
  gtk_list_item_set_child (item, dpx_log_row_new (self->row_style));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  dpx_log_row_set_entry (DPX_LOG_ROW (gtk_list_item_get_child (item)),
                         gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  dpx_log_row_set_entry (DPX_LOG_ROW (gtk_list_item_get_child (item)), NULL);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_log_view_dispose (GObject *object)
{
  DpxLogView *self = DPX_LOG_VIEW (object);

  g_clear_handle_id (&self->dropped_source, g_source_remove);
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_LOG_VIEW);
  /* Children not bound to a field are left by the template: unparent them. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  if (self->log)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->paced);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (dpx_log_view_parent_class)->dispose (object);
}

static void
dpx_log_view_finalize (GObject *object)
{
  DpxLogView *self = DPX_LOG_VIEW (object);

  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->row_style, dpx_log_row_style_unref);

  G_OBJECT_CLASS (dpx_log_view_parent_class)->finalize (object);
}

/* The rows draw themselves with fonts and colours from the theme: a new
 * theme, dark style or font reaches them here. */
static void
dpx_log_view_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);

  GTK_WIDGET_CLASS (dpx_log_view_parent_class)->css_changed (widget, change);
  dpx_log_row_style_invalidate (self->row_style);
  gtk_widget_queue_resize (GTK_WIDGET (self->list_view));
}

static void
dpx_log_view_class_init (DpxLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_log_view_dispose;
  object_class->finalize = dpx_log_view_finalize;
  widget_class->css_changed = dpx_log_view_css_changed;
  widget_class->realize = dpx_log_view_realize;
  widget_class->unrealize = dpx_log_view_unrealize;

  g_type_ensure (ADW_TYPE_STATUS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/duplexws/Duplex/dpx-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, sent_toggle);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, received_toggle);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, events_toggle);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, rate_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, dropped_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, dropped_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, dropped_close);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, scroller);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, list_view);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, detail_title);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, detail_subtitle);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, detail_text);

  gtk_widget_class_install_action (widget_class, "logview.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "logview.save-payload", NULL, save_payload_action);
  gtk_widget_class_install_action (widget_class, "logview.clear", NULL, clear_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "logview");
}

static void
dpx_log_view_init (DpxLogView *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->show[0] = self->show[1] = self->show[2] = TRUE;
  self->kind = -1;
  self->sticky = TRUE;

  self->row_style = dpx_log_row_style_new ();
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect (self->selection, "items-changed", G_CALLBACK (on_items_changed), self);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                    G_CALLBACK (on_value_changed), self);

  g_signal_connect (self->sent_toggle, "toggled", G_CALLBACK (on_direction_toggled), self);
  g_signal_connect (self->received_toggle, "toggled", G_CALLBACK (on_direction_toggled), self);
  g_signal_connect (self->events_toggle, "toggled", G_CALLBACK (on_direction_toggled), self);
  g_signal_connect (self->kind_dropdown, "notify::selected", G_CALLBACK (on_kind_selected), self);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->pause_button, "toggled", G_CALLBACK (on_pause_toggled), self);
  g_signal_connect (self->dropped_close, "clicked", G_CALLBACK (on_dropped_close), self);

  dpx_log_view_set_rates (self, 0, 0);
  show_entry (self, NULL);
  update_stack (self);
}
