#pragma once
#include <string>

namespace tiny {
struct Response {
    int status;
    std::string type;
    std::string body;
};
Response route(const std::string& request_line);
std::string serialize(const Response& r);
}  // namespace tiny
