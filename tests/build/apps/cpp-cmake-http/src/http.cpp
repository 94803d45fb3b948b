#include "http.hpp"

#include <atomic>
#include <sstream>

namespace tiny {
namespace {
std::atomic<unsigned long> hits{0};
}

Response route(const std::string& request_line) {
    std::istringstream in(request_line);
    std::string method, path;
    in >> method >> path;
    if (method != "GET") return {405, "text/plain", "method not allowed\n"};
    if (path == "/healthz") return {200, "text/plain", "ok\n"};
    if (path == "/") return {200, "text/plain", "tinyhttpd hit " + std::to_string(++hits) + "\n"};
    return {404, "text/plain", "not found\n"};
}

std::string serialize(const Response& r) {
    const char* reason = r.status == 200 ? "OK" : r.status == 404 ? "Not Found" : "Method Not Allowed";
    std::ostringstream out;
    out << "HTTP/1.1 " << r.status << ' ' << reason << "\r\n"
        << "Content-Type: " << r.type << "\r\n"
        << "Content-Length: " << r.body.size() << "\r\n"
        << "Connection: close\r\n\r\n"
        << r.body;
    return out.str();
}
}  // namespace tiny
