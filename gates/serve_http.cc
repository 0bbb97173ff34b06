#include "gates/serve_http.h"

#include <openssl/ssl.h>

#include <cstring>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/strings.h"
#include "civetweb.h"

namespace aurora {

std::string HttpExchange::Header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return "";
}

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;
  std::function<void(const HttpExchange&, const ServeAnswer&, double)> on_answered;
  mg_context* ctx = nullptr;
  std::mutex log_mu;
  std::string last_log;  // civetweb's last message (why a start failed)
  std::string tls_error;
};

namespace {

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

void WriteAnswer(mg_connection* conn, const ServeAnswer& a, bool head_only) {
  std::string head = absl::StrCat("HTTP/1.1 ", a.status, " ", ReasonPhrase(a.status),
                                  "\r\nContent-Type: ", a.content_type,
                                  "\r\nContent-Length: ", a.body.size(),
                                  "\r\nCache-Control: no-store"
                                  "\r\nX-Content-Type-Options: nosniff"
                                  "\r\nConnection: close\r\n");
  for (const auto& [k, v] : a.headers) absl::StrAppend(&head, k, ": ", v, "\r\n");
  head += "\r\n";
  mg_write(conn, head.data(), head.size());
  if (!head_only && !a.body.empty()) mg_write(conn, a.body.data(), a.body.size());
}

// Reads at most max+1 bytes of the body; true when it fits.
bool ReadBody(mg_connection* conn, long long content_length, size_t max,
              std::string* body) {
  if (content_length > static_cast<long long>(max)) return false;
  char buf[16384];
  for (;;) {
    int n = mg_read(conn, buf, sizeof buf);
    if (n <= 0) break;
    body->append(buf, static_cast<size_t>(n));
    if (body->size() > max) {
      body->clear();
      return false;
    }
  }
  return true;
}

int BeginRequest(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  auto* impl = static_cast<HttpServer::Impl*>(ri->user_data);
  const absl::Time start = absl::Now();
  HttpExchange ex;
  ex.method = ri->request_method != nullptr ? ri->request_method : "";
  ex.path = ri->local_uri != nullptr ? ri->local_uri : "";
  ex.query = ri->query_string != nullptr ? ri->query_string : "";
  ex.remote = ri->remote_addr;
  for (int i = 0; i < ri->num_headers; ++i) {
    ex.headers.emplace_back(absl::AsciiStrToLower(ri->http_headers[i].name),
                            ri->http_headers[i].value != nullptr
                                ? ri->http_headers[i].value
                                : "");
  }
  ServeAnswer answer;
  if (!ReadBody(conn, ri->content_length, impl->options.max_body_bytes, &ex.body)) {
    ex.body_too_large = true;
    answer = ErrorAnswer({413, "body",
                          absl::StrCat("request body larger than ",
                                       impl->options.max_body_bytes, " bytes")});
  } else {
    answer = impl->handler(ex);
  }
  WriteAnswer(conn, answer, ex.method == "HEAD");
  if (impl->on_answered) {
    impl->on_answered(ex, answer, absl::ToDoubleSeconds(absl::Now() - start));
  }
  return answer.status;
}

int LogMessage(const mg_connection* conn, const char* message) {
  const mg_request_info* ri = conn != nullptr ? mg_get_request_info(conn) : nullptr;
  (void)ri;
  return 1;  // civetweb's own messages are not printed (no secrets, no noise)
}

int InitTls(void* ssl_ctx, void* user_data) {
  auto* impl = static_cast<HttpServer::Impl*>(user_data);
  SSL_CTX* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  const HttpServerOptions& o = impl->options;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, o.tls_cert.c_str()) != 1) {
    impl->tls_error = absl::StrCat("cannot read the TLS certificate ", o.tls_cert);
    return -1;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, o.tls_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    impl->tls_error = absl::StrCat("cannot read the TLS key ", o.tls_key,
                                   " (or it does not match the certificate)");
    return -1;
  }
  if (!o.tls_client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, o.tls_client_ca.c_str(), nullptr) != 1) {
      impl->tls_error = absl::StrCat("cannot read the client CA ", o.tls_client_ca);
      return -1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       nullptr);
  }
  return 1;  // set up here: civetweb loads no certificate of its own
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_ != nullptr && impl_->ctx != nullptr) mg_stop(impl_->ctx);
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, Handler handler,
    std::function<void(const HttpExchange&, const ServeAnswer&, double)>
        on_answered) {
  static std::once_flag init;
  std::call_once(init, [] { mg_init_library(MG_FEATURES_TLS); });
  const bool tls = !options.tls_cert.empty();
  if (tls != !options.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!options.tls_client_ca.empty() && !tls) {
    return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  const size_t colon = options.listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(options.listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen expects HOST:PORT (e.g. 0.0.0.0:8080), got \"", options.listen,
        "\""));
  }
  std::string host = options.listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (host.empty()) host = "0.0.0.0";
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  impl->on_answered = std::move(on_answered);
  const std::string ports = absl::StrCat(host, ":", port, tls ? "s" : "");
  const std::string threads = absl::StrCat(options.threads);
  const std::string timeout = absl::StrCat(options.client_timeout_ms);
  const char* mg_options[] = {"listening_ports", ports.c_str(),
                              "num_threads", threads.c_str(),
                              "request_timeout_ms", timeout.c_str(),
                              "enable_keep_alive", "no",
                              "max_request_size", "16384",
                              "listen_backlog", "1024",
                              nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof callbacks);
  callbacks.begin_request = BeginRequest;
  callbacks.log_message = LogMessage;
  if (tls) callbacks.init_ssl = InitTls;
  impl->ctx = mg_start(&callbacks, impl.get(), mg_options);
  if (impl->ctx == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve on ", options.listen,
        impl->tls_error.empty() ? " (address in use or not bindable)"
                                : absl::StrCat(": ", impl->tls_error)));
  }
  mg_server_port sp[4];
  int n = mg_get_server_ports(impl->ctx, 4, sp);
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = n > 0 ? sp[0].port : port;
  return server;
}

}  // namespace aurora
