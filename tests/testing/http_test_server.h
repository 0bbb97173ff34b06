// File: tests/testing/http_test_server.h
// A tiny threaded HTTP/1.1 server on 127.0.0.1 (OS-picked port) for testing
// HTTP clients for real: a handler answers each request, and the response can
// carry faults (delay, truncation, a lying Content-Length, gzip). Optional TLS
// via OpenSSL (link OpenSSL::SSL). Stops cleanly in its destructor.
#ifndef AURORA_TESTS_TESTING_HTTP_TEST_SERVER_H_
#define AURORA_TESTS_TESTING_HTTP_TEST_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/http_client.h"
#include "base/strings.h"
#include "tests/testing/subprocess.h"

namespace aurora::testing {

// One request as the server read it.
struct TestHttpRequest {
  std::string method;
  std::string target;  // path and query, as sent: "/api/v1/query?x=1"
  std::vector<HttpHeader> headers;  // names lower-cased
  std::string body;
  int connection = 0;  // 1-based number of the connection that carried it

  std::string_view Header(std::string_view lower_name) const {
    for (const HttpHeader& h : headers) {
      if (h.name == lower_name) return h.value;
    }
    return {};
  }
};

// What the handler answers, and how the server misbehaves while sending it.
struct TestHttpResponse {
  enum class Fault {
    kNone,
    // Chunked encoding: the first half of the body as one chunk, then the
    // connection is closed without the terminating chunk.
    kCloseMidBody,
    // Content-Length says body.size() + 100; the body is sent, then the
    // connection is closed.
    kContentLengthTooLarge,
  };
  int status = 200;
  std::vector<HttpHeader> headers;  // Content-Length is added by the server
  std::string body;
  // Wait before answering (cut short when the server stops).
  absl::Duration delay = absl::ZeroDuration();
  bool gzip = false;   // Content-Encoding: gzip, body compressed
  bool close = false;  // Connection: close, then close
  Fault fault = Fault::kNone;
};

// Called on the connection's thread, possibly from several threads at once.
using TestHttpHandler =
    std::function<TestHttpResponse(const TestHttpRequest& request)>;

// A PEM certificate and its private key.
struct TestCert {
  std::string cert_pem, key_pem;
};

// A throw-away self-signed P-256 certificate for `common_name`, valid for a
// day, with subjectAltName IP:127.0.0.1 and DNS:localhost.
inline absl::StatusOr<TestCert> MakeSelfSignedCert(
    const std::string& common_name = "127.0.0.1") {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"),
                                                          &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> x509(X509_new(), &X509_free);
  if (key == nullptr || x509 == nullptr) {
    return absl::InternalError("EVP_EC_gen/X509_new failed");
  }
  X509* x = x509.get();
  X509_set_version(x, 2);
  static int serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name,
                                            "IP:127.0.0.1,DNS:localhost");
  if (san == nullptr || X509_add_ext(x, san, -1) != 1) {
    X509_EXTENSION_free(san);
    return absl::InternalError("cannot add subjectAltName");
  }
  X509_EXTENSION_free(san);
  if (X509_sign(x, key.get(), EVP_sha256()) == 0) {
    return absl::InternalError("X509_sign failed");
  }
  auto to_pem = [](auto write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                  &BIO_free);
    write(bio.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
  };
  TestCert out;
  out.cert_pem = to_pem([x](BIO* b) { PEM_write_bio_X509(b, x); });
  out.key_pem = to_pem([&key](BIO* b) {
    PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr,
                             nullptr);
  });
  return out;
}

// gzip (RFC 1952) of `data`: one final deflate block with fixed Huffman
// codes and literals only (RFC 1951 §3.2.6). Not small, but real deflate.
inline std::string GzipEncode(std::string_view data) {
  std::string out = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, 3};
  uint32_t bits = 0;
  int nbits = 0;
  auto put = [&](uint32_t value, int n) {  // LSB first
    bits |= value << nbits;
    nbits += n;
    while (nbits >= 8) {
      out.push_back(static_cast<char>(bits & 0xFF));
      bits >>= 8;
      nbits -= 8;
    }
  };
  auto put_code = [&](uint32_t code, int n) {  // Huffman codes MSB first
    for (int i = n - 1; i >= 0; --i) put((code >> i) & 1, 1);
  };
  put(1, 1);  // BFINAL
  put(1, 2);  // BTYPE 01: fixed Huffman
  for (unsigned char c : data) {
    if (c < 144) {
      put_code(0x30 + c, 8);
    } else {
      put_code(0x190 + (c - 144), 9);
    }
  }
  put_code(0, 7);  // end of block (256)
  if (nbits > 0) put(0, 8 - nbits);
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  crc ^= 0xFFFFFFFFu;
  uint32_t size = static_cast<uint32_t>(data.size());
  for (uint32_t v : {crc, size}) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
  return out;
}

struct HttpTestServerOptions {
  // Both set: serve HTTPS with this certificate.
  std::string tls_cert_pem, tls_key_pem;
  // Set (with TLS): require a client certificate signed by (or equal to)
  // this PEM certificate.
  std::string tls_client_ca_pem;
};

// Thread-safe accessors; the handler runs on per-connection threads.
class HttpTestServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpTestServer>> Start(
      TestHttpHandler handler, HttpTestServerOptions options = {}) {
    std::unique_ptr<HttpTestServer> s(new HttpTestServer(std::move(handler)));
    if (absl::Status st = s->Init(options); !st.ok()) return st;
    return s;
  }

  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  // Stops accepting, wakes delayed answers, unblocks every connection and
  // joins all threads.
  ~HttpTestServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      for (int fd : live_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    stop_cv_.notify_all();
    if (wake_[1] >= 0) {
      char c = 0;
      [[maybe_unused]] ssize_t n = ::write(wake_[1], &c, 1);
    }
    if (acceptor_.joinable()) acceptor_.join();
    {
      // Connections accepted after the sweep above.
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : live_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& t : connections_) t.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    for (int fd : wake_) {
      if (fd >= 0) ::close(fd);
    }
    if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  }

  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>" (https when serving TLS).
  std::string url(std::string_view path = "/") const {
    return absl::StrCat(ssl_ctx_ ? "https" : "http", "://127.0.0.1:", port_,
                        Sv(path));
  }

  int connections_accepted() const {
    std::lock_guard<std::mutex> lock(mu_);
    return connections_accepted_;
  }
  // The most requests read and not yet answered at any one time.
  int max_in_flight() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_;
  }
  // Every request read so far, in arrival order.
  std::vector<TestHttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  explicit HttpTestServer(TestHttpHandler handler)
      : handler_(std::move(handler)) {}

  absl::Status Init(const HttpTestServerOptions& options) {
    if (!options.tls_cert_pem.empty()) {
      if (absl::Status s = InitTls(options); !s.ok()) return s;
    }
    if (::pipe(wake_) != 0) return absl::InternalError("pipe failed");
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
            0 ||
        ::listen(listen_fd_, 128) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) !=
            0) {
      return absl::InternalError(
          absl::StrCat("cannot listen on 127.0.0.1: ", std::strerror(errno)));
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
    return absl::OkStatus();
  }

  absl::Status InitTls(const HttpTestServerOptions& o) {
    auto read_pem = [](const std::string& pem, auto reader) {
      std::unique_ptr<BIO, decltype(&BIO_free)> bio(
          BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
      return reader(bio.get(), nullptr, nullptr, nullptr);
    };
    ssl_ctx_ = SSL_CTX_new(TLS_server_method());
    X509* cert = read_pem(o.tls_cert_pem, PEM_read_bio_X509);
    EVP_PKEY* key = read_pem(o.tls_key_pem, PEM_read_bio_PrivateKey);
    bool ok = ssl_ctx_ != nullptr && cert != nullptr && key != nullptr &&
              SSL_CTX_use_certificate(ssl_ctx_, cert) == 1 &&
              SSL_CTX_use_PrivateKey(ssl_ctx_, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    if (ok && !o.tls_client_ca_pem.empty()) {
      X509* ca = read_pem(o.tls_client_ca_pem, PEM_read_bio_X509);
      ok = ca != nullptr &&
           X509_STORE_add_cert(SSL_CTX_get_cert_store(ssl_ctx_), ca) == 1;
      X509_free(ca);
      SSL_CTX_set_verify(
          ssl_ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    if (!ok) return absl::InternalError("cannot set up the TLS context");
    // SSL_write on a socket the client closed must not kill the test.
    ::signal(SIGPIPE, SIG_IGN);
    return absl::OkStatus();
  }

  void AcceptLoop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      int id = ++connections_accepted_;
      live_fds_.insert(fd);
      connections_.emplace_back([this, fd, id] { Serve(fd, id); });
    }
  }

  // One connection: plain or TLS reads and writes.
  struct Conn {
    int fd;
    SSL* ssl;
    long Read(char* buf, size_t n) {
      if (ssl != nullptr) return SSL_read(ssl, buf, static_cast<int>(n));
      for (;;) {
        ssize_t r = ::recv(fd, buf, n, 0);
        if (r < 0 && errno == EINTR) continue;
        return r;
      }
    }
    bool Write(std::string_view data) {
      while (!data.empty()) {
        long w =
            ssl != nullptr
                ? SSL_write(ssl, data.data(), static_cast<int>(data.size()))
                : ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (w <= 0) {
          if (ssl == nullptr && errno == EINTR) continue;
          return false;
        }
        data.remove_prefix(static_cast<size_t>(w));
      }
      return true;
    }
  };

  void Serve(int fd, int id) {
    SSL* ssl = nullptr;
    if (ssl_ctx_ != nullptr) {
      ssl = SSL_new(ssl_ctx_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) != 1) {
        ERR_clear_error();
        SSL_free(ssl);
        Close(fd);
        return;
      }
    }
    Conn conn{fd, ssl};
    std::string buffer;
    while (ServeOne(conn, id, buffer)) {
    }
    if (ssl != nullptr) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
      ERR_clear_error();
    }
    Close(fd);
  }

  void Close(int fd) {
    std::lock_guard<std::mutex> lock(mu_);
    live_fds_.erase(fd);
    ::close(fd);
  }

  // Reads until `buffer` holds `n` bytes; false on EOF or error.
  static bool Fill(Conn& conn, std::string& buffer, size_t n) {
    char chunk[16384];
    while (buffer.size() < n) {
      long r = conn.Read(chunk, sizeof(chunk));
      if (r <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(r));
    }
    return true;
  }

  // Reads, answers and returns whether to keep the connection.
  bool ServeOne(Conn& conn, int id, std::string& buffer) {
    size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(conn, buffer, buffer.size() + 1)) return false;
    }
    TestHttpRequest req;
    req.connection = id;
    std::string_view head(buffer.data(), end);
    size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return false;
    req.method = std::string(line.substr(0, sp1));
    req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    while (eol != std::string_view::npos) {
      size_t start = eol + 2;
      eol = head.find("\r\n", start);
      std::string_view h = head.substr(start, eol == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : eol - start);
      size_t colon = h.find(':');
      if (colon == std::string_view::npos) continue;
      req.headers.push_back(
          {absl::AsciiStrToLower(Sv(h.substr(0, colon))),
           std::string(absl::StripAsciiWhitespace(Sv(h.substr(colon + 1))))});
    }
    buffer.erase(0, end + 4);
    size_t length = 0;
    if (!req.Header("content-length").empty() &&
        !absl::SimpleAtoi(Sv(req.Header("content-length")), &length)) {
      return false;
    }
    if (!req.Header("transfer-encoding").empty()) {
      conn.Write(
          "HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n"
          "Connection: close\r\n\r\n");
      return false;
    }
    if (!Fill(conn, buffer, length)) return false;
    req.body = buffer.substr(0, length);
    buffer.erase(0, length);
    bool client_close =
        absl::EqualsIgnoreCase(Sv(req.Header("connection")), "close");

    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(req);
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    }
    TestHttpResponse resp = handler_(req);
    {
      // No longer in flight once the answer starts: the client cannot send
      // its next request before it has read this one.
      std::unique_lock<std::mutex> lock(mu_);
      --in_flight_;
      if (stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(resp.delay),
                            [this] { return stopping_; })) {
        return false;
      }
    }
    if (resp.gzip) resp.body = GzipEncode(resp.body);
    bool close = resp.close || client_close ||
                 resp.fault != TestHttpResponse::Fault::kNone;
    std::string out = absl::StrCat("HTTP/1.1 ", resp.status, " ",
                                   Reason(resp.status), "\r\n");
    for (const HttpHeader& h : resp.headers) {
      absl::StrAppend(&out, h.name, ": ", h.value, "\r\n");
    }
    if (resp.gzip) out += "Content-Encoding: gzip\r\n";
    if (close) out += "Connection: close\r\n";
    switch (resp.fault) {
      case TestHttpResponse::Fault::kNone:
        absl::StrAppend(&out, "Content-Length: ", resp.body.size(), "\r\n\r\n",
                        resp.body);
        break;
      case TestHttpResponse::Fault::kCloseMidBody: {
        size_t half = resp.body.size() / 2;
        absl::StrAppend(&out, "Transfer-Encoding: chunked\r\n\r\n");
        if (half > 0) {
          absl::StrAppend(&out, absl::Hex(half), "\r\n",
                          resp.body.substr(0, half), "\r\n");
        }
        break;
      }
      case TestHttpResponse::Fault::kContentLengthTooLarge:
        absl::StrAppend(&out, "Content-Length: ", resp.body.size() + 100,
                        "\r\n\r\n", resp.body);
        break;
    }
    return conn.Write(out) && !close;
  }

  static const char* Reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 204:
        return "No Content";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 404:
        return "Not Found";
      case 429:
        return "Too Many Requests";
      case 500:
        return "Internal Server Error";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      default:
        return "Status";
    }
  }

  const TestHttpHandler handler_;
  SSL_CTX* ssl_ctx_ = nullptr;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // touched by acceptor_, then ~

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::set<int> live_fds_;
  int connections_accepted_ = 0;
  int in_flight_ = 0, max_in_flight_ = 0;
  std::vector<TestHttpRequest> requests_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_HTTP_TEST_SERVER_H_
