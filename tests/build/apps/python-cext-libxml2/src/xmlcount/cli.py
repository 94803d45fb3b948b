import sys

from . import count_elements, libxml_version


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(f"xmlcount using libxml2 {libxml_version()}")
        return 0
    status = 0
    for path in argv:
        try:
            with open(path, "rb") as f:
                counts = count_elements(f.read())
        except (OSError, ValueError) as e:
            print(f"xmlcount: {path}: {e}", file=sys.stderr)
            status = 1
            continue
        total = sum(counts.values())
        print(f"{path}: {total} elements (libxml2 {libxml_version()})")
        for name in sorted(counts):
            print(f"  {name}: {counts[name]}")
    return status


if __name__ == "__main__":
    sys.exit(main())
