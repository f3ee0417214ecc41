#!/usr/bin/env python3
"""Rewrites the option tables in README.md from the option table.

Each table sits between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; this replaces
every such block that `onevalue --options-markdown` prints and leaves the rest of the
README alone. tests/unit/option_table_test.cpp fails while the two differ.

    app/config/update_readme_tables.py [ONEVALUE_BINARY]   # default: build/onevalue
"""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parents[2]
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "build" / "onevalue")
generated = subprocess.run([binary, "--options-markdown"], capture_output=True, text=True,
                           check=True).stdout
readme_path = root / "README.md"
readme = readme_path.read_text()
for block, name in re.findall(r"(<!-- ([\w-]+):begin -->\n.*?<!-- \2:end -->\n)", generated,
                              re.S):
    pattern = re.compile(rf"<!-- {name}:begin -->\n.*?<!-- {name}:end -->\n", re.S)
    if not pattern.search(readme):
        sys.exit(f"README.md has no <!-- {name}:begin --> ... <!-- {name}:end --> block")
    readme = pattern.sub(lambda _: block, readme)
readme_path.write_text(readme)
