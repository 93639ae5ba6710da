#!/usr/bin/env python3
"""Copy the few front-end files we serve from node_modules (installed by npm ci) into var/vendor/.

Only these files reach collectstatic, which keeps it fast and the static folder small.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "bootstrap/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/css/bootstrap.min.css.map": "bootstrap/dist/css/bootstrap.min.css.map",
    "bootstrap/js/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap/js/bootstrap.bundle.min.js.map": "bootstrap/dist/js/bootstrap.bundle.min.js.map",
    "bootstrap-icons/bootstrap-icons.min.css": "bootstrap-icons/font/bootstrap-icons.min.css",
    "bootstrap-icons/fonts/bootstrap-icons.woff2": "bootstrap-icons/font/fonts/bootstrap-icons.woff2",
    "bootstrap-icons/fonts/bootstrap-icons.woff": "bootstrap-icons/font/fonts/bootstrap-icons.woff",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}


def main() -> int:
    target = ROOT / "var" / "vendor" / "vendor"
    for dest, src in FILES.items():
        source = ROOT / "node_modules" / src
        if not source.exists():
            print(f"missing {source}: run `npm ci` first", file=sys.stderr)
            return 1
        out = target / dest
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
