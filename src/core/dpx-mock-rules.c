/* dpx-mock-rules.c: how a mock matches a client's messages with the recording
 *
 * The rules are a small JSON object (docs/mock-rules.md) that people write
 * by hand and the window edits, so reading them is strict: an unknown
 * member, a wrong type or a pattern that does not compile is refused with
 * what was wrong, rather than half applied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Mock"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-enums.h"
#include "dpx-error.h"
#include "dpx-json-check.h"
#include "dpx-mock-rules.h"

/* A rules file is a few lines; anything longer is not one. */
#define MAX_RULES_SIZE (64 * 1024)

struct _DpxMockRules
{
  GObject       parent_instance;

  DpxMockMatch  match;
  char         *member;
  char         *pattern;
  guint         timeout;
};

G_DEFINE_FINAL_TYPE (DpxMockRules, dpx_mock_rules, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MATCH,
  PROP_MEMBER,
  PROP_PATTERN,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const match_names[] = { "none", "exact", "member", "regex" };

DpxMockRules *
dpx_mock_rules_new (void)
{
  return g_object_new (DPX_TYPE_MOCK_RULES, NULL);
}

/**
 * dpx_mock_rules_new_from_bytes:
 *
 * Reads rules from the text of a rules file: a JSON object with "match"
 * ("none", "exact", "member" or "regex"; "exact" when absent), "member" or
 * "pattern" as the match needs, and "timeout" in seconds. Anything else is
 * refused, and so are rules that dpx_mock_rules_check() refuses.
 */
DpxMockRules *
dpx_mock_rules_new_from_bytes (GBytes  *bytes,
                               GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(DpxMockRules) rules = dpx_mock_rules_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  const char *data;
  gsize size;

  g_return_val_if_fail (bytes != NULL, NULL);

#define FAIL(...) G_STMT_START { \
    g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE, __VA_ARGS__); \
    return NULL; } G_STMT_END

  data = g_bytes_get_data (bytes, &size);
  if (size > MAX_RULES_SIZE)
    FAIL ("%s", _("a rules file is a few lines, not this long"));
  /* json-glib recurses without a limit: check the depth first. */
  if (!dpx_json_check (data, size, error) ||
      !json_parser_load_from_data (parser, data, size, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    FAIL ("%s", _("expected a JSON object"));
  object = json_node_get_object (json_parser_get_root (parser));

  members = json_object_get_members (object);
  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (object, key);
      gboolean is_string = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;

      if (g_str_equal (key, "match"))
        {
          guint i;

          for (i = 0; is_string && i < G_N_ELEMENTS (match_names); i++)
            if (g_str_equal (json_node_get_string (node), match_names[i]))
              break;
          if (!is_string || i == G_N_ELEMENTS (match_names))
            FAIL ("%s", _("“match” is one of \"none\", \"exact\", \"member\", \"regex\""));
          rules->match = i;
        }
      else if (g_str_equal (key, "member") || g_str_equal (key, "pattern"))
        {
          if (!is_string)
            FAIL (_("“%s” is a string"), key);
          g_free (key[0] == 'm' ? rules->member : rules->pattern);
          if (key[0] == 'm')
            rules->member = g_strdup (json_node_get_string (node));
          else
            rules->pattern = g_strdup (json_node_get_string (node));
        }
      else if (g_str_equal (key, "timeout"))
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
              json_node_get_int (node) < 0 || json_node_get_int (node) > DPX_MOCK_MAX_WAIT_TIMEOUT)
            FAIL ("%s", _("“timeout” is a whole number of seconds, 0 to 86400 (0 waits for ever)"));
          rules->timeout = json_node_get_int (node);
        }
      else
        FAIL (_("unknown member “%s”"), key);
    }
#undef FAIL

  if (!dpx_mock_rules_check (rules, error))
    return NULL;
  return g_steal_pointer (&rules);
}

DpxMockRules *
dpx_mock_rules_load (GFile   *file,
                     GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  DpxMockRules *rules;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (bytes != NULL && (rules = dpx_mock_rules_new_from_bytes (bytes, &local_error)) != NULL)
    return rules;
  g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE, "“%s”: %s", name, local_error->message);
  return NULL;
}

/**
 * dpx_mock_rules_to_json:
 *
 * Returns: (transfer full): the rules as a rules file, with only the
 *   members the match uses
 */
char *
dpx_mock_rules_to_json (DpxMockRules *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GString *text;

  g_return_val_if_fail (DPX_IS_MOCK_RULES (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "match");
  json_builder_add_string_value (builder, match_names[self->match]);
  if (self->match == DPX_MOCK_MATCH_MEMBER)
    {
      json_builder_set_member_name (builder, "member");
      json_builder_add_string_value (builder, self->member ? self->member : "");
    }
  else if (self->match == DPX_MOCK_MATCH_REGEX)
    {
      json_builder_set_member_name (builder, "pattern");
      json_builder_add_string_value (builder, self->pattern ? self->pattern : "");
    }
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, self->timeout);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = g_string_new (NULL);
  json_generator_to_gstring (generator, text);
  g_string_append_c (text, '\n');
  return g_string_free (text, FALSE);
}

/* Written beside and renamed over, so a full disk leaves the old file. */
gboolean
dpx_mock_rules_save (DpxMockRules  *self,
                     GFile         *file,
                     GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (DPX_IS_MOCK_RULES (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!dpx_mock_rules_check (self, error))
    return FALSE;
  text = dpx_mock_rules_to_json (self);
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/**
 * dpx_mock_rules_check:
 *
 * Whether the match has what it needs: a member's name, or a pattern that
 * compiles. The error says what is missing, for a person.
 */
gboolean
dpx_mock_rules_check (DpxMockRules  *self,
                      GError       **error)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DPX_IS_MOCK_RULES (self), FALSE);

  if (self->match == DPX_MOCK_MATCH_MEMBER && (self->member == NULL || *self->member == '\0'))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                           _("matching by member needs the member’s name"));
      return FALSE;
    }
  if (self->match == DPX_MOCK_MATCH_REGEX)
    {
      if (self->pattern == NULL || *self->pattern == '\0')
        {
          g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                               _("matching by pattern needs a pattern"));
          return FALSE;
        }
      if (!(regex = g_regex_new (self->pattern, 0, 0, &local_error)))
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("the pattern does not compile: %s"), local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

DpxMockMatch
dpx_mock_rules_get_match (DpxMockRules *self)
{
  g_return_val_if_fail (DPX_IS_MOCK_RULES (self), DPX_MOCK_MATCH_EXACT);
  return self->match;
}

void
dpx_mock_rules_set_match (DpxMockRules *self,
                          DpxMockMatch  match)
{
  g_return_if_fail (DPX_IS_MOCK_RULES (self));
  g_return_if_fail (match <= DPX_MOCK_MATCH_REGEX);

  if (self->match == match)
    return;
  self->match = match;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCH]);
}

const char *
dpx_mock_rules_get_member (DpxMockRules *self)
{
  g_return_val_if_fail (DPX_IS_MOCK_RULES (self), NULL);
  return self->member;
}

void
dpx_mock_rules_set_member (DpxMockRules *self,
                           const char   *member)
{
  g_return_if_fail (DPX_IS_MOCK_RULES (self));

  if (g_strcmp0 (self->member, member) == 0)
    return;
  g_free (self->member);
  self->member = g_strdup (member);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBER]);
}

const char *
dpx_mock_rules_get_pattern (DpxMockRules *self)
{
  g_return_val_if_fail (DPX_IS_MOCK_RULES (self), NULL);
  return self->pattern;
}

void
dpx_mock_rules_set_pattern (DpxMockRules *self,
                            const char   *pattern)
{
  g_return_if_fail (DPX_IS_MOCK_RULES (self));

  if (g_strcmp0 (self->pattern, pattern) == 0)
    return;
  g_free (self->pattern);
  self->pattern = g_strdup (pattern);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATTERN]);
}

guint
dpx_mock_rules_get_timeout (DpxMockRules *self)
{
  g_return_val_if_fail (DPX_IS_MOCK_RULES (self), 0);
  return self->timeout;
}

void
dpx_mock_rules_set_timeout (DpxMockRules *self,
                            guint         seconds)
{
  g_return_if_fail (DPX_IS_MOCK_RULES (self));
  g_return_if_fail (seconds <= DPX_MOCK_MAX_WAIT_TIMEOUT);

  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

static void
dpx_mock_rules_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DpxMockRules *self = DPX_MOCK_RULES (object);

  switch (prop_id)
    {
    case PROP_MATCH:
      g_value_set_enum (value, self->match);
      break;
    case PROP_MEMBER:
      g_value_set_string (value, self->member);
      break;
    case PROP_PATTERN:
      g_value_set_string (value, self->pattern);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_mock_rules_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DpxMockRules *self = DPX_MOCK_RULES (object);

  switch (prop_id)
    {
    case PROP_MATCH:
      dpx_mock_rules_set_match (self, g_value_get_enum (value));
      break;
    case PROP_MEMBER:
      dpx_mock_rules_set_member (self, g_value_get_string (value));
      break;
    case PROP_PATTERN:
      dpx_mock_rules_set_pattern (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      dpx_mock_rules_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_mock_rules_finalize (GObject *object)
{
  DpxMockRules *self = DPX_MOCK_RULES (object);

  g_free (self->member);
  g_free (self->pattern);

  G_OBJECT_CLASS (dpx_mock_rules_parent_class)->finalize (object);
}

static void
dpx_mock_rules_class_init (DpxMockRulesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = dpx_mock_rules_get_property;
  object_class->set_property = dpx_mock_rules_set_property;
  object_class->finalize = dpx_mock_rules_finalize;

  properties[PROP_MATCH] =
    g_param_spec_enum ("match", NULL, NULL, DPX_TYPE_MOCK_MATCH, DPX_MOCK_MATCH_EXACT, rw);
  properties[PROP_MEMBER] = g_param_spec_string ("member", NULL, NULL, NULL, rw);
  properties[PROP_PATTERN] = g_param_spec_string ("pattern", NULL, NULL, NULL, rw);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, DPX_MOCK_MAX_WAIT_TIMEOUT, DPX_MOCK_DEFAULT_WAIT_TIMEOUT, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_mock_rules_init (DpxMockRules *self)
{
  self->match = DPX_MOCK_MATCH_EXACT;
  self->timeout = DPX_MOCK_DEFAULT_WAIT_TIMEOUT;
}
