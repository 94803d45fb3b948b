// zsum compresses its arguments (or stdin) with the system zlib through cgo
// and prints the sizes and checksums.
package main

/*
#cgo LDFLAGS: -lz
#include <stdlib.h>
#include <zlib.h>

static int zsum_compress(const unsigned char *src, unsigned long n, unsigned long *out_len) {
	uLongf bound = compressBound(n);
	unsigned char *buf = malloc(bound);
	if (buf == NULL) return Z_MEM_ERROR;
	int rc = compress2(buf, &bound, src, n, Z_BEST_COMPRESSION);
	free(buf);
	*out_len = bound;
	return rc;
}
*/
import "C"

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unsafe"
)

func main() {
	var data []byte
	if len(os.Args) > 1 {
		data = []byte(strings.Join(os.Args[1:], " "))
	} else {
		var err error
		data, err = io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "zsum:", err)
			os.Exit(1)
		}
	}
	if len(data) == 0 {
		data = []byte("empty")
	}
	p := (*C.uchar)(unsafe.Pointer(&data[0]))
	n := C.ulong(len(data))
	var out C.ulong
	if rc := C.zsum_compress(p, n, &out); rc != C.Z_OK {
		fmt.Fprintln(os.Stderr, "zsum: compress2 failed:", int(rc))
		os.Exit(1)
	}
	crc := C.crc32(0, p, C.uInt(len(data)))
	adler := C.adler32(1, p, C.uInt(len(data)))
	fmt.Printf("zlib %s\n", C.GoString(C.zlibVersion()))
	fmt.Printf("in=%d out=%d crc32=%08x adler32=%08x\n", len(data), uint64(out), uint32(crc), uint32(adler))
}
