/* dpx-editor-search.c: a search bar for the text of a source view
 *
 * Used under the compose box's editor and the detail pane's: Ctrl+F in the
 * editor opens it, Enter and the arrows go to the next and previous match
 * (wrapping), Escape closes it and gives the editor its focus back. The
 * count "2 of 14" comes from GtkSourceSearchContext, which counts in the
 * background: a large text is never searched in one main-loop turn.
 *
 * dpx_editor_search_setup_view() gives an editor what both share: the
 * monospace font, line numbers and the style scheme that follows the
 * light or dark style.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-EditorSearch"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dpx-editor-search.h"

struct _DpxEditorSearch
{
  GtkWidget               parent_instance;

  /* template widgets */
  GtkRevealer            *revealer;
  GtkSearchEntry         *entry;
  GtkLabel               *count_label;

  /* owned */
  GtkSourceSearchContext *context;
  GtkShortcutController  *view_shortcuts;  /* added to the view */

  /* borrowed */
  GtkSourceView          *view;

  int                     position;
  gboolean                position_pending;  /* a match is selected, its number not yet known */
};

G_DEFINE_FINAL_TYPE (DpxEditorSearch, dpx_editor_search, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_OPEN,
  PROP_N_MATCHES,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_count (DpxEditorSearch *self)
{
  int n = self->context ? gtk_source_search_context_get_occurrences_count (self->context) : 0;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *label = NULL;

  if (*text == '\0')
    label = g_strdup ("");
  else if (n < 0)
    label = g_strdup (_("Searching…"));
  else if (n == 0)
    label = g_strdup (_("No matches"));
  else if (self->position > 0)
    /* Translators: the match shown, and how many there are */
    label = g_strdup_printf (_("%d of %d"), self->position, n);
  else
    label = g_strdup_printf (ngettext ("%d match", "%d matches", n), n);
  gtk_label_set_text (self->count_label, label);
  if (n == 0 && *text != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
}

static void
set_position (DpxEditorSearch *self,
              int              position)
{
  if (self->position != position)
    {
      self->position = position;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
  update_count (self);
}

/* The number of the selected match, once the matches are counted. */
static void
update_position (DpxEditorSearch *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  int position;

  if (self->context == NULL)
    return;
  buffer = GTK_TEXT_BUFFER (gtk_source_search_context_get_buffer (self->context));
  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    {
      self->position_pending = FALSE;
      set_position (self, 0);
      return;
    }
  position = gtk_source_search_context_get_occurrence_position (self->context, &start, &end);
  /* -1: still counting; the count's notification comes back here. */
  self->position_pending = position < 0;
  set_position (self, MAX (position, 0));
}

static void
on_count_changed (DpxEditorSearch *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHES]);
  if (self->position_pending)
    update_position (self);
  else
    update_count (self);
}

static void
on_search_changed (DpxEditorSearch *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (self->context == NULL)
    return;
  /* The entry tells a while after dpx_editor_search_set_text() did. */
  if (g_strcmp0 (gtk_source_search_settings_get_search_text (gtk_source_search_context_get_settings (self->context)),
                 *text ? text : NULL) == 0)
    return;
  /* Searched as written: no regular expression, any case. */
  gtk_source_search_settings_set_search_text (gtk_source_search_context_get_settings (self->context),
                                              *text ? text : NULL);
  self->position_pending = FALSE;
  set_position (self, 0);
}

/* Selects the match after (or before) the cursor, or the selection. */
static void
on_moved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DpxEditorSearch) self = user_data;
  GtkTextIter start, end;
  gboolean found;

  if (self->context == NULL || GTK_SOURCE_SEARCH_CONTEXT (source) != self->context)
    return;
  if (g_object_get_data (G_OBJECT (source), "dpx-backward"))
    found = gtk_source_search_context_backward_finish (self->context, result, &start, &end,
                                                       NULL, NULL);
  else
    found = gtk_source_search_context_forward_finish (self->context, result, &start, &end,
                                                      NULL, NULL);
  if (!found || self->view == NULL)
    return;
  gtk_text_buffer_select_range (gtk_text_iter_get_buffer (&start), &start, &end);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->view), &start, 0.1, FALSE, 0, 0);
  update_position (self);
}

/**
 * dpx_editor_search_move:
 * @forward: to the next match, else the previous one
 *
 * Selects the next or previous match, wrapping around; the position
 * follows when it is found.
 */
void
dpx_editor_search_move (DpxEditorSearch *self,
                        gboolean         forward)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_if_fail (DPX_IS_EDITOR_SEARCH (self));

  if (self->context == NULL)
    return;
  buffer = GTK_TEXT_BUFFER (gtk_source_search_context_get_buffer (self->context));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  g_object_set_data (G_OBJECT (self->context), "dpx-backward", GINT_TO_POINTER (!forward));
  if (forward)
    gtk_source_search_context_forward_async (self->context, &end, NULL, on_moved,
                                             g_object_ref (self));
  else
    gtk_source_search_context_backward_async (self->context, &start, NULL, on_moved,
                                              g_object_ref (self));
}

static void
on_next (DpxEditorSearch *self)
{
  dpx_editor_search_move (self, TRUE);
}

static void
on_previous (DpxEditorSearch *self)
{
  dpx_editor_search_move (self, FALSE);
}

void
dpx_editor_search_close (DpxEditorSearch *self)
{
  g_return_if_fail (DPX_IS_EDITOR_SEARCH (self));

  if (!gtk_revealer_get_reveal_child (self->revealer))
    return;
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
  /* Nothing stays highlighted once the bar is gone. */
  if (self->context)
    gtk_source_search_context_set_highlight (self->context, FALSE);
  if (self->view)
    gtk_widget_grab_focus (GTK_WIDGET (self->view));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN]);
}

static void
on_stop_search (DpxEditorSearch *self)
{
  dpx_editor_search_close (self);
}

/**
 * dpx_editor_search_open:
 *
 * Shows the bar with the focus in its entry; a selection of one line in
 * the editor becomes what is searched.
 */
void
dpx_editor_search_open (DpxEditorSearch *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  gboolean was_open;

  g_return_if_fail (DPX_IS_EDITOR_SEARCH (self));

  if (self->view == NULL)
    return;
  was_open = gtk_revealer_get_reveal_child (self->revealer);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
  if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end) &&
      gtk_text_iter_get_line (&start) == gtk_text_iter_get_line (&end))
    {
      g_autofree char *selected = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

      gtk_editable_set_text (GTK_EDITABLE (self->entry), selected);
    }
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
  gtk_source_search_context_set_highlight (self->context, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
  if (!was_open)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN]);
}

gboolean
dpx_editor_search_get_open (DpxEditorSearch *self)
{
  g_return_val_if_fail (DPX_IS_EDITOR_SEARCH (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

/* What is searched, as if typed (the entry would wait before it tells). */
void
dpx_editor_search_set_text (DpxEditorSearch *self,
                            const char      *text)
{
  g_return_if_fail (DPX_IS_EDITOR_SEARCH (self));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text ? text : "");
  on_search_changed (self);
}

/**
 * dpx_editor_search_get_n_matches:
 *
 * Returns: how many matches the text has, or -1 while they are counted
 */
int
dpx_editor_search_get_n_matches (DpxEditorSearch *self)
{
  g_return_val_if_fail (DPX_IS_EDITOR_SEARCH (self), 0);
  return self->context ? gtk_source_search_context_get_occurrences_count (self->context) : 0;
}

/**
 * dpx_editor_search_get_position:
 *
 * Returns: which match is selected, from 1, or 0 for none
 */
int
dpx_editor_search_get_position (DpxEditorSearch *self)
{
  g_return_val_if_fail (DPX_IS_EDITOR_SEARCH (self), 0);
  return self->position;
}

static gboolean
open_shortcut (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  dpx_editor_search_open (DPX_EDITOR_SEARCH (user_data));
  return TRUE;
}

static void
on_buffer_changed (DpxEditorSearch *self)
{
  /* A match's number is no longer known once the text changes. */
  self->position_pending = FALSE;
  if (self->position != 0)
    set_position (self, 0);
}

/* Lets go of the view and its buffer; the view may be gone already (the
 * weak pointer is then NULL), and so may its buffer. */
static void
detach_view (DpxEditorSearch *self)
{
  if (self->context)
    {
      /* GtkSourceView 5.10 and later keep the buffer weakly: it may be gone. */
      GtkSourceBuffer *buffer = gtk_source_search_context_get_buffer (self->context);

      if (buffer)
        g_signal_handlers_disconnect_by_data (buffer, self);
      g_signal_handlers_disconnect_by_data (self->context, self);
      g_clear_object (&self->context);
    }
  if (self->view)
    {
      gtk_widget_remove_controller (GTK_WIDGET (self->view),
                                    GTK_EVENT_CONTROLLER (self->view_shortcuts));
      g_object_remove_weak_pointer (G_OBJECT (self->view), (gpointer *) &self->view);
      self->view = NULL;
    }
  g_clear_object (&self->view_shortcuts);
}

/**
 * dpx_editor_search_set_view:
 *
 * Searches the text of @view (its buffer, which must stay the same) and
 * binds Ctrl+F in it to open the bar.
 */
void
dpx_editor_search_set_view (DpxEditorSearch *self,
                            GtkSourceView   *view)
{
  GtkSourceBuffer *buffer;
  GtkShortcut *shortcut;

  g_return_if_fail (DPX_IS_EDITOR_SEARCH (self));
  g_return_if_fail (view == NULL || GTK_SOURCE_IS_VIEW (view));

  if (self->view == view)
    return;
  detach_view (self);
  if (view == NULL)
    return;

  self->view = view;
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->view);
  buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  self->context = gtk_source_search_context_new (buffer, NULL);
  gtk_source_search_context_set_highlight (self->context, FALSE);
  gtk_source_search_settings_set_wrap_around (gtk_source_search_context_get_settings (self->context),
                                              TRUE);
  g_signal_connect_swapped (self->context, "notify::occurrences-count",
                            G_CALLBACK (on_count_changed), self);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (on_buffer_changed), self);

  /* Local to the editor: elsewhere Ctrl+F searches the log. */
  self->view_shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  g_object_ref_sink (self->view_shortcuts);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->view_shortcuts),
                                              GTK_PHASE_CAPTURE);
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, GDK_CONTROL_MASK),
                               gtk_callback_action_new (open_shortcut, self, NULL));
  gtk_shortcut_controller_add_shortcut (self->view_shortcuts, shortcut);
  gtk_widget_add_controller (GTK_WIDGET (view),
                             g_object_ref (GTK_EVENT_CONTROLLER (self->view_shortcuts)));
  on_search_changed (self);
}

/* Editors ----------------------------------------------------------------- */

static gboolean
warm_json (gpointer data)
{
  dpx_editor_get_json_language ();
  return G_SOURCE_REMOVE;
}

/**
 * dpx_editor_get_json_language:
 *
 * The JSON language, kept compiled: GtkSourceView compiles a language's
 * rules when a buffer first takes it and frees them when the last buffer
 * lets go, and that costs 60 to 85 ms of CPU each time, whatever the size
 * of the text (docs/PERFORMANCE-GUI.md). One buffer of our own holds it
 * for the life of the process, so switching the language of an editor on
 * and off costs a fraction of a millisecond.
 *
 * Returns: (transfer none): the language
 */
GtkSourceLanguage *
dpx_editor_get_json_language (void)
{
  static GtkSourceBuffer *keeper;
  GtkSourceLanguage *json;

  json = gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (),
                                                   "json");
  if (keeper == NULL && json != NULL)
    keeper = gtk_source_buffer_new_with_language (json);
  return json;
}

static void
update_scheme (AdwStyleManager *manager,
               GParamSpec      *pspec,
               GtkSourceBuffer *buffer)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, adw_style_manager_get_dark (manager)
                                                                ? "Adwaita-dark" : "Adwaita");
  if (scheme)
    gtk_source_buffer_set_style_scheme (buffer, scheme);
}

/**
 * dpx_editor_search_setup_view:
 *
 * Gives @view what every editor of the window has: line numbers, and a
 * style scheme that follows the light or dark style.
 */
void
dpx_editor_search_setup_view (GtkSourceView *view)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));

  g_return_if_fail (GTK_SOURCE_IS_VIEW (view));

  gtk_source_view_set_show_line_numbers (view, TRUE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  /* No brackets lit up as the cursor passes: the text is data. */
  gtk_source_buffer_set_highlight_matching_brackets (buffer, FALSE);
  update_scheme (manager, NULL, buffer);
  g_signal_connect_object (manager, "notify::dark", G_CALLBACK (update_scheme), buffer, 0);

  /* The rules are compiled once, when the window has nothing else to do. */
  {
    static gsize warming;

    if (g_once_init_enter (&warming))
      {
        g_idle_add_full (G_PRIORITY_LOW, warm_json, NULL, NULL);
        g_once_init_leave (&warming, 1);
      }
  }
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_editor_search_dispose (GObject *object)
{
  DpxEditorSearch *self = DPX_EDITOR_SEARCH (object);

  detach_view (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_EDITOR_SEARCH);

  G_OBJECT_CLASS (dpx_editor_search_parent_class)->dispose (object);
}

static void
dpx_editor_search_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DpxEditorSearch *self = DPX_EDITOR_SEARCH (object);

  switch (prop_id)
    {
    case PROP_OPEN:
      g_value_set_boolean (value, dpx_editor_search_get_open (self));
      break;
    case PROP_N_MATCHES:
      g_value_set_int (value, dpx_editor_search_get_n_matches (self));
      break;
    case PROP_POSITION:
      g_value_set_int (value, self->position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_editor_search_class_init (DpxEditorSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dpx_editor_search_dispose;
  object_class->get_property = dpx_editor_search_get_property;

  properties[PROP_OPEN] = g_param_spec_boolean ("open", NULL, NULL, FALSE, flags);
  /* How many matches there are, -1 while counting. */
  properties[PROP_N_MATCHES] = g_param_spec_int ("n-matches", NULL, NULL, -1, G_MAXINT, 0, flags);
  /* The selected match, from 1; 0 for none. */
  properties[PROP_POSITION] = g_param_spec_int ("position", NULL, NULL, 0, G_MAXINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-editor-search.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxEditorSearch, revealer);
  gtk_widget_class_bind_template_child (widget_class, DpxEditorSearch, entry);
  gtk_widget_class_bind_template_child (widget_class, DpxEditorSearch, count_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_next);
  gtk_widget_class_bind_template_callback (widget_class, on_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "editorsearch");
}

static void
dpx_editor_search_init (DpxEditorSearch *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_count (self);
}
