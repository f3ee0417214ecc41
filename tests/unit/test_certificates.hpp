#pragma once

// Certificates for the TLS tests, made at test time with the `openssl` command line
// tool (nothing secret is committed): a CA, a server certificate for 127.0.0.1 and
// localhost signed by it, a client certificate signed by it, and a client certificate
// from another CA. EC P-256 keys, valid for two days.

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace onevalue::testing {

/// The files, made once per test process and removed at its exit.
struct test_certificates {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
  /// The CA of `stranger_cert`; it signed nothing else.
  std::string other_ca_cert;
  std::string stranger_cert;
  std::string stranger_key;

  static const test_certificates& get() {
    static temp_dir dir;
    static test_certificates certs = make(dir.str());
    return certs;
  }

private:
  static void run(const std::string& command) {
    INFO(command);
    REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
  }

  static void write_file(const std::string& path, const std::string& text) {
    std::ofstream out{path};
    out << text;
  }

  /// A new CA `name` in `dir`.
  static void make_ca(const std::string& dir, const std::string& name) {
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
        " -subj /CN=onevalue-test-"
        + name + " -keyout " + dir + "/" + name + ".key -out " + dir + "/" + name
        + ".crt");
  }

  /// A key and certificate `name` in `dir` signed by CA `ca`, with the extensions in
  /// `extensions`.
  static void make_leaf(const std::string& dir, const std::string& name,
                        const std::string& ca, const std::string& extensions) {
    auto base = dir + "/" + name;
    write_file(base + ".ext", extensions);
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=" + name
        + " -keyout " + base + ".key -out " + base + ".csr");
    run("openssl x509 -req -days 2 -in " + base + ".csr -CA " + dir + "/" + ca
        + ".crt -CAkey " + dir + "/" + ca + ".key -CAcreateserial -extfile " + base
        + ".ext -out " + base + ".crt");
  }

  static test_certificates make(const std::string& dir) {
    make_ca(dir, "ca");
    make_ca(dir, "other-ca");
    make_leaf(dir, "server", "ca",
              "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    make_leaf(dir, "client", "ca", "extendedKeyUsage=clientAuth\n");
    make_leaf(dir, "stranger", "other-ca", "extendedKeyUsage=clientAuth\n");
    test_certificates c;
    c.ca_cert = dir + "/ca.crt";
    c.server_cert = dir + "/server.crt";
    c.server_key = dir + "/server.key";
    c.client_cert = dir + "/client.crt";
    c.client_key = dir + "/client.key";
    c.other_ca_cert = dir + "/other-ca.crt";
    c.stranger_cert = dir + "/stranger.crt";
    c.stranger_key = dir + "/stranger.key";
    return c;
  }
};

} // namespace onevalue::testing
