// OpenSSL behind typed inline functions: many of its calls are function-like macros
// (SSL_CTX_set_min_proto_version, SSL_set_tlsext_host_name, BIO_get_mem_data, ...).
#ifndef CMXAUDIT_OPENSSL_SHIM_H
#define CMXAUDIT_OPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>

static inline int mxa_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int mxa_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline int mxa_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
static inline long mxa_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}
static inline int mxa_SSL_get_negotiated_group(SSL *ssl) {
    return (int)SSL_get_negotiated_group(ssl);
}
static inline int mxa_SSL_get_peer_tmp_key(SSL *ssl, EVP_PKEY **key) {
    return (int)SSL_get_peer_tmp_key(ssl, key);
}
static inline void mxa_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }
static inline int mxa_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *mxa_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline int mxa_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }
static inline GENERAL_NAME *mxa_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) { return sk_GENERAL_NAME_value(names, index); }
static inline void mxa_GENERAL_NAMES_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }
static inline const unsigned char *mxa_ASN1_STRING_get0_data(const ASN1_STRING *s) { return ASN1_STRING_get0_data(s); }
/// XN_FLAG_RFC2253 is a composite macro Swift cannot import.
static inline unsigned long mxa_XN_FLAG_RFC2253(void) { return XN_FLAG_RFC2253; }
/// The error queue's oldest entry as (code, text), emptying the queue; code 0 when empty.
static inline unsigned long mxa_ERR_take(char *buffer, size_t length) {
    unsigned long code = ERR_get_error();
    unsigned long next;
    if (length > 0) buffer[0] = 0;
    if (code != 0) ERR_error_string_n(code, buffer, length);
    while ((next = ERR_get_error()) != 0) { (void)next; }
    return code;
}
/// Per-connection versions of the context macros above (capability probes pin one SSL, not the context).
static inline int mxa_SSL_set_min_proto_version(SSL *ssl, int version) {
    return (int)SSL_set_min_proto_version(ssl, version);
}
static inline int mxa_SSL_set_max_proto_version(SSL *ssl, int version) {
    return (int)SSL_set_max_proto_version(ssl, version);
}
static inline int mxa_SSL_set1_groups_list(SSL *ssl, const char *list) {
    return (int)SSL_set1_groups_list(ssl, list);
}
static inline long mxa_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline int mxa_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return (int)SSL_CTX_set1_groups_list(ctx, list);
}
/// Options for probing servers as a sending MTA would: accept servers without secure
/// renegotiation (RFC 5746) and never compress. SSL_OP_* are built by a macro Swift cannot import.
static inline uint64_t mxa_probe_options(void) { return SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_NO_COMPRESSION; }
/// DANE-EE(3) ignores names (RFC 7671 §5.1); OpenSSL checks them unless told not to.
static inline unsigned long mxa_DANE_FLAG_NO_DANE_EE_NAMECHECKS(void) { return DANE_FLAG_NO_DANE_EE_NAMECHECKS; }
static inline STACK_OF(X509) *mxa_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int mxa_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }
#endif
