/* dpx-client-handshake-private.h: the client's side of the opening handshake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The longest response head read before giving up on a server. */
#define DPX_HANDSHAKE_MAX_HEAD (64 * 1024)

char     *dpx_handshake_new_key        (void);
char     *dpx_handshake_build_request  (GUri                *uri,
                                        const char          *key,
                                        const char          *origin,
                                        const char * const  *protocols,
                                        gboolean             deflate,
                                        SoupMessageHeaders  *extra_headers,
                                        const char          *user_agent);
gboolean  dpx_handshake_check_response (SoupMessageHeaders  *response,
                                        const char          *key,
                                        const char * const  *protocols,
                                        gboolean             deflate_offered,
                                        char               **protocol,
                                        GList              **extensions,
                                        GError             **error);

G_END_DECLS
