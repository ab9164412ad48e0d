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
static inline CURLcode mxa_curl_getinfo_tls_session(CURL *handle, struct curl_tlssessioninfo **value) {
    return curl_easy_getinfo(handle, CURLINFO_TLS_SSL_PTR, value);
}

// Callbacks the MTA-STS fetch installs: the socket pair lets a cancelled task shut the socket
// down; the pre-request callback sees the live TLS session and may stop before any request.
typedef curl_socket_t (*mxa_curl_opensocket_callback)(void *context, curlsocktype purpose, struct curl_sockaddr *address);
typedef int (*mxa_curl_closesocket_callback)(void *context, curl_socket_t socket);
typedef int (*mxa_curl_prereq_callback)(void *context, char *primary_ip, char *local_ip, int primary_port, int local_port);

static inline CURLcode mxa_curl_setopt_opensocket_function(CURL *handle, mxa_curl_opensocket_callback value) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, value);
}
static inline CURLcode mxa_curl_setopt_closesocket_function(CURL *handle, mxa_curl_closesocket_callback value) {
    return curl_easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, value);
}
static inline CURLcode mxa_curl_setopt_prereq_function(CURL *handle, mxa_curl_prereq_callback value) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, value);
}

// The TLS-context callback: with curl's OpenSSL backend `ssl_ctx` is the SSL_CTX of a connection.
typedef CURLcode (*mxa_curl_ssl_ctx_callback)(CURL *handle, void *ssl_ctx, void *context);

static inline CURLcode mxa_curl_setopt_ssl_ctx_function(CURL *handle, mxa_curl_ssl_ctx_callback value) {
    return curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, value);
}

// OpenSSL's SSL_get_version under a private name, so this module needs no OpenSSL headers
// (their declarations would clash with CMXAuditOpenSSL's). libssl is linked through MXAuditTLS.
#ifdef __APPLE__
extern const char *mxa_openssl_SSL_get_version(const void *ssl) __asm__("_SSL_get_version");
#else
extern const char *mxa_openssl_SSL_get_version(const void *ssl) __asm__("SSL_get_version");
#endif

/// The negotiated TLS version ("TLSv1.3") of the connection in use; valid only during a transfer
/// (in a callback), and only with curl's OpenSSL backend. NULL otherwise.
static inline const char *mxa_curl_tls_version(CURL *handle) {
    struct curl_tlssessioninfo *info = NULL;
    if (curl_easy_getinfo(handle, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == NULL) return NULL;
    if (info->backend != CURLSSLBACKEND_OPENSSL || info->internals == NULL) return NULL;
    return mxa_openssl_SSL_get_version(info->internals);
}
#endif
