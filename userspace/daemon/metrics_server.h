// Prometheus text exposition on --metrics HOST:PORT (off by default): one thread, one
// connection at a time, `GET /metrics` answered with render()'s text. Loopback only unless
// the operator names another address.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "core/result.h"

namespace daemon_cli {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;
  // address: "127.0.0.1:9464" (port 0 picks a free one, see port()).
  static core::Result<std::unique_ptr<MetricsServer>> start(const std::string& address, Render render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  int port() const { return port_; }
  uint64_t requests() const { return requests_.load(); }

 private:
  MetricsServer(int fd, int port, Render render) : fd_(fd), port_(port), render_(std::move(render)) {}
  void serve();
  int fd_;
  int port_;
  Render render_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> requests_{0};
  std::thread thread_;
};

// Appends `# TYPE name type` (once per name) and `name{labels} value` lines.
class PromText {
 public:
  void counter(const char* name, const char* help, uint64_t v, const std::string& labels = {});
  void gauge(const char* name, const char* help, double v, const std::string& labels = {});
  std::string& text() { return out_; }

 private:
  void head(const char* name, const char* help, const char* type);
  std::string out_;
  std::string last_;
};

}  // namespace daemon_cli
