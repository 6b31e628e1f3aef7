/* dpx-template.c: variables in messages and header values
 *
 * A message or a header value may hold `{{name}}`, replaced when it is
 * sent (docs/profiles.md, "Variables"). The built-in variables:
 *
 *   {{counter}}       the number of this send: 1 for the first message
 *                     expanded by this template, then 2, 3…; every
 *                     occurrence in one message has the same number
 *   {{timestamp}}     the time of the send in ISO 8601, UTC, milliseconds:
 *                     2026-12-02T15:04:05.123Z
 *   {{timestamp_ms}}  the same time as Unix milliseconds: 1796223845123
 *   {{uuid}}          a random version 4 UUID, a new one at each occurrence
 *   {{random_int}}    a random integer from 0 to 2147483647, new at each
 *                     occurrence
 *
 * and the profile's own variables, whose values are put in as they are
 * (not expanded again). Spaces inside the braces are allowed:
 * `{{ counter }}`. `\{{` is a literal `{{`. An unknown variable, a name
 * that is not one, or a `{{` never closed is an error naming the character
 * where it starts: nothing is ever sent with a literal `{{` by mistake.
 *
 * Only text is expanded (text and JSON messages, header values); binary
 * messages are sent byte for byte.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Template"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-error.h"
#include "dpx-template.h"

struct _DpxTemplate
{
  GObject     parent_instance;

  GHashTable *variables;  /* name → value */
  guint64     counter;    /* sends expanded so far */
};

G_DEFINE_FINAL_TYPE (DpxTemplate, dpx_template, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_COUNTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const builtins[] = {
  "counter", "timestamp", "timestamp_ms", "uuid", "random_int", NULL
};

static void
dpx_template_finalize (GObject *object)
{
  DpxTemplate *self = DPX_TEMPLATE (object);

  g_clear_pointer (&self->variables, g_hash_table_unref);

  G_OBJECT_CLASS (dpx_template_parent_class)->finalize (object);
}

static void
dpx_template_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DpxTemplate *self = DPX_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_COUNTER:
      g_value_set_uint64 (value, self->counter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_template_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DpxTemplate *self = DPX_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_COUNTER:
      dpx_template_set_counter (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_template_class_init (DpxTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dpx_template_finalize;
  object_class->get_property = dpx_template_get_property;
  object_class->set_property = dpx_template_set_property;

  /**
   * DpxTemplate:counter:
   *
   * How many sends were expanded so far; the next `{{counter}}` is one more.
   */
  properties[PROP_COUNTER] =
    g_param_spec_uint64 ("counter", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_template_init (DpxTemplate *self)
{
  self->variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

DpxTemplate *
dpx_template_new (void)
{
  return g_object_new (DPX_TYPE_TEMPLATE, NULL);
}

gboolean
dpx_template_is_builtin (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return g_strv_contains (builtins, name);
}

static gboolean
is_name (const char *name,
         gsize       length)
{
  if (length == 0 || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < length; i++)
    if (!(g_ascii_isalnum (name[i]) || name[i] == '_' || name[i] == '-' || name[i] == '.'))
      return FALSE;
  return TRUE;
}

/**
 * dpx_template_check_name:
 *
 * A variable's name starts with a letter or `_` and goes on with letters,
 * digits, `_`, `-` and `.`; the built-in names are taken.
 */
gboolean
dpx_template_check_name (const char  *name,
                         GError     **error)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (!is_name (name, strlen (name)))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE,
                   _("“%s” is not a variable name: use letters, digits, “_”, “-” and “.”, "
                     "starting with a letter"), name);
      return FALSE;
    }
  if (dpx_template_is_builtin (name))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE,
                   _("“%s” is a built-in variable; choose another name"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
dpx_template_set_variable (DpxTemplate  *self,
                           const char   *name,
                           const char   *value,
                           GError      **error)
{
  g_return_val_if_fail (DPX_IS_TEMPLATE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!dpx_template_check_name (name, error))
    return FALSE;
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE,
                   _("The value of variable “%s” is not valid UTF-8"), name);
      return FALSE;
    }
  g_hash_table_replace (self->variables, g_strdup (name), g_strdup (value));
  return TRUE;
}

void
dpx_template_remove_variable (DpxTemplate *self,
                              const char  *name)
{
  g_return_if_fail (DPX_IS_TEMPLATE (self));
  g_return_if_fail (name != NULL);

  g_hash_table_remove (self->variables, name);
}

void
dpx_template_clear_variables (DpxTemplate *self)
{
  g_return_if_fail (DPX_IS_TEMPLATE (self));

  g_hash_table_remove_all (self->variables);
}

const char *
dpx_template_get_variable (DpxTemplate *self,
                           const char  *name)
{
  g_return_val_if_fail (DPX_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->variables, name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * dpx_template_dup_variable_names:
 *
 * Returns: (transfer full): the own variables' names, sorted
 */
char **
dpx_template_dup_variable_names (DpxTemplate *self)
{
  g_autofree const char **keys = NULL;
  guint n = 0;
  char **names;

  g_return_val_if_fail (DPX_IS_TEMPLATE (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->variables, &n);
  names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (keys[i]);
  g_qsort_with_data (names, n, sizeof (char *), compare_names, NULL);
  return names;
}

guint64
dpx_template_get_counter (DpxTemplate *self)
{
  g_return_val_if_fail (DPX_IS_TEMPLATE (self), 0);

  return self->counter;
}

void
dpx_template_set_counter (DpxTemplate *self,
                          guint64      counter)
{
  g_return_if_fail (DPX_IS_TEMPLATE (self));

  if (self->counter == counter)
    return;
  self->counter = counter;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER]);
}

/**
 * dpx_template_uses_variables:
 *
 * Whether @text holds a `{{`, escaped or not: a text without one is sent as
 * it is.
 */
gboolean
dpx_template_uses_variables (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  return strstr (text, "{{") != NULL;
}

static gsize
char_position (const char *text,
               const char *at)
{
  return (gsize) g_utf8_pointer_to_offset (text, at) + 1;
}

static gboolean
expand (DpxTemplate  *self,
        const char   *text,
        guint64       counter,
        GString      *out,
        gsize        *error_offset,
        GError      **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *timestamp = NULL;
  gint64 unix_ms = g_date_time_to_unix (now) * 1000 + g_date_time_get_microsecond (now) / 1000;
  const char *p = text;

  {
    g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

    timestamp = g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
  }

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE, _("The text is not valid UTF-8"));
      if (error_offset)
        *error_offset = 0;
      return FALSE;
    }

  while (*p)
    {
      const char *open = strstr (p, "{{");
      const char *name_start, *name_end, *close;
      g_autofree char *name = NULL;
      const char *value;

      if (open == NULL)
        {
          g_string_append (out, p);
          break;
        }
      if (open > p && open[-1] == '\\')
        {
          g_string_append_len (out, p, open - 1 - p);
          g_string_append (out, "{{");
          p = open + 2;
          continue;
        }
      g_string_append_len (out, p, open - p);

      close = strstr (open + 2, "}}");
      if (close == NULL)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE,
                       _("“{{” at character %lu is not closed with “}}” "
                         "(write “\\{{” for a literal “{{”)"),
                       (gulong) char_position (text, open));
          if (error_offset)
            *error_offset = open - text;
          return FALSE;
        }
      name_start = open + 2;
      name_end = close;
      while (name_start < name_end && g_ascii_isspace (*name_start))
        name_start++;
      while (name_end > name_start && g_ascii_isspace (name_end[-1]))
        name_end--;
      name = g_strndup (name_start, name_end - name_start);
      if (!is_name (name, strlen (name)))
        {
          g_autofree char *written = g_strndup (open, close + 2 - open);

          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE,
                       _("“%s” at character %lu is not a variable "
                         "(write “\\{{” for a literal “{{”)"),
                       written, (gulong) char_position (text, open));
          if (error_offset)
            *error_offset = open - text;
          return FALSE;
        }

      if (g_str_equal (name, "counter"))
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, counter);
      else if (g_str_equal (name, "timestamp"))
        g_string_append (out, timestamp);
      else if (g_str_equal (name, "timestamp_ms"))
        g_string_append_printf (out, "%" G_GINT64_FORMAT, unix_ms);
      else if (g_str_equal (name, "uuid"))
        {
          g_autofree char *uuid = g_uuid_string_random ();

          g_string_append (out, uuid);
        }
      else if (g_str_equal (name, "random_int"))
        g_string_append_printf (out, "%" G_GINT32_FORMAT, g_random_int_range (0, G_MAXINT32));
      else if ((value = g_hash_table_lookup (self->variables, name)))
        g_string_append (out, value);
      else
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE,
                       _("Unknown variable “%s” at character %lu"),
                       name, (gulong) char_position (text, open));
          if (error_offset)
            *error_offset = open - text;
          return FALSE;
        }
      p = close + 2;
    }
  return TRUE;
}

/**
 * dpx_template_expand:
 * @error_offset: (out) (optional): on an error, the byte where the faulty
 *   `{{` starts
 *
 * Expands @text for a send: the counter goes up by one (only when the
 * expansion succeeds), whether @text uses `{{counter}}` or not, so the
 * counter counts the sends.
 *
 * Returns: (transfer full) (nullable): the text to send, or %NULL with
 *   @error set
 */
char *
dpx_template_expand (DpxTemplate  *self,
                     const char   *text,
                     gsize        *error_offset,
                     GError      **error)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (DPX_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_new (NULL);
  if (!expand (self, text, self->counter + 1, out, error_offset, error))
    return NULL;
  dpx_template_set_counter (self, self->counter + 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * dpx_template_preview:
 *
 * Expands @text as dpx_template_expand() would for the next send, without
 * counting it: what will go out, shown before sending. Header values are
 * expanded this way when connecting, so their `{{counter}}` is the number
 * the next message will carry.
 *
 * Returns: (transfer full) (nullable): the expanded text, or %NULL with
 *   @error set
 */
char *
dpx_template_preview (DpxTemplate  *self,
                      const char   *text,
                      gsize        *error_offset,
                      GError      **error)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (DPX_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_new (NULL);
  if (!expand (self, text, self->counter + 1, out, error_offset, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
