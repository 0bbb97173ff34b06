#include "gates/app/serve/serve_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

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

long RaiseOpenFileLimit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return -1;
  if (r.rlim_cur < r.rlim_max) {
    rlimit raised = r;
    raised.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) r = raised;
  }
  return static_cast<long>(std::min<rlim_t>(r.rlim_cur, LONG_MAX));
}

class TlsFront;

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;
  std::function<void(const HttpExchange&, const ServeAnswer&, double)> on_answered;
  mg_context* ctx = nullptr;
  std::mutex log_mu;
  std::string last_log;  // civetweb's last message (why a start failed)
  std::string tls_error;
  std::unique_ptr<TlsFront> tls;
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
    // The handler parses gate files (recursive descent): it runs on a thread
    // with the platform's default stack, not on civetweb's small worker
    // stack (ASan found it overflowing there).
    std::thread worker([&] { answer = impl->handler(ex); });
    worker.join();
  }
  WriteAnswer(conn, answer, ex.method == "HEAD");
  if (impl->on_answered) {
    impl->on_answered(ex, answer, absl::ToDoubleSeconds(absl::Now() - start));
  }
  return answer.status;
}

// civetweb's own messages are not printed (no secrets, no noise).
int LogMessage(const mg_connection*, const char*) { return 1; }

}  // namespace

// TLS in front of civetweb: Debian's civetweb 1.15 loads OpenSSL at run
// time and crashes with OpenSSL 3, so TLS is terminated here (OpenSSL
// directly) and the decrypted bytes are relayed, unparsed, to civetweb on a
// loopback port. One thread per connection, at most `max_connections`.
class TlsFront {
 public:
  static absl::StatusOr<std::unique_ptr<TlsFront>> Start(
      const HttpServerOptions& o, const std::string& host, int port, int backend_port) {
    std::unique_ptr<TlsFront> f(new TlsFront());
    f->backend_port_ = backend_port;
    f->max_connections_ = o.threads;
    f->timeout_ms_ = o.client_timeout_ms;
    f->ctx_ = SSL_CTX_new(TLS_server_method());
    if (f->ctx_ == nullptr) return absl::InternalError("cannot create a TLS context");
    SSL_CTX_set_min_proto_version(f->ctx_, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(f->ctx_, o.tls_cert.c_str()) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the TLS certificate ", o.tls_cert));
    }
    if (SSL_CTX_use_PrivateKey_file(f->ctx_, o.tls_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(f->ctx_) != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot read the TLS key ", o.tls_key, " (or it does not match the certificate)"));
    }
    if (!o.tls_client_ca.empty()) {
      if (SSL_CTX_load_verify_locations(f->ctx_, o.tls_client_ca.c_str(), nullptr) != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot read the client CA ", o.tls_client_ca));
      }
      SSL_CTX_set_verify(f->ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    f->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(f->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1 ||
        ::bind(f->listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(f->listen_fd_, 1024) != 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":", port));
    }
    socklen_t len = sizeof a;
    ::getsockname(f->listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    f->port_ = ntohs(a.sin_port);
    f->acceptor_ = std::thread([p = f.get()] { p->AcceptLoop(); });
    return f;
  }

  ~TlsFront() {
    stopping_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (;;) {
      std::lock_guard<std::mutex> lock(mu_);
      if (active_ == 0) break;
      mu_.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      mu_.lock();
    }
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  }

  int port() const { return port_; }

 private:
  TlsFront() = default;

  void AcceptLoop() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (active_ >= max_connections_) {
        ::close(fd);
        continue;
      }
      ++active_;
      open_fds_.insert(fd);
      std::thread([this, fd] { Serve(fd); }).detach();
    }
  }

  int ConnectBackend() const {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(backend_port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  void Serve(int fd) {
    timeval tv{timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    int backend = -1;
    if (SSL_accept(ssl) == 1 && (backend = ConnectBackend()) >= 0) Relay(ssl, fd, backend);
    if (backend >= 0) ::close(backend);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(fd);
    ::close(fd);
    --active_;
  }

  // Bytes both ways until either side closes or nothing moves for the
  // client timeout.
  void Relay(SSL* ssl, int fd, int backend) {
    char buf[16384];
    for (;;) {
      if (SSL_pending(ssl) == 0) {
        pollfd p[2] = {{fd, POLLIN, 0}, {backend, POLLIN, 0}};
        if (::poll(p, 2, timeout_ms_) <= 0) return;
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
          ssize_t n = ::recv(backend, buf, sizeof buf, 0);
          if (n <= 0) return;
          if (SSL_write(ssl, buf, static_cast<int>(n)) <= 0) return;
          continue;
        }
        if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      }
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) {
        const int e = SSL_get_error(ssl, n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) continue;
        // The client is done sending: let the answer through, then stop.
        ::shutdown(backend, SHUT_WR);
        for (;;) {
          ssize_t m = ::recv(backend, buf, sizeof buf, 0);
          if (m <= 0 || SSL_write(ssl, buf, static_cast<int>(m)) <= 0) return;
        }
      }
      size_t sent = 0;
      while (sent < static_cast<size_t>(n)) {
        ssize_t m = ::send(backend, buf + sent, static_cast<size_t>(n) - sent, MSG_NOSIGNAL);
        if (m <= 0) return;
        sent += static_cast<size_t>(m);
      }
    }
  }

  SSL_CTX* ctx_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  int backend_port_ = 0;
  int max_connections_ = 128;
  int timeout_ms_ = 10000;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  int active_ = 0;
  std::set<int> open_fds_;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_ == nullptr) return;
  impl_->tls.reset();  // no new TLS connections; open ones end
  if (impl_->ctx != nullptr) mg_stop(impl_->ctx);
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, Handler handler,
    std::function<void(const HttpExchange&, const ServeAnswer&, double)>
        on_answered) {
  static std::once_flag init;
  std::call_once(init, [] { mg_init_library(0); });
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
  // With TLS, civetweb listens on a loopback port behind the TLS front.
  const std::string ports =
      tls ? std::string("127.0.0.1:0") : absl::StrCat(host, ":", port);
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
  impl->ctx = mg_start(&callbacks, impl.get(), mg_options);
  if (impl->ctx == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve on ", options.listen,
        impl->tls_error.empty() ? " (address in use or not bindable)"
                                : absl::StrCat(": ", impl->tls_error)));
  }
  mg_server_port sp[4];
  int n = mg_get_server_ports(impl->ctx, 4, sp);
  const int civetweb_port = n > 0 ? sp[0].port : port;
  int public_port = civetweb_port;
  if (tls) {
    absl::StatusOr<std::unique_ptr<TlsFront>> front =
        TlsFront::Start(options, host, port, civetweb_port);
    if (!front.ok()) {
      mg_stop(impl->ctx);
      impl->ctx = nullptr;
      return front.status();
    }
    public_port = (*front)->port();
    impl->tls = std::move(*front);
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = public_port;
  return server;
}

}  // namespace aurora
