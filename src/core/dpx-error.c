/* dpx-error.c: the core's one error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-error.h"

G_DEFINE_QUARK (dpx-error-quark, dpx_error)
