/* dpx-classroom.h: the relay's class page, nicknames, class code and the
 * envelopes page clients opt into (see docs/CLASSROOM.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The subprotocol a page offers to receive envelopes instead of raw bytes. */
#define DPX_CLASSROOM_PROTOCOL "duplex.classroom.v1"

/* Longest nickname kept, in characters. */
#define DPX_CLASSROOM_MAX_NAME 32

/* Longest class code, in bytes. */
#define DPX_CLASSROOM_MAX_CODE 64

char     *dpx_classroom_clean_name        (const char        *name);
char     *dpx_classroom_clean_code        (const char        *code);
gboolean  dpx_classroom_code_matches      (const char        *wanted,
                                           const char        *given);
gboolean  dpx_classroom_serve             (SoupServerMessage *msg,
                                           const char        *path,
                                           GHashTable        *query,
                                           const char        *class_code);
void      dpx_classroom_refuse_code       (SoupServerMessage *msg,
                                           const char        *given);
GBytes   *dpx_classroom_message_envelope  (guint              id,
                                           const char        *from,
                                           gint64             time_ms,
                                           gboolean           binary,
                                           GBytes            *payload);
GBytes   *dpx_classroom_welcome_envelope  (guint              id,
                                           const char        *name,
                                           guint              clients,
                                           gboolean           echo);
GBytes   *dpx_classroom_clients_envelope  (guint              clients);
GBytes   *dpx_classroom_settings_envelope (gboolean           echo);
GBytes   *dpx_classroom_muted_envelope    (gboolean           muted);
GBytes   *dpx_classroom_clear_envelope    (void);

G_END_DECLS
