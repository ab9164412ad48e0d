// libldns behind typed inline functions; ldns uses macros and out-parameters that Swift
// cannot call directly.
#ifndef CMXAUDIT_LDNS_SHIM_H
#define CMXAUDIT_LDNS_SHIM_H
#include <ldns/ldns.h>

/// The library's message for a status code, never NULL.
static inline const char *mxa_ldns_status_message(ldns_status status) {
    const char *m = ldns_get_errorstr_by_id(status);
    return m ? m : "unknown ldns error";
}

/// True when the status is LDNS_STATUS_OK (a macro-free comparison for Swift).
static inline int mxa_ldns_ok(ldns_status status) { return status == LDNS_STATUS_OK; }
#endif
