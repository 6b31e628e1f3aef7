/* dpx-detail-pane.c: all of one message, beside the list
 *
 * Shows the entry it is given in the core's words (pretty JSON, hex dump,
 * event text), with a title, the time and the size. Its actions copy the
 * payload (binary as hex), save it to a file and show all of a long one.
 *
 * A small payload is formatted at once. A large one is formatted in a
 * thread (cancelled when the selection changes), cut at
 * DPX_DETAIL_PANE_SHOWN bytes with a bar saying how much more there is, and
 * put in the text buffer a slice per main-loop turn: GtkTextView in 4.8
 * takes long to take in and lay out megabytes at once. Show All puts the
 * whole of it in a list view instead (DpxTextLines), which makes rows only
 * for what is on screen.
 *
 * The text is in a GtkSourceView: line numbers, JSON highlighted up to
 * DPX_DETAIL_PANE_HIGHLIGHT_MAX bytes, and a search bar (Ctrl+F) over what
 * the buffer holds (Show All's rows are not searched).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-DetailPane"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dpx-file-chooser.h"
#include "dpx-detail-pane.h"
#include "dpx-editor-search.h"
#include "dpx-format.h"
#include "dpx-text-lines.h"

/* Payloads up to this size are formatted at once, on the main thread. */
#define DPX_DETAIL_PANE_SYNC_MAX (32 * 1024)
/* How much of a formatted payload is shown until "Show all". */
#define DPX_DETAIL_PANE_SHOWN (256 * 1024)
/* How much text goes into the buffer at a time, and for how long per
 * main-loop turn. */
#define DPX_DETAIL_PANE_SLICE (4 * 1024)
#define DPX_DETAIL_PANE_SLICE_US 4000
/* Longer lines are shown in pieces: the text view lays out a line at a
 * time, and a line of 256 KiB took it most of a second. */
#define DPX_DETAIL_PANE_LINE (2 * 1024)
/* Show All's rows: at most this many bytes, the width of a hex dump row:
 * a row is one line of text, cheap to measure (a wrapping label in a list
 * row costs milliseconds to measure, and a list lays out ~200 rows). */
#define DPX_DETAIL_PANE_ROW 80
/* JSON is highlighted up to this much formatted text: all that the buffer
 * takes (docs/PERFORMANCE-GUI.md has the measure). */
#define DPX_DETAIL_PANE_HIGHLIGHT_MAX DPX_DETAIL_PANE_SHOWN

struct _DpxDetailPane
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkStack             *stack;
  GtkTextView          *text_view;     /* a GtkSourceView */
  DpxEditorSearch      *search;
  GtkListView          *lines_view;
  GtkWidget            *cut_bar;
  GtkLabel             *cut_label;
  GtkWidget            *show_all_button;

  /* owned */
  DpxLogEntry          *entry;
  GCancellable         *chooser;       /* the open file chooser's */
  GCancellable         *cancellable;
  char                 *pending;       /* text still to go into the buffer */
  gsize                 pending_at;
  guint                 insert_source;
  guint64               not_shown;
  gboolean              showing_all;
  gboolean              pending_json;  /* highlight once the pending text is in */
};

G_DEFINE_FINAL_TYPE (DpxDetailPane, dpx_detail_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ENTRY,
  PROP_TEXT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
dup_title (DpxLogEntry *entry,
           gboolean     is_json)
{
  DpxEntryKind kind = dpx_log_entry_get_kind (entry);
  gboolean sent = dpx_log_entry_get_direction (entry) == DPX_DIRECTION_SENT;

  if (kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG)
    {
      g_autofree char *facts = dpx_format_control_facts (entry);
      const char *title;

      if (kind == DPX_ENTRY_KIND_PING)
        title = sent ? _("Sent ping") : _("Received ping");
      else
        title = sent ? _("Sent pong") : _("Received pong");
      if (facts == NULL)
        return g_strdup (title);
      /* Translators: “Received pong · keepalive · 3.2 ms” */
      return g_strdup_printf (_("%s · %s"), title, facts);
    }

  switch (dpx_log_entry_get_direction (entry))
    {
    case DPX_DIRECTION_SENT:
      return g_strdup (is_json ? _("Sent JSON") : kind == DPX_ENTRY_KIND_BINARY
                               ? _("Sent binary") : _("Sent text"));
    case DPX_DIRECTION_RECEIVED:
      return g_strdup (is_json ? _("Received JSON") : kind == DPX_ENTRY_KIND_BINARY
                               ? _("Received binary") : _("Received text"));
    case DPX_DIRECTION_EVENT:
    default:
      return g_strdup_printf (_("Event: %s"), dpx_entry_kind_label (kind));
    }
}

static gboolean
is_busy (DpxDetailPane *self)
{
  return self->cancellable != NULL || self->insert_source != 0;
}

/* Stops formatting and inserting what was asked for before. */
static void
stop_loading (DpxDetailPane *self)
{
  gboolean was_busy = is_busy (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->insert_source, g_source_remove);
  g_clear_pointer (&self->pending, g_free);
  self->pending_at = 0;
  self->pending_json = FALSE;
  if (was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
update_cut_bar (DpxDetailPane *self)
{
  if (self->cancellable != NULL)
    {
      gtk_label_set_text (self->cut_label, _("Formatting the message…"));
      gtk_widget_set_visible (self->show_all_button, FALSE);
      gtk_widget_set_visible (self->cut_bar, TRUE);
    }
  else if (self->not_shown > 0)
    {
      g_autofree char *size = dpx_format_size (self->not_shown);
      g_autofree char *text = NULL;

      if (self->showing_all)
        /* Translators: %s is a size, like “15 MiB” */
        text = g_strdup_printf (_("%s more of the payload is not shown: save it to see all of it"),
                                size);
      else if (self->entry && dpx_format_entry_is_hex (self->entry))
        /* Translators: %s is a size, like “15.8 MiB” */
        text = g_strdup_printf (_("%s more of the payload is not shown"), size);
      else
        /* Translators: %s is a size, like “4.2 MiB” */
        text = g_strdup_printf (_("%s more text is not shown"), size);
      gtk_label_set_text (self->cut_label, text);
      gtk_widget_set_visible (self->show_all_button, !self->showing_all);
      gtk_widget_set_visible (self->cut_bar, TRUE);
    }
  else
    gtk_widget_set_visible (self->cut_bar, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.show-all",
                                 self->cancellable == NULL && self->not_shown > 0 &&
                                 !self->showing_all);
}

static void set_json (DpxDetailPane *self,
                      gboolean       is_json,
                      gsize          length);

/* Slices of the pending text into the buffer, for a few milliseconds per
 * main-loop turn. */
static gboolean
insert_slice (gpointer user_data)
{
  DpxDetailPane *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  gint64 deadline = g_get_monotonic_time () + DPX_DETAIL_PANE_SLICE_US;
  const char *end;

  do
    {
      const char *start = self->pending + self->pending_at;
      gsize left = strlen (start);
      GtkTextIter iter;

      end = start + MIN (left, DPX_DETAIL_PANE_SLICE);
      /* Never split a character. */
      while (*end != '\0' && (*end & 0xc0) == 0x80)
        end++;
      gtk_text_buffer_get_end_iter (buffer, &iter);
      gtk_text_buffer_insert (buffer, &iter, start, end - start);
      self->pending_at += end - start;
    }
  while (*end != '\0' && g_get_monotonic_time () < deadline);
  if (*end != '\0')
    return G_SOURCE_CONTINUE;

  self->insert_source = 0;
  g_clear_pointer (&self->pending, g_free);
  self->pending_at = 0;
  if (self->pending_json)
    set_json (self, TRUE, gtk_text_buffer_get_char_count (buffer));
  self->pending_json = FALSE;
  update_cut_bar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return G_SOURCE_REMOVE;
}

static void
set_title (DpxDetailPane *self,
           gboolean       is_json)
{
  g_autofree char *title = dup_title (self->entry, is_json);

  gtk_label_set_text (self->title_label, title);
}

/* Set before the text goes in: the buffer highlights as it takes it. */
static void
set_json (DpxDetailPane *self,
          gboolean       is_json,
          gsize          length)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (self->text_view));
  GtkSourceLanguage *json = NULL;

  if (is_json && length <= DPX_DETAIL_PANE_HIGHLIGHT_MAX)
    json = dpx_editor_get_json_language ();
  if (gtk_source_buffer_get_language (buffer) != json)
    gtk_source_buffer_set_language (buffer, json);
}

/* Puts @text in the buffer, at once when it is short, else a slice at a
 * time. Takes @text. */
static void
set_text (DpxDetailPane *self,
          char          *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  gtk_text_buffer_set_text (buffer, "", 0);
  if (strlen (text) <= DPX_DETAIL_PANE_SLICE)
    {
      gtk_text_buffer_set_text (buffer, text, -1);
      g_free (text);
      update_cut_bar (self);
      return;
    }
  self->pending = text;
  self->pending_at = 0;
  self->insert_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, insert_slice, self, NULL);
  update_cut_bar (self);
}

typedef struct {
  char    *text;
  gboolean is_json;
  guint64  not_shown;
} Formatted;

static void
formatted_free (gpointer data)
{
  Formatted *formatted = data;

  g_free (formatted->text);
  g_free (formatted);
}

static void
format_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DpxLogEntry *entry = task_data;
  gsize max_length = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "max-length"));
  Formatted *formatted = g_new0 (Formatted, 1);
  g_autofree char *text = NULL;

  text = dpx_format_entry_detail_capped (entry, max_length, &formatted->is_json,
                                         &formatted->not_shown);
  formatted->text = dpx_format_break_long_lines (text, DPX_DETAIL_PANE_LINE);
  g_task_return_pointer (task, formatted, formatted_free);
}

static void
on_formatted (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (source);
  Formatted *formatted;

  /* Cancelled: another entry is on its way, or none. */
  formatted = g_task_propagate_pointer (G_TASK (result), NULL);
  if (formatted == NULL)
    return;

  g_clear_object (&self->cancellable);
  set_title (self, formatted->is_json);
  /* Highlighted once all of it is in: highlighting while slices go in
   * re-scans the text at each slice. */
  set_json (self, FALSE, 0);
  self->pending_json = formatted->is_json;
  self->not_shown = formatted->not_shown;
  set_text (self, g_steal_pointer (&formatted->text));
  formatted_free (formatted);
  if (self->insert_source == 0 && self->pending_json)
    {
      set_json (self, TRUE, gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (self->text_view)));
      self->pending_json = FALSE;
    }
  if (!is_busy (self))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

/* Show All: the whole of the entry as rows of a list view. */
static void
show_lines (DpxDetailPane *self,
            DpxTextLines  *lines)
{
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (lines)));

  dpx_editor_search_close (self->search);
  gtk_list_view_set_model (self->lines_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->stack, "lines");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
}

static void
lines_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DpxLogEntry *entry = task_data;
  char *text = dpx_format_entry_detail_capped (entry, G_MAXSIZE, NULL, NULL);

  g_task_return_pointer (task, dpx_text_lines_new_for_text (text, DPX_DETAIL_PANE_ROW),
                         g_object_unref);
}

static void
on_lines (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (source);
  g_autoptr(DpxTextLines) lines = NULL;

  /* Cancelled: another entry is on its way, or none. */
  lines = g_task_propagate_pointer (G_TASK (result), NULL);
  if (lines == NULL)
    return;

  g_clear_object (&self->cancellable);
  show_lines (self, lines);
  update_cut_bar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Show All of a text: split into rows in a thread (a JSON one indented
 * there first). A dump needs no thread: its rows are made on demand. */
static void
show_all_async (DpxDetailPane *self)
{
  g_autoptr(GTask) task = NULL;

  if (dpx_format_entry_is_hex (self->entry))
    {
      g_autoptr(DpxTextLines) lines = dpx_text_lines_new_for_dump (dpx_log_entry_get_payload (self->entry));

      show_lines (self, lines);
      update_cut_bar (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
      return;
    }

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_lines, NULL);
  g_task_set_source_tag (task, show_all_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, g_object_ref (self->entry), g_object_unref);
  g_task_run_in_thread (task, lines_in_thread);
  update_cut_bar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Formats the entry in a thread, at most @max_length bytes of it. */
static void
format_async (DpxDetailPane *self,
              gsize          max_length)
{
  g_autoptr(GTask) task = NULL;

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_formatted, NULL);
  g_task_set_source_tag (task, format_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, g_object_ref (self->entry), g_object_unref);
  g_object_set_data (G_OBJECT (task), "max-length", GSIZE_TO_POINTER (max_length));
  g_task_run_in_thread (task, format_in_thread);
  update_cut_bar (self);
}

static void
show_entry (DpxDetailPane *self)
{
  DpxLogEntry *entry = self->entry;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autofree char *time = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *size = NULL;
  DpxEntryKind kind;

  stop_loading (self);
  self->not_shown = 0;
  self->showing_all = FALSE;
  gtk_list_view_set_model (self->lines_view, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.copy", entry != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.save-payload", entry != NULL);

  if (entry == NULL)
    {
      dpx_editor_search_close (self->search);
      gtk_label_set_text (self->title_label, _("Details"));
      gtk_label_set_text (self->subtitle_label, "");
      gtk_stack_set_visible_child_name (self->stack, "none");
      gtk_text_buffer_set_text (buffer, "", 0);
      update_cut_bar (self);
      return;
    }

  kind = dpx_log_entry_get_kind (entry);
  time = dpx_format_time (dpx_log_entry_get_time (entry));
  size = dpx_format_size (dpx_log_entry_get_size (entry));
  if (kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY ||
      kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG)
    subtitle = g_strdup_printf ("%s · %s", time, size);
  else
    subtitle = g_strdup_printf ("%s · %s", time, dpx_log_entry_get_connection (entry));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_stack_set_visible_child_name (self->stack, "text");

  if (dpx_log_entry_get_size (entry) <= DPX_DETAIL_PANE_SYNC_MAX)
    {
      gboolean is_json = FALSE;
      g_autofree char *detail = NULL;
      g_autofree char *text = NULL;

      detail = dpx_format_entry_detail_capped (entry, DPX_DETAIL_PANE_SHOWN, &is_json,
                                               &self->not_shown);
      text = dpx_format_break_long_lines (detail, DPX_DETAIL_PANE_LINE);
      set_title (self, is_json);
      set_json (self, is_json, strlen (text));
      gtk_text_buffer_set_text (buffer, text, -1);
      update_cut_bar (self);
      return;
    }

  /* Until it is formatted: the kind without the JSON guess, no old text. */
  set_title (self, FALSE);
  set_json (self, FALSE, 0);
  gtk_text_buffer_set_text (buffer, "", 0);
  format_async (self, DPX_DETAIL_PANE_SHOWN);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * dpx_detail_pane_get_busy:
 *
 * Returns: whether the pane is still formatting or filling in its entry
 */
gboolean
dpx_detail_pane_get_busy (DpxDetailPane *self)
{
  g_return_val_if_fail (DPX_IS_DETAIL_PANE (self), FALSE);

  return is_busy (self);
}

void
dpx_detail_pane_set_entry (DpxDetailPane *self,
                           DpxLogEntry   *entry)
{
  g_return_if_fail (DPX_IS_DETAIL_PANE (self));
  g_return_if_fail (entry == NULL || DPX_IS_LOG_ENTRY (entry));

  if (!g_set_object (&self->entry, entry))
    return;
  show_entry (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

static char *
dup_text (DpxDetailPane *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkSelectionModel *rows = gtk_list_view_get_model (self->lines_view);
  GtkTextIter start, end;

  if (rows != NULL)
    {
      GListModel *lines = gtk_no_selection_get_model (GTK_NO_SELECTION (rows));

      return dpx_text_lines_dup_text (DPX_TEXT_LINES (lines));
    }

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Actions ----------------------------------------------------------------- */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  GBytes *payload;
  gsize size;
  const guint8 *data;

  if (self->entry == NULL)
    return;

  payload = dpx_log_entry_get_payload (self->entry);
  data = g_bytes_get_data (payload, &size);
  if (dpx_format_entry_is_hex (self->entry))
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
toast (DpxDetailPane *self,
       const char    *text)
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
  g_autoptr(DpxDetailPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    text = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
  else
    text = g_strdup_printf (_("Saved the payload as “%s”"), name);
  toast (self, text);
}

static void
on_save_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpxDetailPane) self = user_data;
  g_autoptr(GFile) file = dpx_file_chooser_finish (result, NULL);

  if (file && self->entry)
    g_file_replace_contents_bytes_async (file, dpx_log_entry_get_payload (self->entry),
                                         NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                         on_payload_saved, g_object_ref (self));
}

static void
save_payload_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (widget);

  if (self->entry == NULL)
    return;

  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = g_cancellable_new ();
  dpx_file_chooser_save_async (widget, _("Save Payload"), _("_Save"),
                               dpx_format_entry_is_hex (self->entry) ? "message.bin" : "message.txt",
                               NULL, self->chooser, on_save_chosen, g_object_ref (self));
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (widget);

  if (self->entry == NULL || self->not_shown == 0 || self->showing_all || is_busy (self))
    return;

  self->showing_all = TRUE;
  self->not_shown = 0;
  show_all_async (self);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_detail_pane_dispose (GObject *object)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (object);

  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  stop_loading (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_DETAIL_PANE);
  /* Children not bound to a field are left by the template: unparent them. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->entry);

  G_OBJECT_CLASS (dpx_detail_pane_parent_class)->dispose (object);
}

static void
dpx_detail_pane_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;
    case PROP_TEXT:
      g_value_take_string (value, dup_text (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, is_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_detail_pane_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      dpx_detail_pane_set_entry (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_detail_pane_class_init (DpxDetailPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_detail_pane_dispose;
  object_class->get_property = dpx_detail_pane_get_property;
  object_class->set_property = dpx_detail_pane_set_property;

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL, DPX_TYPE_LOG_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What the pane shows of the entry, as a person reads it. */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Still formatting or filling in the entry: "text" is not all there. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_BUFFER);
  g_type_ensure (DPX_TYPE_EDITOR_SEARCH);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, search);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, lines_view);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, text_view);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, cut_bar);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, cut_label);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, show_all_button);

  gtk_widget_class_install_action (widget_class, "detail.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "detail.save-payload", NULL, save_payload_action);
  gtk_widget_class_install_action (widget_class, "detail.show-all", NULL, show_all_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "detailpane");
}

static void
dpx_detail_pane_init (DpxDetailPane *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  dpx_editor_search_setup_view (GTK_SOURCE_VIEW (self->text_view));
  dpx_editor_search_set_view (self->search, GTK_SOURCE_VIEW (self->text_view));
  show_entry (self);
}

GtkWidget *
dpx_detail_pane_new (void)
{
  return g_object_new (DPX_TYPE_DETAIL_PANE, NULL);
}
