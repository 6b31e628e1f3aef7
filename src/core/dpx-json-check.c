/* dpx-json-check.c: strict RFC 8259 validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "dpx-error.h"
#include "dpx-json-check.h"

/* json-glib is lenient: it takes JavaScript assignments, comments, single
 * quotes and ignores anything after the first value. A test client must not
 * call such text JSON and send it to a strict server, so the compose box
 * asks this checker first. It only validates; json-glib still formats. */

#define MAX_DEPTH 512

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  const char *problem;
} Checker;

static gboolean check_value (Checker *c, guint depth);

static void
skip_space (Checker *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
fail (Checker    *c,
      const char *problem)
{
  c->problem = problem;
  return FALSE;
}

static gboolean
literal (Checker    *c,
         const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (c->end - c->p) < n || memcmp (c->p, word, n) != 0)
    return fail (c, N_("unexpected character"));
  c->p += n;
  return TRUE;
}

/* Four hex digits at @p, before @end, as one UTF-16 code unit. */
static gboolean
hex_unit (const char *p,
          const char *end,
          guint      *unit)
{
  *unit = 0;
  for (int i = 0; i < 4; i++)
    {
      if (p + i >= end || !g_ascii_isxdigit (p[i]))
        return FALSE;
      *unit = (*unit << 4) | g_ascii_xdigit_value (p[i]);
    }
  return TRUE;
}

static gboolean
check_string (Checker *c)
{
  c->p++;  /* the opening quote */
  while (c->p < c->end)
    {
      guchar ch = *c->p;

      if (ch == '"')
        {
          c->p++;
          return TRUE;
        }
      if (ch < 0x20)
        return fail (c, N_("a control character must be escaped inside a string"));
      if (ch == '\\')
        {
          c->p++;
          if (c->p >= c->end)
            break;
          if (*c->p == 'u')
            {
              guint unit;

              if (!hex_unit (c->p + 1, c->end, &unit))
                return fail (c, N_("\\u needs four hex digits"));
              c->p += 5;
              /* A UTF-16 surrogate must come as a high and low pair:
               * json-glib turns a lone one into bytes that are not UTF-8. */
              if (unit >= 0xdc00 && unit <= 0xdfff)
                return fail (c, N_("a \\u escape is half of a character (a lone UTF-16 surrogate)"));
              if (unit >= 0xd800 && unit <= 0xdbff)
                {
                  guint low;

                  if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' ||
                      !hex_unit (c->p + 2, c->end, &low) || low < 0xdc00 || low > 0xdfff)
                    return fail (c, N_("a \\u escape is half of a character (a lone UTF-16 surrogate)"));
                  c->p += 6;
                }
              continue;
            }
          if (!strchr ("\"\\/bfnrt", *c->p))
            return fail (c, N_("unknown escape in a string"));
        }
      else if (ch >= 0x80)
        {
          gunichar uc = g_utf8_get_char_validated ((const char *) c->p, c->end - c->p);

          if (uc == (gunichar) -1 || uc == (gunichar) -2)
            return fail (c, N_("the string is not valid UTF-8"));
          c->p = (const char *) g_utf8_next_char (c->p);
          continue;
        }
      c->p++;
    }
  return fail (c, N_("the string is not closed"));
}

static gboolean
digits (Checker *c)
{
  const char *begin = c->p;

  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  return c->p > begin;
}

static gboolean
check_number (Checker *c)
{
  if (*c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;
  else if (!digits (c))
    return fail (c, N_("a number needs digits"));
  if (c->p < c->end && *c->p == '.')
    {
      c->p++;
      if (!digits (c))
        return fail (c, N_("a fraction needs digits"));
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      if (!digits (c))
        return fail (c, N_("an exponent needs digits"));
    }
  return TRUE;
}

static gboolean
check_container (Checker *c,
                 guint    depth,
                 gboolean object)
{
  char close = object ? '}' : ']';

  if (depth > MAX_DEPTH)
    return fail (c, N_("nested too deeply"));
  c->p++;
  skip_space (c);
  if (c->p < c->end && *c->p == close)
    {
      c->p++;
      return TRUE;
    }
  for (;;)
    {
      skip_space (c);
      if (object)
        {
          if (c->p >= c->end || *c->p != '"')
            return fail (c, N_("a member name must be a string in double quotes"));
          if (!check_string (c))
            return FALSE;
          skip_space (c);
          if (c->p >= c->end || *c->p != ':')
            return fail (c, N_("expected “:” after a member name"));
          c->p++;
        }
      if (!check_value (c, depth + 1))
        return FALSE;
      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          continue;
        }
      if (c->p < c->end && *c->p == close)
        {
          c->p++;
          return TRUE;
        }
      return fail (c, object ? N_("expected “,” or “}”") : N_("expected “,” or “]”"));
    }
}

static gboolean
check_value (Checker *c,
             guint    depth)
{
  skip_space (c);
  if (c->p >= c->end)
    return fail (c, N_("a value is missing"));

  switch (*c->p)
    {
    case '{':
      return check_container (c, depth, TRUE);
    case '[':
      return check_container (c, depth, FALSE);
    case '"':
      return check_string (c);
    case 't':
      return literal (c, "true");
    case 'f':
      return literal (c, "false");
    case 'n':
      return literal (c, "null");
    case '\'':
      return fail (c, N_("strings take double quotes"));
    case '/':
      return fail (c, N_("JSON has no comments"));
    default:
      if (*c->p == '-' || g_ascii_isdigit (*c->p))
        return check_number (c);
      return fail (c, N_("unexpected character"));
    }
}

/**
 * dpx_json_check:
 * @length: bytes in @text, or -1 when NUL-terminated
 *
 * Returns: %TRUE if @text is exactly one JSON value (RFC 8259), else %FALSE
 *   with @error saying what is wrong and where (line and column)
 */
gboolean
dpx_json_check (const char  *text,
                gssize       length,
                GError     **error)
{
  Checker c;
  guint line = 1, column = 1;

  g_return_val_if_fail (text != NULL, FALSE);

  if (length < 0)
    length = strlen (text);
  c.start = c.p = text;
  c.end = text + length;
  c.problem = NULL;

  if (check_value (&c, 0))
    {
      skip_space (&c);
      if (c.p == c.end)
        return TRUE;
      c.problem = N_("more text follows the value");
    }
  if (c.p >= c.end && c.problem == NULL)
    c.problem = N_("the text ends too early");

  for (const char *q = text; q < c.p && q < c.end; q = g_utf8_next_char (q))
    {
      if (*q == '\n')
        {
          line++;
          column = 1;
        }
      else
        column++;
    }
  g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
               _("Invalid JSON at line %u, column %u: %s"), line, column, _(c.problem));
  return FALSE;
}
