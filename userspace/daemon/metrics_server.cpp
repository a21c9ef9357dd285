#include "daemon/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/thread_name.h"

namespace daemon_cli {

core::Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address, Render render) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos)
    return core::make_error("metrics: '" + address + "': expected HOST:PORT, e.g. 127.0.0.1:9464");
  const std::string host = address.substr(0, colon);
  const int port = std::atoi(address.c_str() + colon + 1);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (port < 0 || port > 65535 || inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1)
    return core::make_error("metrics: '" + address + "': expected an IPv4 address and a port 0-65535");
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return core::make_error(std::string("metrics: socket: ") + std::strerror(errno), errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 8) != 0) {
    const int e = errno;
    ::close(fd);
    return core::make_error("metrics: cannot listen on " + address + ": " + std::strerror(e), e);
  }
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  std::unique_ptr<MetricsServer> s(new MetricsServer(fd, ntohs(sa.sin_port), std::move(render)));
  s->thread_ = std::thread([p = s.get()] {
    core::name_this_thread("auspex-metrics");
    p->serve();
  });
  return s;
}

MetricsServer::~MetricsServer() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
}

void MetricsServer::serve() {
  while (!stop_.load()) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    // A slow or silent client must not hold the thread: 1 s to send its request line.
    timeval tv{1, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char req[1024];
    const ssize_t n = ::recv(c, req, sizeof req - 1, 0);
    std::string resp;
    if (n > 0) {
      req[n] = 0;
      ++requests_;
      if (std::strncmp(req, "GET /metrics", 12) == 0) {
        const std::string body = render_();
        resp = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      } else {
        resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\nConnection: close\r\n\r\ntry GET /metrics\r\n\r\n";
      }
      size_t off = 0;
      while (off < resp.size()) {
        ssize_t w = ::send(c, resp.data() + off, resp.size() - off, MSG_NOSIGNAL);
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
    }
    ::close(c);
  }
}

void PromText::head(const char* name, const char* help, const char* type) {
  if (last_ == name) return;
  last_ = name;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PromText::counter(const char* name, const char* help, uint64_t v, const std::string& labels) {
  head(name, help, "counter");
  out_ += name;
  if (!labels.empty()) out_ += "{" + labels + "}";
  out_ += ' ' + std::to_string(v) + '\n';
}

void PromText::gauge(const char* name, const char* help, double v, const std::string& labels) {
  head(name, help, "gauge");
  out_ += name;
  if (!labels.empty()) out_ += "{" + labels + "}";
  char buf[64];
  std::snprintf(buf, sizeof buf, " %.17g\n", v);
  out_ += buf;
}

}  // namespace daemon_cli
