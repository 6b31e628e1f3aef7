/* dpx-cli-profile.c: `duplex profile`, the profiles without a window
 *
 * The same store as the window's (docs/profiles.md): the file in the user
 * data folder and the secrets in the keyring. `consume`, `produce` and
 * `replay` take `--profile NAME` (dpx-cli-client.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "dpx-cli-private.h"
#include "dpx-client.h"
#include "dpx-close-code.h"
#include "dpx-format.h"
#include "dpx-parse.h"
#include "dpx-profile-store.h"

/**
 * dpx_cli_open_profiles:
 *
 * Returns: (transfer full) (nullable): the user's profiles, or %NULL after
 *   saying why on stderr
 */
DpxProfileStore *
dpx_cli_open_profiles (void)
{
  g_autoptr(DpxProfileStore) store = dpx_profile_store_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  if (!dpx_profile_store_load (store, &error))
    {
      fprintf (stderr, "duplex: %s\n", error->message);
      return NULL;
    }
  return g_steal_pointer (&store);
}

/* The profile named (or with the id) @name, or NULL after saying so. */
DpxProfile *
dpx_cli_find_profile (DpxProfileStore *store,
                      const char      *name)
{
  DpxProfile *profile = dpx_profile_store_find (store, name);

  if (profile == NULL)
    fprintf (stderr, _("duplex: there is no profile named “%s” (see “duplex profile list”)\n"), name);
  return profile;
}

static int
fail (GError *error)
{
  fprintf (stderr, "duplex: %s\n", error->message);
  return DPX_EXIT_FAILURE;
}

static int
profile_list (DpxProfileStore *store,
              int              argc,
              char           **argv)
{
  g_autoptr(GPtrArray) found = dpx_profile_store_search (store, argc > 0 ? argv[0] : NULL);

  for (guint i = 0; i < found->len; i++)
    {
      const char *url = dpx_connection_options_get_url (dpx_profile_get_options (found->pdata[i]));

      printf ("%s\t%s\n", dpx_profile_get_name (found->pdata[i]), url ? url : "");
    }
  return DPX_EXIT_OK;
}

static int
profile_show (DpxProfileStore *store,
              DpxProfile      *profile)
{
  DpxConnectionOptions *options = dpx_profile_get_options (profile);
  DpxTemplate *template = dpx_profile_get_template (profile);
  const char * const *protocols = dpx_connection_options_get_subprotocols (options);
  GListModel *messages = dpx_profile_get_saved_messages (profile);
  GListModel *history = dpx_profile_get_history (profile);
  g_autofree char *joined = g_strjoinv (", ", (char **) protocols);
  g_auto(GStrv) variables = dpx_template_dup_variable_names (template);
  GVariantIter iter;
  const char *name, *value;

  printf (_("Name: %s\n"), dpx_profile_get_name (profile));
  printf (_("Id: %s\n"), dpx_profile_get_id (profile));
  printf (_("URL: %s\n"), dpx_connection_options_get_url (options) ? dpx_connection_options_get_url (options) : "");
  printf (_("Subprotocols: %s\n"), joined);
  printf (_("Origin: %s\n"), dpx_connection_options_get_origin (options));
  g_variant_iter_init (&iter, dpx_connection_options_get_request_headers (options));
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      if (dpx_profile_is_secret_header (profile, name))
        printf (_("Header: %s: %s (secret, in the keyring)\n"), name, DPX_SECRET_MASK);
      else
        printf (_("Header: %s: %s\n"), name, value);
    }
  for (guint i = 0; variables[i]; i++)
    printf (_("Variable: %s = %s\n"), variables[i], dpx_template_get_variable (template, variables[i]));
  printf (_("Messages sent: %llu\n"), (unsigned long long) dpx_template_get_counter (template));
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(DpxSavedMessage) message = g_list_model_get_item (messages, i);
      static const char *modes[] = { "text", "json", "binary" };

      printf (_("Saved message %u: %s (%s)\n"), i + 1, dpx_saved_message_get_name (message),
              modes[dpx_saved_message_get_mode (message)]);
    }
  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(DpxConnectionRecord) record = g_list_model_get_item (history, i);
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (dpx_connection_record_get_started (record) /
                                                                  G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format (at, "%Y-%m-%d %H:%M:%S");
      guint code = dpx_connection_record_get_close_code (record);

      printf (_("Connection: %s, %.1f s, close %u (%s), %llu in, %llu out%s%s\n"),
              when, dpx_connection_record_get_duration_ms (record) / 1000.0, code,
              code ? dpx_close_code_describe (code) : _("none"),
              (unsigned long long) dpx_connection_record_get_messages_in (record),
              (unsigned long long) dpx_connection_record_get_messages_out (record),
              dpx_connection_record_get_log_path (record) ? _(", log: ") : "",
              dpx_connection_record_get_log_path (record) ? dpx_connection_record_get_log_path (record) : "");
    }
  return DPX_EXIT_OK;
}

/* `profile save NAME [options] URL`: a profile made or updated from the
 * same options as consume, secrets to the keyring. */
static int
profile_save (DpxProfileStore *store,
              GOptionContext  *context,
              int              argc,
              char           **argv,
              char           **headers,
              char           **secret_headers,
              char           **protocols,
              const char      *origin,
              char           **variables)
{
  g_autoptr(DpxProfile) created = NULL;
  g_autoptr(GError) error = NULL;
  DpxProfile *profile;
  DpxConnectionOptions *options;
  GVariantBuilder builder;

  if (argc != 2)
    {
      dpx_cli_usage_error (context, _("profile save needs a NAME and a URL"));
      return DPX_EXIT_USAGE;
    }
  if (!dpx_client_check_url (argv[1], &error))
    {
      dpx_cli_usage_error (context, error->message);
      return DPX_EXIT_USAGE;
    }
  profile = dpx_profile_store_find (store, argv[0]);
  if (profile == NULL)
    profile = created = dpx_profile_new (argv[0]);
  options = dpx_profile_get_options (profile);
  dpx_connection_options_set_url (options, argv[1]);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; headers && headers[i]; i++)
    {
      g_autofree char *name = NULL;
      const char *colon = strchr (headers[i], ':');
      const char *value;

      if (colon == NULL)
        {
          g_variant_builder_clear (&builder);
          dpx_cli_usage_error (context, _("A header is written as “Name: value”"));
          return DPX_EXIT_USAGE;
        }
      name = g_strstrip (g_strndup (headers[i], colon - headers[i]));
      value = colon + 1;
      while (*value == ' ' || *value == '\t')
        value++;
      if (!dpx_client_check_header (name, value, &error))
        {
          g_variant_builder_clear (&builder);
          dpx_cli_usage_error (context, error->message);
          return DPX_EXIT_USAGE;
        }
      g_variant_builder_add (&builder, "(ss)", name, value);
    }
  if (headers)
    dpx_connection_options_set_request_headers (options, g_variant_builder_end (&builder));
  else
    g_variant_builder_clear (&builder);
  for (guint i = 0; secret_headers && secret_headers[i]; i++)
    dpx_profile_set_header_secret (profile, secret_headers[i], TRUE);
  if (protocols)
    dpx_connection_options_set_subprotocols (options, (const char * const *) protocols);
  if (origin)
    dpx_connection_options_set_origin (options, origin);
  for (guint i = 0; variables && variables[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (variables[i], "=", 2);

      if (pair[1] == NULL)
        {
          dpx_cli_usage_error (context, _("A variable is written as NAME=VALUE"));
          return DPX_EXIT_USAGE;
        }
      if (!dpx_template_set_variable (dpx_profile_get_template (profile), pair[0], pair[1], &error))
        {
          dpx_cli_usage_error (context, error->message);
          return DPX_EXIT_USAGE;
        }
    }

  if (created ? !dpx_profile_store_add (store, profile, &error)
              : !dpx_profile_store_save_profile (store, profile, &error))
    return fail (error);
  printf (created ? _("Saved new profile “%s”\n") : _("Saved profile “%s”\n"), dpx_profile_get_name (profile));
  return DPX_EXIT_OK;
}

int
dpx_cli_profile (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DpxProfileStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) headers = NULL;
  g_auto(GStrv) secret_headers = NULL;
  g_auto(GStrv) protocols = NULL;
  g_auto(GStrv) variables = NULL;
  g_autofree char *origin = NULL;
  const char *command;
  DpxProfile *profile = NULL;
  int rest;
  GOptionEntry entries[] = {
    { "header", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &headers,
      N_("save: a request header (repeatable; replaces the profile’s headers)"), N_("'NAME: VALUE'") },
    { "secret", 0, 0, G_OPTION_ARG_STRING_ARRAY, &secret_headers,
      N_("save: keep this header’s value in the keyring too (repeatable)"), N_("NAME") },
    { "protocol", 0, 0, G_OPTION_ARG_STRING_ARRAY, &protocols,
      N_("save: a subprotocol to offer (repeatable)"), N_("PROTOCOL") },
    { "origin", 0, 0, G_OPTION_ARG_STRING, &origin, N_("save: the Origin header"), N_("ORIGIN") },
    { "var", 0, 0, G_OPTION_ARG_STRING_ARRAY, &variables,
      N_("save: a variable of the profile, used as {{NAME}} (repeatable)"), N_("NAME=VALUE") },
    { NULL }
  };

  context = g_option_context_new (_("COMMAND [ARGS…]"));
  g_option_context_set_summary (context,
    _("Saved connections. Commands:\n"
      "  list [TEXT]             the profiles, or those whose name or URL holds TEXT\n"
      "  show NAME               a profile’s options, messages and past connections\n"
      "  save NAME URL           make or update a profile from the options below\n"
      "  rename NAME NEW-NAME\n"
      "  duplicate NAME [NEW-NAME]\n"
      "  delete NAME             the profile and its secrets in the keyring\n"
      "  export FILE [NAME…]     all profiles or the ones named, without secret values\n"
      "  import FILE             add the profiles of an export; secret values go to the keyring"));
  g_option_context_set_description (context,
    _("Secret header values (Authorization, Cookie, Proxy-Authorization and those marked --secret) "
      "are kept in the desktop keyring, never in the profiles file or an export. "
      "Use a profile with “duplex consume --profile NAME”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_set_prgname ("duplex profile");
  if (!dpx_cli_parse_options (context, &argc, &argv))
    return DPX_EXIT_USAGE;
  if (argc < 2)
    {
      dpx_cli_usage_error (context, _("profile needs a command"));
      return DPX_EXIT_USAGE;
    }
  command = argv[1];
  rest = argc - 2;
  argv += 2;

  store = dpx_cli_open_profiles ();
  if (store == NULL)
    return DPX_EXIT_FAILURE;

  if (g_str_equal (command, "list") && rest <= 1)
    return profile_list (store, rest, argv);
  if (g_str_equal (command, "save"))
    return profile_save (store, context, rest, argv, headers, secret_headers, protocols, origin, variables);
  if (g_str_equal (command, "export") && rest >= 1)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[0]);
      g_autoptr(GPtrArray) chosen = NULL;

      if (rest > 1)
        {
          chosen = g_ptr_array_new_with_free_func (g_object_unref);
          for (int i = 1; i < rest; i++)
            {
              profile = dpx_cli_find_profile (store, argv[i]);
              if (profile == NULL)
                return DPX_EXIT_FAILURE;
              g_ptr_array_add (chosen, g_object_ref (profile));
            }
        }
      if (!dpx_profile_store_export (store, chosen, file, &error))
        return fail (error);
      return DPX_EXIT_OK;
    }
  if (g_str_equal (command, "import") && rest == 1)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[0]);
      g_autoptr(GPtrArray) added = dpx_profile_store_import (store, file, &error);

      if (added == NULL)
        return fail (error);
      for (guint i = 0; i < added->len; i++)
        printf (_("Imported profile “%s”\n"), dpx_profile_get_name (added->pdata[i]));
      return DPX_EXIT_OK;
    }

  if (rest >= 1 && (g_str_equal (command, "show") || g_str_equal (command, "rename") ||
                    g_str_equal (command, "duplicate") || g_str_equal (command, "delete")))
    {
      profile = dpx_cli_find_profile (store, argv[0]);
      if (profile == NULL)
        return DPX_EXIT_FAILURE;
    }
  if (g_str_equal (command, "show") && rest == 1)
    return profile_show (store, profile);
  if (g_str_equal (command, "rename") && rest == 2)
    return dpx_profile_store_rename (store, profile, argv[1], &error) ? DPX_EXIT_OK : fail (error);
  if (g_str_equal (command, "delete") && rest == 1)
    return dpx_profile_store_remove (store, profile, &error) ? DPX_EXIT_OK : fail (error);
  if (g_str_equal (command, "duplicate") && (rest == 1 || rest == 2))
    {
      DpxProfile *copy = dpx_profile_store_duplicate (store, profile, rest == 2 ? argv[1] : NULL, &error);

      if (copy == NULL)
        return fail (error);
      printf (_("Saved new profile “%s”\n"), dpx_profile_get_name (copy));
      return DPX_EXIT_OK;
    }

  dpx_cli_usage_error (context, _("Unknown command or wrong number of arguments"));
  return DPX_EXIT_USAGE;
}
