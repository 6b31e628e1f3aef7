/* dpx-log-view.c: the message list, its filters and the detail pane beside it
 *
 * The list view shows the core's DpxLog through a DpxPacedModel (the log's
 * changes, passed on at most every UPDATE_INTERVAL_MS) and a
 * GtkFilterListModel. With no filter set the filter model is a pass-through
 * (no filter object at all), so a flood costs the view one removal at the
 * front and one addition at the end per update. Pausing freezes the paced
 * model; the log itself keeps capturing. The filters and the pause are
 * properties, and the toolbar's toggles are their property actions. The
 * selected entry is shown by a DpxDetailPane.
 *
 * Secret header values are masked in the handshake's events; with
 * "show-secrets" (the window's Show Secrets) the rows, the detail pane and
 * what is copied show the values the entry keeps in memory instead.
 *
 * The selected row's actions (log.*: send again, edit and send, copy as
 * text, hex or base64, save the payload) are in a context menu (right
 * click, Menu, Shift+F10) and on keys while the list has the focus. Sending
 * is the window's: the view emits send-again and edit.
 *
 * Over 600 lines, on purpose: the filters, the pacing and following the
 * end act on one filter model and one list view, and GTK 4.8's list view
 * stays fast only when the three work together (docs/PERFORMANCE-GUI.md);
 * a quarter of the file is the seven properties' GObject code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-LogView"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dpx-detail-pane.h"
#include "dpx-format.h"
#include "dpx-log-row.h"
#include "dpx-log-view.h"
#include "dpx-paced-model.h"
#include "dpx-probe.h"
#include "dpx-session.h"

#define SEARCH_MAX_BYTES (64 * 1024)

/* The list view is told about new messages at most this often: each update
 * rebinds the couple of hundred rows GTK 4.8 keeps around the end. */
#define UPDATE_INTERVAL_MS 100
#define DROPPED_INTERVAL_MS 1000

struct _DpxLogView
{
  GtkWidget            parent_instance;

  /* template widgets */
  GtkDropDown         *kind_dropdown;
  GtkSearchEntry      *search_entry;
  GtkLabel            *rate_label;
  GtkToggleButton     *pause_button;
  GtkRevealer         *filter_revealer;
  GtkLabel            *filter_label;
  GtkRevealer         *dropped_revealer;
  GtkLabel            *dropped_label;
  GtkStack            *list_stack;
  GtkScrolledWindow   *scroller;
  GtkListView         *list_view;
  DpxDetailPane       *detail_pane;
  GMenuModel          *row_menu;

  /* owned: a child of the view, not laid out (a GtkNative) */
  GtkWidget           *row_popover;

  /* owned */
  DpxLog              *log;
  GtkFilterListModel  *filter_model;
  GtkSingleSelection  *selection;
  GtkCustomFilter     *filter;
  DpxLogRowStyle      *row_style;
  DpxPacedModel       *paced;       /* the log, at the pace of the view */
  char                *search;      /* ASCII-folded, or NULL */
  GdkFrameClock       *frame_clock;

  guint                dropped_source;
  gint64               dropped_updated;
  int                  kind;        /* a DpxEntryKind, or -1 for all */
  guint64              dropped_seen;
  guint                n_hidden;    /* rows the filters hide */
  gboolean             show_sent;
  gboolean             show_received;
  gboolean             show_events;
  gboolean             show_control;  /* pings and pongs */
  gboolean             sticky;
  gboolean             scroll_pending;  /* follow the end after the next layout */
  gboolean             paused;
  gboolean             show_secrets;
};

G_DEFINE_FINAL_TYPE (DpxLogView, dpx_log_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOG,
  PROP_PAUSED,
  PROP_SHOW_SENT,
  PROP_SHOW_RECEIVED,
  PROP_SHOW_EVENTS,
  PROP_SHOW_CONTROL,
  PROP_KIND_FILTER,
  PROP_STICKY,
  PROP_N_HIDDEN,
  PROP_SHOW_SECRETS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CLEARED,
  SIGNAL_SEND_AGAIN,
  SIGNAL_EDIT,
  SIGNAL_SAVE_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
show_direction (DpxLogView   *self,
                DpxDirection  direction)
{
  switch (direction)
    {
    case DPX_DIRECTION_SENT:
      return self->show_sent;
    case DPX_DIRECTION_RECEIVED:
      return self->show_received;
    case DPX_DIRECTION_EVENT:
    default:
      return self->show_events;
    }
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

  if (!show_direction (self, direction))
    return FALSE;
  if (!self->show_control && (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_PING ||
                              dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_PONG))
    return FALSE;
  if (self->kind >= 0 && (int) dpx_log_entry_get_kind (entry) != self->kind)
    return FALSE;
  if (self->search == NULL)
    return TRUE;

  payload = dpx_log_entry_get_payload (entry);
  data = g_bytes_get_data (payload, &size);
  if (contains_folded (data, MIN (size, SEARCH_MAX_BYTES), self->search))
    return TRUE;
  if (dpx_format_entry_is_hex (entry))
    {
      g_autofree char *hex = dpx_format_hex (data, MIN (size, SEARCH_MAX_BYTES / 2));

      return contains_folded ((const guint8 *) hex, strlen (hex), self->search);
    }
  return FALSE;
}

static gboolean
filter_is_empty (DpxLogView *self)
{
  return self->show_sent && self->show_received && self->show_events && self->show_control &&
         self->kind < 0 && self->search == NULL;
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
set_show (DpxLogView *self,
          gboolean   *field,
          gboolean    show,
          guint       prop_id)
{
  show = !!show;
  if (*field == show)
    return;
  *field = show;
  refilter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_kind_filter (DpxLogView *self,
                 int         kind)
{
  kind = CLAMP (kind, -1, DPX_ENTRY_KIND_PONG);
  if (self->kind == kind)
    return;
  self->kind = kind;
  /* Row 0 is "all kinds"; the others follow DpxEntryKind. */
  gtk_drop_down_set_selected (self->kind_dropdown, (guint) (kind + 1));
  refilter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND_FILTER]);
}

static void
on_kind_selected (DpxLogView *self)
{
  guint selected = gtk_drop_down_get_selected (self->kind_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    set_kind_filter (self, -1);
  else
    set_kind_filter (self, (int) selected - 1);
}

static void
on_search_changed (DpxLogView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_clear_pointer (&self->search, g_free);
  if (text && *text)
    self->search = g_ascii_strdown (text, -1);
  refilter (self);
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);

  g_object_freeze_notify (G_OBJECT (self));
  set_show (self, &self->show_sent, TRUE, PROP_SHOW_SENT);
  set_show (self, &self->show_received, TRUE, PROP_SHOW_RECEIVED);
  set_show (self, &self->show_events, TRUE, PROP_SHOW_EVENTS);
  set_show (self, &self->show_control, TRUE, PROP_SHOW_CONTROL);
  set_kind_filter (self, -1);
  dpx_log_view_set_search_text (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Following the end ------------------------------------------------------- */

static void
set_sticky (DpxLogView *self,
            gboolean    sticky)
{
  if (self->sticky == sticky)
    return;
  self->sticky = sticky;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STICKY]);
}

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
    set_sticky (self, at_bottom (self));
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

/* States ------------------------------------------------------------------ */

/* A filter that hides rows says so, with how many: a row missing from
 * the list must not look like a message that never came. */
static void
update_filter_bar (DpxLogView *self)
{
  gboolean active = !filter_is_empty (self);
  guint total = self->paced ? g_list_model_get_n_items (G_LIST_MODEL (self->paced)) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  guint hidden = active && total > shown ? total - shown : 0;

  if (active)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (ngettext ("Filtered: %u of %u rows is hidden",
                                        "Filtered: %u of %u rows are hidden", hidden),
                              hidden, total);
      gtk_label_set_text (self->filter_label, text);
    }
  if (gtk_revealer_get_reveal_child (self->filter_revealer) != active)
    gtk_revealer_set_reveal_child (self->filter_revealer, active);
  if (self->n_hidden != hidden)
    {
      self->n_hidden = hidden;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HIDDEN]);
    }
}

static void
update_stack (DpxLogView *self)
{
  const char *page;

  update_filter_bar (self);

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
on_dropped_close (DpxLogView *self)
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

/* Selection --------------------------------------------------------------- */

/* What can be done with the selected row: a message can be sent again or
 * edited, anything copied or saved. */
static void
update_row_actions (DpxLogView *self)
{
  DpxLogEntry *entry = gtk_single_selection_get_selected_item (self->selection);
  gboolean message = entry != NULL && dpx_session_can_send_again (entry);
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "log.send-again", message);
  gtk_widget_action_set_enabled (widget, "log.edit", message);
  gtk_widget_action_set_enabled (widget, "log.save-message", message);
  gtk_widget_action_set_enabled (widget, "log.copy-text", entry != NULL);
  gtk_widget_action_set_enabled (widget, "log.copy-hex", entry != NULL);
  gtk_widget_action_set_enabled (widget, "log.copy-base64", entry != NULL);
  gtk_widget_action_set_enabled (widget, "log.save-payload", entry != NULL);
  gtk_widget_action_set_enabled (widget, "log.menu", entry != NULL);
}

/* The entry as the view shows it: with its secret values when asked. */
static DpxLogEntry *
dup_shown (DpxLogView  *self,
           DpxLogEntry *entry)
{
  if (entry == NULL)
    return NULL;
  if (self->show_secrets)
    return dpx_log_entry_dup_revealed (entry);
  return g_object_ref (entry);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      DpxLogView         *self)
{
  g_autoptr(DpxLogEntry) shown = dup_shown (self, gtk_single_selection_get_selected_item (selection));

  dpx_detail_pane_set_entry (self->detail_pane, shown);
  update_row_actions (self);
}

void
dpx_log_view_select (DpxLogView *self,
                     guint       position)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  gtk_single_selection_set_selected (self->selection, position);
}

/* Row actions ------------------------------------------------------------- */

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
send_again_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);
  DpxLogEntry *entry = gtk_single_selection_get_selected_item (self->selection);

  if (entry && dpx_session_can_send_again (entry))
    g_signal_emit (self, signals[SIGNAL_SEND_AGAIN], 0, entry);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);
  DpxLogEntry *entry = gtk_single_selection_get_selected_item (self->selection);

  if (entry && dpx_session_can_send_again (entry))
    g_signal_emit (self, signals[SIGNAL_EDIT], 0, entry);
}

static void
save_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);
  DpxLogEntry *entry = gtk_single_selection_get_selected_item (self->selection);

  if (entry && dpx_session_can_send_again (entry))
    g_signal_emit (self, signals[SIGNAL_SAVE_MESSAGE], 0, entry);
}

/* The payload as it is (text not in UTF-8 made valid), as hex spaced as
 * the compose box writes it, or as base64. */
static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);
  g_autoptr(DpxLogEntry) entry = dup_shown (self, gtk_single_selection_get_selected_item (self->selection));
  g_autofree char *text = NULL;
  const char *done;
  const guint8 *data;
  gsize size;

  if (entry == NULL)
    return;
  data = g_bytes_get_data (dpx_log_entry_get_payload (entry), &size);
  if (g_str_equal (action_name, "log.copy-hex"))
    {
      text = dpx_format_hex_spaced (data, size);
      done = _("Copied the payload as hex");
    }
  else if (g_str_equal (action_name, "log.copy-base64"))
    {
      text = g_base64_encode (data, size);
      done = _("Copied the payload as base64");
    }
  else
    {
      text = g_utf8_make_valid ((const char *) data, size);
      done = _("Copied the payload as text");
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  toast (self, done);
}

/* The detail pane shows the selected entry and saves it. */
static void
save_payload_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->detail_pane), "detail.save-payload", NULL);
}

static void
popup_row_menu (DpxLogView *self,
                double      x,
                double      y)
{
  if (self->row_popover == NULL)
    {
      self->row_popover = gtk_popover_menu_new_from_model (self->row_menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->row_popover), FALSE);
      gtk_widget_set_halign (self->row_popover, GTK_ALIGN_START);
      gtk_widget_set_parent (self->row_popover, GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->row_popover));
}

/* The row widget showing the selected entry, when it is in sight. */
static GtkWidget *
find_selected_row (DpxLogView *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      GtkListItem *item;


      if (row == NULL || !DPX_IS_LOG_ROW (row) || !gtk_widget_get_child_visible (child))
        continue;
      item = g_object_get_data (G_OBJECT (row), "dpx-list-item");
      if (item && gtk_list_item_get_position (item) == selected)
        return row;
    }
  return NULL;
}

/* Menu or Shift+F10: the menu opens under the selected row, or at the top
 * of the list when the row is out of sight. */
static void
menu_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);
  GtkWidget *row;
  graphene_rect_t bounds;

  if (gtk_single_selection_get_selected_item (self->selection) == NULL)
    return;
  row = find_selected_row (self);
  if (row && gtk_widget_compute_bounds (row, widget, &bounds) && bounds.size.height > 0 &&
      bounds.origin.y >= 0 && bounds.origin.y < gtk_widget_get_height (widget))
    popup_row_menu (self, bounds.origin.x + 24, bounds.origin.y + bounds.size.height);
  else if (gtk_widget_compute_bounds (GTK_WIDGET (self->list_view), widget, &bounds))
    popup_row_menu (self, bounds.origin.x + 24, bounds.origin.y + 24);
}

/* A right click selects the row under the pointer and opens its menu. */
static void
on_list_right_click (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     DpxLogView      *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
  GtkWidget *row = picked ? gtk_widget_get_ancestor (picked, DPX_TYPE_LOG_ROW) : NULL;
  GtkListItem *item = row ? g_object_get_data (G_OBJECT (row), "dpx-list-item") : NULL;
  graphene_point_t point;

  if (item == NULL || gtk_list_item_get_position (item) == GTK_INVALID_LIST_POSITION)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (item));
  if (gtk_widget_compute_point (GTK_WIDGET (self->list_view), GTK_WIDGET (self),
                                &GRAPHENE_POINT_INIT (x, y), &point))
    popup_row_menu (self, point.x, point.y);
}

/* Pause and clear --------------------------------------------------------- */

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  DpxLogView *self = DPX_LOG_VIEW (widget);

  if (self->log)
    {
      guint64 dropped = 0;
      g_autoptr(GPtrArray) entries = dpx_log_take_all (self->log, &dropped);

      /* Whoever shows the view can offer to undo it. */
      g_signal_emit (self, signals[SIGNAL_CLEARED], 0, entries, dropped);
    }
  /* Cleared at once, paused or not. */
  if (self->paced)
    dpx_paced_model_publish (self->paced);
  set_sticky (self, TRUE);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
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

/* Public ------------------------------------------------------------------ */

void
dpx_log_view_set_log (DpxLogView *self,
                      DpxLog     *log)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  g_return_if_fail (DPX_IS_LOG (log));

  if (self->log == log)
    return;
  if (self->log)
    g_signal_handlers_disconnect_by_data (self->log, self);
  dpx_log_view_set_paused (self, FALSE);
  g_set_object (&self->log, log);
  g_clear_object (&self->paced);
  self->paced = dpx_paced_model_new (G_LIST_MODEL (log), UPDATE_INTERVAL_MS);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->paced));
  /* Rows the filter hides change nothing below it: count them here. */
  g_signal_connect_object (self->paced, "items-changed", G_CALLBACK (update_filter_bar), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (log, "notify::dropped", G_CALLBACK (on_dropped), self, 0);
  on_dropped (log, NULL, self);
  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG]);
}

/* The rows on screen: the log, filtered. */
GListModel *
dpx_log_view_get_model (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

void
dpx_log_view_set_search_text (DpxLogView *self,
                              const char *text)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* The entry waits before it signals; the caller wants it now. */
  on_search_changed (self);
}

void
dpx_log_view_focus_search (DpxLogView *self)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Escape in the search clears it, and shows every message again at once;
 * in an empty search it goes back to the list. */
static void
on_search_stop (DpxLogView *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    dpx_log_view_set_search_text (self, "");
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* The list of rows, for the keys of the page around it. */
GtkWidget *
dpx_log_view_get_list_view (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), NULL);
  return GTK_WIDGET (self->list_view);
}

/* Rows -------------------------------------------------------------------- */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           DpxLogView               *self)
{
  GtkWidget *row = dpx_log_row_new (self->row_style);

  /* A right click finds the row's position through its item. */
  g_object_set_data (G_OBJECT (row), "dpx-list-item", item);
  gtk_list_item_set_child (item, row);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          DpxLogView               *self)
{
  DpxLogEntry *entry = gtk_list_item_get_item (item);

  /* Only a handshake's events have secrets: every other row is bound to
   * its entry as it is, with no copy. */
  if (self->show_secrets && dpx_log_entry_has_secrets (entry))
    {
      g_autoptr(DpxLogEntry) shown = dpx_log_entry_dup_revealed (entry);

      dpx_log_row_set_entry (DPX_LOG_ROW (gtk_list_item_get_child (item)), shown);
    }
  else
    dpx_log_row_set_entry (DPX_LOG_ROW (gtk_list_item_get_child (item)), entry);
}

/* Binds again the rows on screen whose entries have secrets. */
static void
rebind_secret_rows (DpxLogView *self,
                    GtkWidget  *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      if (DPX_IS_LOG_ROW (child))
        {
          GtkListItem *item = g_object_get_data (G_OBJECT (child), "dpx-list-item");
          DpxLogEntry *entry = item ? gtk_list_item_get_item (item) : NULL;

          if (entry && dpx_log_entry_has_secrets (entry))
            bind_row (NULL, item, self);
        }
      else
        rebind_secret_rows (self, child);
    }
}

gboolean
dpx_log_view_get_show_secrets (DpxLogView *self)
{
  g_return_val_if_fail (DPX_IS_LOG_VIEW (self), FALSE);
  return self->show_secrets;
}

/**
 * dpx_log_view_set_show_secrets:
 *
 * Whether the handshake's secret header values are shown (as the entries
 * keep them in memory) instead of masked. The log's files never have them.
 */
void
dpx_log_view_set_show_secrets (DpxLogView *self,
                               gboolean    show)
{
  g_return_if_fail (DPX_IS_LOG_VIEW (self));

  show = !!show;
  if (self->show_secrets == show)
    return;
  self->show_secrets = show;
  rebind_secret_rows (self, GTK_WIDGET (self->list_view));
  on_selection_changed (self->selection, NULL, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SECRETS]);
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
  g_clear_pointer (&self->row_popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_LOG_VIEW);
  /* Children not bound to a field are left by the template: unparent them. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  if (self->log)
    g_signal_handlers_disconnect_by_data (self->log, self);
  if (self->selection)
    g_signal_handlers_disconnect_by_data (self->selection, self);
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

static void
dpx_log_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DpxLogView *self = DPX_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_SHOW_SENT:
      g_value_set_boolean (value, self->show_sent);
      break;
    case PROP_SHOW_RECEIVED:
      g_value_set_boolean (value, self->show_received);
      break;
    case PROP_SHOW_EVENTS:
      g_value_set_boolean (value, self->show_events);
      break;
    case PROP_SHOW_CONTROL:
      g_value_set_boolean (value, self->show_control);
      break;
    case PROP_KIND_FILTER:
      g_value_set_int (value, self->kind);
      break;
    case PROP_STICKY:
      g_value_set_boolean (value, self->sticky);
      break;
    case PROP_N_HIDDEN:
      g_value_set_uint (value, self->n_hidden);
      break;
    case PROP_SHOW_SECRETS:
      g_value_set_boolean (value, self->show_secrets);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_log_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DpxLogView *self = DPX_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOG:
      dpx_log_view_set_log (self, g_value_get_object (value));
      break;
    case PROP_PAUSED:
      dpx_log_view_set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_SENT:
      set_show (self, &self->show_sent, g_value_get_boolean (value), prop_id);
      break;
    case PROP_SHOW_RECEIVED:
      set_show (self, &self->show_received, g_value_get_boolean (value), prop_id);
      break;
    case PROP_SHOW_EVENTS:
      set_show (self, &self->show_events, g_value_get_boolean (value), prop_id);
      break;
    case PROP_SHOW_CONTROL:
      set_show (self, &self->show_control, g_value_get_boolean (value), prop_id);
      break;
    case PROP_KIND_FILTER:
      set_kind_filter (self, g_value_get_int (value));
      break;
    case PROP_SHOW_SECRETS:
      dpx_log_view_set_show_secrets (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
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
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dpx_log_view_dispose;
  object_class->finalize = dpx_log_view_finalize;
  object_class->get_property = dpx_log_view_get_property;
  object_class->set_property = dpx_log_view_set_property;
  widget_class->css_changed = dpx_log_view_css_changed;
  widget_class->realize = dpx_log_view_realize;
  widget_class->unrealize = dpx_log_view_unrealize;

  properties[PROP_LOG] = g_param_spec_object ("log", NULL, NULL, DPX_TYPE_LOG, flags);
  /* The view keeps showing what it showed; the log goes on capturing. */
  properties[PROP_PAUSED] = g_param_spec_boolean ("paused", NULL, NULL, FALSE, flags);
  properties[PROP_SHOW_SENT] = g_param_spec_boolean ("show-sent", NULL, NULL, TRUE, flags);
  properties[PROP_SHOW_RECEIVED] = g_param_spec_boolean ("show-received", NULL, NULL, TRUE, flags);
  properties[PROP_SHOW_EVENTS] = g_param_spec_boolean ("show-events", NULL, NULL, TRUE, flags);
  /* Pings and pongs, either way. */
  properties[PROP_SHOW_CONTROL] = g_param_spec_boolean ("show-control", NULL, NULL, TRUE, flags);
  /* A DpxEntryKind, or -1 for every kind. */
  properties[PROP_KIND_FILTER] =
    g_param_spec_int ("kind-filter", NULL, NULL, -1, DPX_ENTRY_KIND_PONG, -1, flags);
  /* Whether the view follows the end as messages arrive. */
  properties[PROP_STICKY] =
    g_param_spec_boolean ("sticky", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Secret header values shown instead of masked. */
  properties[PROP_SHOW_SECRETS] = g_param_spec_boolean ("show-secrets", NULL, NULL, FALSE, flags);
  /* How many rows of the log the filters and the search hide. */
  properties[PROP_N_HIDDEN] =
    g_param_spec_uint ("n-hidden", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpxLogView::cleared:
   * @entries: (element-type DpxLogEntry): what the log held, oldest first
   * @dropped: how many older entries it had dropped
   *
   * The log was cleared by the view's Clear; dpx_log_put_back() with
   * @entries and @dropped undoes it.
   */
  signals[SIGNAL_CLEARED] =
    g_signal_new ("cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_PTR_ARRAY, G_TYPE_UINT64);

  /**
   * DpxLogView::send-again:
   * @entry: a text or binary message, sent or received
   *
   * The user asked to send the message again, as it is.
   */
  signals[SIGNAL_SEND_AGAIN] =
    g_signal_new ("send-again", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, DPX_TYPE_LOG_ENTRY);

  /**
   * DpxLogView::edit:
   * @entry: a text or binary message, sent or received
   *
   * The user asked to change the message before sending it.
   */
  signals[SIGNAL_EDIT] =
    g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, DPX_TYPE_LOG_ENTRY);

  /**
   * DpxLogView::save-message:
   * @entry: a text or binary message, sent or received
   *
   * The user asked to keep the message among the profile's saved ones.
   */
  signals[SIGNAL_SAVE_MESSAGE] =
    g_signal_new ("save-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, DPX_TYPE_LOG_ENTRY);

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  g_type_ensure (DPX_TYPE_DETAIL_PANE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, rate_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, filter_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, filter_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, dropped_revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, dropped_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, scroller);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, list_view);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, DpxLogView, row_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_dropped_close);
  gtk_widget_class_bind_template_callback (widget_class, on_list_right_click);

  gtk_widget_class_install_action (widget_class, "logview.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "logview.show-all", NULL, show_all_action);
  gtk_widget_class_install_action (widget_class, "log.send-again", NULL, send_again_action);
  gtk_widget_class_install_action (widget_class, "log.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "log.save-message", NULL, save_message_action);
  gtk_widget_class_install_action (widget_class, "log.copy-text", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "log.copy-hex", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "log.copy-base64", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "log.save-payload", NULL, save_payload_action);
  gtk_widget_class_install_action (widget_class, "log.menu", NULL, menu_action);
  gtk_widget_class_install_property_action (widget_class, "logview.pause", "paused");
  gtk_widget_class_install_property_action (widget_class, "logview.show-sent", "show-sent");
  gtk_widget_class_install_property_action (widget_class, "logview.show-received",
                                            "show-received");
  gtk_widget_class_install_property_action (widget_class, "logview.show-events", "show-events");
  gtk_widget_class_install_property_action (widget_class, "logview.show-control", "show-control");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "logview");
}

static void
dpx_log_view_init (DpxLogView *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  g_autoptr(GtkListItemFactory) factory = NULL;

  self->show_sent = self->show_received = self->show_events = self->show_control = TRUE;
  self->kind = -1;
  self->sticky = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);

  self->row_style = dpx_log_row_style_new ();
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect (self->selection, "items-changed", G_CALLBACK (on_items_changed), self);
  g_signal_connect (self->selection, "notify::selected-item",
                    G_CALLBACK (on_selection_changed), self);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                    G_CALLBACK (on_value_changed), self);

  dpx_log_view_set_rates (self, 0, 0);
  update_stack (self);
  update_row_actions (self);
}
