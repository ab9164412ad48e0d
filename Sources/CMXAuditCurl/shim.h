// libcurl's curl_easy_setopt and curl_easy_getinfo are variadic: Swift cannot call them.
// These wrappers fix the argument type per option kind.
#ifndef CMXAUDIT_CURL_SHIM_H
#define CMXAUDIT_CURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*mxa_curl_write_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode mxa_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mxa_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mxa_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mxa_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mxa_curl_setopt_write_function(CURL *handle, CURLoption option, mxa_curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode mxa_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode mxa_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode mxa_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode mxa_curl_getinfo_certinfo(CURL *handle, struct curl_certinfo **value) {
    return curl_easy_getinfo(handle, CURLINFO_CERTINFO, value);
}
static inline CURLcode mxa_curl_getinfo_tls_session(CURL *handle, struct curl_tlssessioninfo **value) {
    return curl_easy_getinfo(handle, CURLINFO_TLS_SSL_PTR, value);
}
#endif
