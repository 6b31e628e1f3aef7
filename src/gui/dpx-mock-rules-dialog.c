/* dpx-mock-rules-dialog.c: the mock's rules, edited and kept as a rules file
 *
 * Edits the rules it is given in place, so the window's copy is always what
 * the next mock will use. What is wrong with them (a pattern that does not
 * compile, a member with no name) is said under the fields as it is typed.
 * Open and Save As read and write the rules file `duplex mock --rules`
 * takes (docs/mock-rules.md); a file that cannot be read leaves the rules
 * as they were and says why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-MockRules"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-file-chooser.h"
#include "dpx-mock-rules-dialog.h"

struct _DpxMockRulesDialog
{
  AdwWindow       parent_instance;

  AdwComboRow    *match_row;
  AdwEntryRow    *member_row;
  AdwEntryRow    *pattern_row;
  GtkSpinButton  *timeout_spin;
  GtkLabel       *problem_label;

  DpxMockRules   *rules;
  GCancellable   *chooser;
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (DpxMockRulesDialog, dpx_mock_rules_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_RULES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_problem (DpxMockRulesDialog *self,
              const char         *problem)
{
  gtk_label_set_text (self->problem_label, problem ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
}

static void
check_rules (DpxMockRulesDialog *self)
{
  g_autoptr(GError) error = NULL;

  dpx_mock_rules_check (self->rules, &error);
  show_problem (self, error ? error->message : NULL);
}

/* The fields follow the rules, also when a file replaced them. */
static void
sync_fields (DpxMockRulesDialog *self)
{
  DpxMockMatch match = dpx_mock_rules_get_match (self->rules);
  const char *member = dpx_mock_rules_get_member (self->rules);
  const char *pattern = dpx_mock_rules_get_pattern (self->rules);

  self->updating = TRUE;
  adw_combo_row_set_selected (self->match_row, match);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->member_row)), member ? member : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->member_row), member ? member : "");
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->pattern_row)), pattern ? pattern : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->pattern_row), pattern ? pattern : "");
  gtk_spin_button_set_value (self->timeout_spin, dpx_mock_rules_get_timeout (self->rules));
  self->updating = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->member_row), match == DPX_MOCK_MATCH_MEMBER);
  gtk_widget_set_visible (GTK_WIDGET (self->pattern_row), match == DPX_MOCK_MATCH_REGEX);
  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), match != DPX_MOCK_MATCH_NONE);
  check_rules (self);
}

static void
on_match_selected (DpxMockRulesDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->match_row);

  if (!self->updating && selected <= DPX_MOCK_MATCH_REGEX)
    dpx_mock_rules_set_match (self->rules, selected);
}

static void
on_member_changed (DpxMockRulesDialog *self)
{
  if (!self->updating)
    dpx_mock_rules_set_member (self->rules, gtk_editable_get_text (GTK_EDITABLE (self->member_row)));
}

static void
on_pattern_changed (DpxMockRulesDialog *self)
{
  if (!self->updating)
    dpx_mock_rules_set_pattern (self->rules, gtk_editable_get_text (GTK_EDITABLE (self->pattern_row)));
}

static void
on_timeout_changed (DpxMockRulesDialog *self)
{
  if (!self->updating)
    dpx_mock_rules_set_timeout (self->rules, (guint) gtk_spin_button_get_value_as_int (self->timeout_spin));
}

/**
 * dpx_mock_rules_dialog_open_file:
 *
 * Replaces the rules with a rules file's. A file that cannot be read or
 * holds no valid rules changes nothing; the error is also shown.
 */
gboolean
dpx_mock_rules_dialog_open_file (DpxMockRulesDialog  *self,
                                 GFile               *file,
                                 GError             **error)
{
  g_autoptr(DpxMockRules) loaded = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DPX_IS_MOCK_RULES_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  loaded = dpx_mock_rules_load (file, &local_error);
  if (loaded == NULL)
    {
      show_problem (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_object_freeze_notify (G_OBJECT (self->rules));
  dpx_mock_rules_set_member (self->rules, dpx_mock_rules_get_member (loaded));
  dpx_mock_rules_set_pattern (self->rules, dpx_mock_rules_get_pattern (loaded));
  dpx_mock_rules_set_timeout (self->rules, dpx_mock_rules_get_timeout (loaded));
  dpx_mock_rules_set_match (self->rules, dpx_mock_rules_get_match (loaded));
  g_object_thaw_notify (G_OBJECT (self->rules));
  return TRUE;
}

gboolean
dpx_mock_rules_dialog_save_file (DpxMockRulesDialog  *self,
                                 GFile               *file,
                                 GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DPX_IS_MOCK_RULES_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!dpx_mock_rules_save (self->rules, file, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);
      /* Translators: %s is a file name, the second %s why it failed */
      g_autofree char *text = g_strdup_printf (_("Could not save “%s”: %s"), name, local_error->message);

      show_problem (self, text);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

const char *
dpx_mock_rules_dialog_get_problem (DpxMockRulesDialog *self)
{
  g_return_val_if_fail (DPX_IS_MOCK_RULES_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->problem_label)))
    return NULL;
  return gtk_label_get_text (self->problem_label);
}

DpxMockRules *
dpx_mock_rules_dialog_get_rules (DpxMockRulesDialog *self)
{
  g_return_val_if_fail (DPX_IS_MOCK_RULES_DIALOG (self), NULL);
  return self->rules;
}

/* File choosers --------------------------------------------------------- */

static GtkFileFilter *
rules_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Rules files (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_mime_type (filter, "application/json");
  return filter;
}

static void
on_open_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpxMockRulesDialog) self = user_data;
  g_autoptr(GFile) file = dpx_file_chooser_finish (result, NULL);

  if (file)
    dpx_mock_rules_dialog_open_file (self, file, NULL);
}

static void
on_save_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpxMockRulesDialog) self = user_data;
  g_autoptr(GFile) file = dpx_file_chooser_finish (result, NULL);

  if (file)
    dpx_mock_rules_dialog_save_file (self, file, NULL);
}

static void
choose_file (DpxMockRulesDialog *self,
             gboolean            saving)
{
  g_autoptr(GtkFileFilter) filter = rules_filter ();

  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = g_cancellable_new ();
  if (saving)
    dpx_file_chooser_save_async (GTK_WIDGET (self), _("Save Mock Rules"), _("_Save"),
                                 "mock-rules.json", filter, self->chooser,
                                 on_save_chosen, g_object_ref (self));
  else
    dpx_file_chooser_open_async (GTK_WIDGET (self), _("Open Mock Rules"), _("_Open"), filter,
                                 self->chooser, on_open_chosen, g_object_ref (self));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  choose_file (DPX_MOCK_RULES_DIALOG (widget), FALSE);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  choose_file (DPX_MOCK_RULES_DIALOG (widget), TRUE);
}

/* Object ---------------------------------------------------------------- */

DpxMockRulesDialog *
dpx_mock_rules_dialog_new (DpxMockRules *rules)
{
  g_return_val_if_fail (DPX_IS_MOCK_RULES (rules), NULL);
  return g_object_new (DPX_TYPE_MOCK_RULES_DIALOG, "rules", rules, NULL);
}

static void
dpx_mock_rules_dialog_constructed (GObject *object)
{
  DpxMockRulesDialog *self = DPX_MOCK_RULES_DIALOG (object);

  G_OBJECT_CLASS (dpx_mock_rules_dialog_parent_class)->constructed (object);

  if (self->rules == NULL)
    self->rules = dpx_mock_rules_new ();
  g_signal_connect_object (self->rules, "notify", G_CALLBACK (sync_fields), self, G_CONNECT_SWAPPED);
  sync_fields (self);
}

static void
dpx_mock_rules_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DpxMockRulesDialog *self = DPX_MOCK_RULES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_RULES:
      g_value_set_object (value, self->rules);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_mock_rules_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DpxMockRulesDialog *self = DPX_MOCK_RULES_DIALOG (object);

  switch (prop_id)
    {
    case PROP_RULES:
      self->rules = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_mock_rules_dialog_dispose (GObject *object)
{
  DpxMockRulesDialog *self = DPX_MOCK_RULES_DIALOG (object);

  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_MOCK_RULES_DIALOG);

  G_OBJECT_CLASS (dpx_mock_rules_dialog_parent_class)->dispose (object);
}

static void
dpx_mock_rules_dialog_finalize (GObject *object)
{
  DpxMockRulesDialog *self = DPX_MOCK_RULES_DIALOG (object);

  g_clear_object (&self->rules);

  G_OBJECT_CLASS (dpx_mock_rules_dialog_parent_class)->finalize (object);
}

static void
dpx_mock_rules_dialog_class_init (DpxMockRulesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dpx_mock_rules_dialog_constructed;
  object_class->get_property = dpx_mock_rules_dialog_get_property;
  object_class->set_property = dpx_mock_rules_dialog_set_property;
  object_class->dispose = dpx_mock_rules_dialog_dispose;
  object_class->finalize = dpx_mock_rules_dialog_finalize;

  properties[PROP_RULES] =
    g_param_spec_object ("rules", NULL, NULL, DPX_TYPE_MOCK_RULES,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-mock-rules-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxMockRulesDialog, match_row);
  gtk_widget_class_bind_template_child (widget_class, DpxMockRulesDialog, member_row);
  gtk_widget_class_bind_template_child (widget_class, DpxMockRulesDialog, pattern_row);
  gtk_widget_class_bind_template_child (widget_class, DpxMockRulesDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxMockRulesDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, on_match_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_member_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_pattern_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_timeout_changed);

  gtk_widget_class_install_action (widget_class, "rules.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "rules.save-as", NULL, save_as_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "rules.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "rules.save-as", NULL);
}

static void
dpx_mock_rules_dialog_init (DpxMockRulesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
