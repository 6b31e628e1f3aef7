/* dpx-profile-store.h: the profiles, in one JSON file and the keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-profile.h"
#include "dpx-secret-store.h"

G_BEGIN_DECLS

/* The largest profiles file or export read. */
#define DPX_PROFILE_STORE_MAX_FILE_SIZE (16 * 1024 * 1024)

#define DPX_TYPE_PROFILE_STORE (dpx_profile_store_get_type ())

/* The "format" and "version" of the file (docs/profiles.md). */
#define DPX_PROFILES_FORMAT  "duplex-profiles"
#define DPX_PROFILES_VERSION 1

G_DECLARE_FINAL_TYPE (DpxProfileStore, dpx_profile_store, DPX, PROFILE_STORE, GObject)

char                 *dpx_profile_store_default_path (void);

DpxProfileStore      *dpx_profile_store_new          (const char       *path,
                                                      DpxSecretStore   *secrets);
const char           *dpx_profile_store_get_path     (DpxProfileStore  *self);
gboolean              dpx_profile_store_load         (DpxProfileStore  *self,
                                                      GError          **error);
GListModel           *dpx_profile_store_get_profiles (DpxProfileStore  *self);
DpxProfile           *dpx_profile_store_find         (DpxProfileStore  *self,
                                                      const char       *name_or_id);
GPtrArray            *dpx_profile_store_search       (DpxProfileStore  *self,
                                                      const char       *query);

gboolean              dpx_profile_store_add          (DpxProfileStore  *self,
                                                      DpxProfile       *profile,
                                                      GError          **error);
gboolean              dpx_profile_store_save_profile (DpxProfileStore  *self,
                                                      DpxProfile       *profile,
                                                      GError          **error);
gboolean              dpx_profile_store_rename       (DpxProfileStore  *self,
                                                      DpxProfile       *profile,
                                                      const char       *name,
                                                      GError          **error);
DpxProfile           *dpx_profile_store_duplicate    (DpxProfileStore  *self,
                                                      DpxProfile       *profile,
                                                      const char       *name,
                                                      GError          **error);
gboolean              dpx_profile_store_remove       (DpxProfileStore  *self,
                                                      DpxProfile       *profile,
                                                      GError          **error);
gboolean              dpx_profile_store_add_record   (DpxProfileStore  *self,
                                                      DpxProfile       *profile,
                                                      DpxConnectionRecord *record,
                                                      GError          **error);
DpxConnectionOptions *dpx_profile_store_dup_options  (DpxProfileStore  *self,
                                                      DpxProfile       *profile,
                                                      GError          **error);

gboolean              dpx_profile_store_export       (DpxProfileStore  *self,
                                                      GPtrArray        *profiles,
                                                      GFile            *file,
                                                      GError          **error);
GPtrArray            *dpx_profile_store_import       (DpxProfileStore  *self,
                                                      GFile            *file,
                                                      GError          **error);

G_END_DECLS
