// digest: SHA-256 (or another OpenSSL digest) of files or of its arguments.
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

static std::string hex_digest(const EVP_MD* md, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, data.data(), data.size());
    EVP_DigestFinal_ex(ctx, out, &len);
    EVP_MD_CTX_free(ctx);
    std::ostringstream s;
    for (unsigned int i = 0; i < len; i++) s << std::hex << std::setw(2) << std::setfill('0') << int(out[i]);
    return s.str();
}

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string algo = "SHA256";
    if (args.size() >= 2 && args[0] == "-a") {
        algo = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    const EVP_MD* md = EVP_get_digestbyname(algo.c_str());
    if (md == nullptr) {
        std::cerr << "digest: unknown algorithm " << algo << "\n";
        return 2;
    }
    std::cout << OpenSSL_version(OPENSSL_VERSION) << "\n";
    if (args.empty()) args.push_back("-s");
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "-s") {
            std::string text = i + 1 < args.size() ? args[++i] : "";
            std::cout << hex_digest(md, text) << "  \"" << text << "\"\n";
            continue;
        }
        std::ifstream f(args[i], std::ios::binary);
        if (!f) {
            std::cerr << "digest: cannot open " << args[i] << "\n";
            return 1;
        }
        std::stringstream buf;
        buf << f.rdbuf();
        std::cout << hex_digest(md, buf.str()) << "  " << args[i] << "\n";
    }
    return 0;
}
