/* A single-threaded HTTP server that serves files from a document root. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void send_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w <= 0) return;
        buf += w;
        n -= (size_t)w;
    }
}

static void respond(int fd, const char *status, const char *type, const char *body, size_t len) {
    char head[256];
    int h = snprintf(head, sizeof head,
                     "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, type, len);
    send_all(fd, head, (size_t)h);
    send_all(fd, body, len);
}

static void serve(int fd, const char *root) {
    char req[4096];
    ssize_t n = read(fd, req, sizeof req - 1);
    if (n <= 0) return;
    req[n] = '\0';
    char method[8], path[1024];
    if (sscanf(req, "%7s %1023s", method, path) != 2) return;
    if (strcmp(path, "/healthz") == 0) {
        respond(fd, "200 OK", "text/plain", "ok\n", 3);
        return;
    }
    if (strstr(path, "..") != NULL) {
        respond(fd, "403 Forbidden", "text/plain", "forbidden\n", 10);
        return;
    }
    char file[2048];
    snprintf(file, sizeof file, "%s%s", root, strcmp(path, "/") == 0 ? "/index.html" : path);
    FILE *f = fopen(file, "rb");
    if (f == NULL) {
        respond(fd, "404 Not Found", "text/plain", "not found\n", 10);
        return;
    }
    static char body[1 << 20];
    size_t len = fread(body, 1, sizeof body, f);
    fclose(f);
    const char *dot = strrchr(file, '.');
    const char *type = dot && strcmp(dot, ".html") == 0 ? "text/html" : "application/octet-stream";
    respond(fd, "200 OK", type, body, len);
}

int main(int argc, char **argv) {
    const char *root = argc > 1 ? argv[1] : "/srv/www";
    int port = getenv("PORT") ? atoi(getenv("PORT")) : 18014;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 32) < 0) {
        fprintf(stderr, "minihttpd: %s\n", strerror(errno));
        return 1;
    }
    printf("minihttpd serving %s on %d\n", root, port);
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        serve(c, root);
        close(c);
    }
}
