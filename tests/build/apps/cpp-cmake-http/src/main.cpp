#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "http.hpp"

static void serve(int fd) {
    std::string req;
    char buf[2048];
    while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
    }
    std::string line = req.substr(0, req.find("\r\n"));
    std::string out = tiny::serialize(tiny::route(line));
    (void)!write(fd, out.data(), out.size());
    close(fd);
}

int main() {
    const char* p = std::getenv("PORT");
    int port = p ? std::atoi(p) : 18011;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(s, 64) < 0) {
        std::perror("tinyhttpd: bind/listen");
        return 1;
    }
    std::printf("tinyhttpd listening on %d\n", port);
    std::fflush(stdout);
    for (;;) {
        int c = accept(s, nullptr, nullptr);
        if (c < 0) continue;
        std::thread(serve, c).detach();
    }
}
