// Fuzzes the server's TLS session over memory buffers with whatever a client could
// send, in pieces of any size, interleaved with sends, closes and decrypt caps: it
// must never crash, never hand out more plaintext than a record past the cap, and stay
// failed once failed. The server's certificate is made in memory at start.

#include "http/server/tls_context.hpp"
#include "http/server/tls_session.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <unistd.h>

using namespace onevalue;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

/// A self-signed P-256 certificate and key written to a fresh temporary directory.
tls_settings make_certificate() {
  char dir[] = "/tmp/onevalue-fuzz-XXXXXX";
  check(::mkdtemp(dir) != nullptr);
  tls_settings s;
  s.enabled = true;
  s.cert_file = std::string{dir} + "/cert.pem";
  s.key_file = std::string{dir} + "/key.pem";
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  check(key != nullptr && cert != nullptr);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("fuzz"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  check(X509_sign(cert, key, EVP_sha256()) > 0);
  FILE* f = std::fopen(s.cert_file.c_str(), "w");
  check(f != nullptr && PEM_write_X509(f, cert) == 1);
  std::fclose(f);
  f = std::fopen(s.key_file.c_str(), "w");
  check(f != nullptr
        && PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
  return s;
}

const tls_context& context() {
  static const std::unique_ptr<tls_context> ctx = [] {
    auto settings = make_certificate();
    auto loaded = std::make_unique<tls_context>(settings);
    // Loaded into memory: the files are not needed any more.
    std::remove(settings.cert_file.c_str());
    std::remove(settings.key_file.c_str());
    ::rmdir(settings.cert_file.substr(0, settings.cert_file.rfind('/')).c_str());
    return loaded;
  }();
  check(ctx->error().empty());
  return *ctx;
}

} // namespace

// Input: a sequence of [op byte][length byte][bytes]: op % 4 == 0 feeds the bytes,
// 1 sends them, 2 closes, 3 decrypts what is buffered with a cap of op * 16 bytes.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  tls_session session{context().native()};
  check(session.valid());
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  std::string plain;
  std::string wire;
  bool failed = false;
  while (rest.size() >= 2) {
    auto op = static_cast<uint8_t>(rest[0]);
    auto length = std::min<std::size_t>(static_cast<uint8_t>(rest[1]), rest.size() - 2);
    auto bytes = rest.substr(2, length);
    rest.remove_prefix(2 + length);
    auto result = tls_session::result::ok;
    switch (op % 4) {
    case 0:
    case 3: {
      std::size_t cap = op % 4 == 0 ? std::size_t{1} << 20 : std::size_t{op} * 16;
      auto before = plain.size();
      result =
          session.receive(op % 4 == 0 ? bytes : std::string_view{}, plain, cap, wire);
      // The cap is checked between records: at most one record (16 KB) past it.
      check(plain.size() == before || plain.size() <= std::max(cap, before) + 16384);
      break;
    }
    case 1:
      result = session.send(bytes, wire);
      check(result != tls_session::result::ok || session.handshake_done());
      break;
    case 2:
      session.close(wire);
      break;
    }
    // Once the session failed on input it stays failed.
    if (failed)
      check(result == tls_session::result::failed || op % 4 == 2);
    if (result == tls_session::result::failed && op % 4 != 1) {
      failed = true;
      check(!session.error().empty());
    }
  }
  return 0;
}
