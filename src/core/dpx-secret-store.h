/* dpx-secret-store.h: secret header values in the desktop keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_SECRET_STORE (dpx_secret_store_get_type ())

/* The libsecret schema of the items; attributes "profile" (a profile id)
 * and "header" (the header name in lower case). */
#define DPX_SECRET_SCHEMA_NAME "io.github.duplexws.Duplex.Header"

/* What a masked secret looks like in an export or the log. */
#define DPX_SECRET_MASK "••••"

G_DECLARE_FINAL_TYPE (DpxSecretStore, dpx_secret_store, DPX, SECRET_STORE, GObject)

gboolean        dpx_secret_store_is_secret_header (const char      *name);
void            dpx_secret_store_disconnect       (void);

DpxSecretStore *dpx_secret_store_new              (void);
gboolean        dpx_secret_store_save             (DpxSecretStore  *self,
                                                   const char      *profile_id,
                                                   const char      *profile_name,
                                                   const char      *header,
                                                   const char      *value,
                                                   GCancellable    *cancellable,
                                                   GError         **error);
char           *dpx_secret_store_lookup           (DpxSecretStore  *self,
                                                   const char      *profile_id,
                                                   const char      *header,
                                                   GCancellable    *cancellable,
                                                   GError         **error);
gboolean        dpx_secret_store_delete           (DpxSecretStore  *self,
                                                   const char      *profile_id,
                                                   const char      *header,
                                                   GCancellable    *cancellable,
                                                   GError         **error);
char          **dpx_secret_store_dup_headers      (DpxSecretStore  *self,
                                                   const char      *profile_id,
                                                   GCancellable    *cancellable,
                                                   GError         **error);
gboolean        dpx_secret_store_delete_profile   (DpxSecretStore  *self,
                                                   const char      *profile_id,
                                                   GCancellable    *cancellable,
                                                   GError         **error);
gboolean        dpx_secret_store_copy_profile     (DpxSecretStore  *self,
                                                   const char      *from_id,
                                                   const char      *to_id,
                                                   const char      *to_name,
                                                   GCancellable    *cancellable,
                                                   GError         **error);

G_END_DECLS
