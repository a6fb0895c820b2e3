"""List the stock items that have fallen to their reorder level.

An internal tool of the kind that needs no build step: one file, standard library only, run as is
by the interpreter. It prints the Python it runs on and the user, so the container's output shows
which image and which user ran it.
"""

import argparse
import csv
import os
import platform
import sys


def low_stock(rows):
    """Rows whose on-hand count is at or below their reorder level, lowest cover first."""
    low = [r for r in rows if int(r["on_hand"]) <= int(r["reorder_at"])]
    return sorted(low, key=lambda r: int(r["on_hand"]) - int(r["reorder_at"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("stock", nargs="?", default=os.path.join(here, "stock.csv"), help="CSV file with sku,name,on_hand,reorder_at")
    args = parser.parse_args(argv)

    with open(args.stock, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    low = low_stock(rows)
    print(f"{len(rows)} items checked, {len(low)} to reorder")
    for r in low:
        print(f"  reorder {r['sku']} {r['name']}: {r['on_hand']} on hand, reorder at {r['reorder_at']}")
    print(f"python {platform.python_version()} as uid {os.getuid()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
