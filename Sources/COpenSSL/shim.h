// OpenSSL for Swift. Macros are invisible to Swift: wrap the ones we need here.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long gazette_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_ctrl(bio, BIO_CTRL_INFO, 0, (void *)data);
}

// --- SMTP's TLS (Sources/SMTP/TLSStream.swift): macros over SSL_ctrl / SSL_CTX_ctrl / BIO_ctrl. ---

// SSL_CTX_set_min_proto_version is a macro over SSL_CTX_ctrl.
static inline int gazette_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL);
}

// SSL_set_tlsext_host_name (SNI) is a macro over SSL_ctrl.
static inline int gazette_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name);
}

// BIO_set_mem_eof_return is a macro over BIO_ctrl: an empty memory BIO then means "retry", not end of file.
static inline long gazette_BIO_set_mem_eof_return(BIO *bio, int value) {
    return BIO_ctrl(bio, BIO_C_SET_BUF_MEM_EOF_RETURN, value, NULL);
}
