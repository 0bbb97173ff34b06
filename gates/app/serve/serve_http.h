// File: gates/app/serve/serve_http.h
// The HTTP(S) server of `serve`: civetweb (the server prometheus-cpp's
// exposer links) parses requests; this file bounds them (header size, body
// size, time to send the request), reads the body and writes the handler's
// answer. No routing or API logic here (gates/app/serve/serve_service.cc).
#ifndef AURORA_GATES_APP_SERVE_SERVE_HTTP_H_
#define AURORA_GATES_APP_SERVE_SERVE_HTTP_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gates/app/serve/serve_api.h"

namespace aurora {

// One request as the handler sees it.
struct HttpExchange {
  std::string method;
  std::string path;   // URL-decoded, without the query string
  std::string query;  // raw, after '?'
  // Header names lower-cased, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string remote;  // client address
  std::string body;
  // The body was larger than the limit (then `body` is empty and the
  // server answers 413 without calling the handler).
  bool body_too_large = false;
  // The value of the first header named `lower_name`; "" when absent.
  std::string Header(const std::string& lower_name) const;
};

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks one
  std::string tls_cert, tls_key;          // PEM; both or neither
  std::string tls_client_ca;              // PEM; clients must present a cert
  size_t max_body_bytes = size_t{1} << 20;
  int threads = 128;                      // connections served at once
  int client_timeout_ms = 10000;  // a request (headers and body) must arrive within this
};

// Raises this process' open-file soft limit (RLIMIT_NOFILE) to its hard
// limit (every connection is a file descriptor); the soft limit now in
// force (-1 when it cannot be read).
long RaiseOpenFileLimit();

class HttpServer {
 public:
  using Handler = std::function<ServeAnswer(const HttpExchange&)>;
  // `on_answered(exchange, answer, seconds)` after each answer is written
  // (the access log). Unavailable when the address cannot be bound or TLS
  // cannot be set up (the message says why).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, Handler handler,
      std::function<void(const HttpExchange&, const ServeAnswer&, double)>
          on_answered);
  ~HttpServer();  // stops accepting, waits for the requests being answered

  int port() const { return port_; }

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace aurora

#endif  // AURORA_GATES_APP_SERVE_SERVE_HTTP_H_
