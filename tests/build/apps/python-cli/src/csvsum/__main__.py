import argparse
import csv
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from . import __version__


def main(argv=None):
    p = argparse.ArgumentParser(prog="csvsum", description=__doc__)
    p.add_argument("file")
    p.add_argument("--by", default="category", help="the column to group by")
    p.add_argument("--column", default="amount", help="the column to sum")
    p.add_argument("--version", action="version", version=f"csvsum {__version__}")
    args = p.parse_args(argv)

    totals = defaultdict(Decimal)
    with open(args.file, newline="") as f:
        for row in csv.DictReader(f):
            try:
                totals[row[args.by]] += Decimal(row[args.column])
            except (KeyError, InvalidOperation) as e:
                print(f"csvsum: bad row {row}: {e}", file=sys.stderr)
                return 1
    width = max((len(k) for k in totals), default=0)
    for key in sorted(totals):
        print(f"{key:<{width}}  {totals[key]:>10}")
    print(f"{'total':<{width}}  {sum(totals.values()):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
