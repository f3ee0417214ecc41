#include "http/server/tls_session.hpp"

#include "http/server/tls_context.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <climits>

namespace onevalue {

tls_session::tls_session(ssl_ctx_st* ctx) {
  ssl_ = SSL_new(ctx);
  if (ssl_ == nullptr)
    return;
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (in == nullptr || out == nullptr) {
    BIO_free(in);
    BIO_free(out);
    SSL_free(ssl_);
    ssl_ = nullptr;
    return;
  }
  SSL_set_bio(ssl_, in, out); // the session owns both BIOs from here on
  SSL_set_accept_state(ssl_);
}

tls_session::~tls_session() {
  if (ssl_ != nullptr)
    SSL_free(ssl_);
}

bool tls_session::handshake_done() const {
  return ssl_ != nullptr && SSL_is_init_finished(ssl_) == 1;
}

void tls_session::drain(std::string& wire_out) {
  BIO* out = SSL_get_wbio(ssl_);
  char* data = nullptr;
  long pending = BIO_get_mem_data(out, &data);
  if (pending > 0) {
    wire_out.append(data, static_cast<std::size_t>(pending));
    (void)BIO_reset(out);
  }
}

tls_session::result tls_session::fail(const char* fallback, std::string& wire_out) {
  failed_ = true;
  error_ = last_tls_error(fallback);
  drain(wire_out); // the alert that tells the peer why
  return result::failed;
}

bool tls_session::advance_handshake(std::string& wire_out) {
  while (!handshake_done()) {
    int rc = SSL_do_handshake(ssl_);
    if (rc == 1)
      break;
    if (SSL_get_error(ssl_, rc) == SSL_ERROR_WANT_READ)
      break; // more bytes needed from the peer
    return false;
  }
  drain(wire_out);
  return true;
}

tls_session::result tls_session::receive(std::string_view cipher, std::string& plain,
                                         std::size_t plain_cap, std::string& wire_out) {
  if (failed_ || ssl_ == nullptr)
    return result::failed;
  ERR_clear_error();
  if (!cipher.empty()) {
    // A memory BIO takes everything (it grows); only allocation can fail.
    if (cipher.size() > INT_MAX
        || BIO_write(SSL_get_rbio(ssl_), cipher.data(), static_cast<int>(cipher.size()))
               != static_cast<int>(cipher.size()))
      return fail("out of memory", wire_out);
  }
  if (!advance_handshake(wire_out))
    return fail("handshake failed", wire_out);
  if (!handshake_done())
    return result::ok;
  char buffer[16384];
  while (plain.size() < plain_cap) {
    int got = SSL_read(ssl_, buffer, sizeof(buffer));
    if (got > 0) {
      plain.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    int err = SSL_get_error(ssl_, got);
    if (err == SSL_ERROR_WANT_READ)
      break;
    if (err == SSL_ERROR_ZERO_RETURN) {
      drain(wire_out);
      return result::closed;
    }
    return fail("cannot decrypt", wire_out);
  }
  drain(wire_out); // session tickets, key updates
  return result::ok;
}

tls_session::result tls_session::send(std::string_view plain, std::string& wire_out) {
  if (failed_ || !handshake_done())
    return result::failed;
  ERR_clear_error();
  while (!plain.empty()) {
    auto chunk = plain.size() > INT_MAX ? INT_MAX : static_cast<int>(plain.size());
    int sent = SSL_write(ssl_, plain.data(), chunk);
    if (sent <= 0)
      return fail("cannot encrypt", wire_out);
    plain.remove_prefix(static_cast<std::size_t>(sent));
  }
  drain(wire_out);
  return result::ok;
}

void tls_session::close(std::string& wire_out) {
  if (close_sent_ || failed_ || !handshake_done())
    return;
  close_sent_ = true;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
  drain(wire_out);
}

} // namespace onevalue
