#!/usr/bin/env python3
"""Builds the what-if page: one self-contained HTML file with the simulator (WebAssembly)
and a scenario inside, that opens from disk and works offline.

    python3 bindings/wasm/build-page.py scenarios/omnichannel.toml --out whatif.html

It compiles bindings/wasm for wasm32-unknown-unknown (`rustup target add
wasm32-unknown-unknown` once) unless --wasm names a module already built, then inlines
the module (base64), the scenario and the bundled examples (scenarios/*.toml) into
bindings/wasm/page/whatif.html. Python's standard library only.
"""
import argparse
import base64
import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", type=pathlib.Path, help="the scenario the page opens with")
    ap.add_argument("--out", type=pathlib.Path, required=True, help="the HTML file to write")
    ap.add_argument("--wasm", type=pathlib.Path, help="a module already built (skips cargo)")
    a = ap.parse_args()
    try:
        start = {"file": a.scenario.name, "toml": a.scenario.read_text(encoding="utf-8")}
    except (OSError, UnicodeDecodeError) as e:
        print(f"error: {a.scenario}: cannot read the scenario: {e}", file=sys.stderr)
        return 2
    wasm = a.wasm
    if wasm is None:
        cmd = ["cargo", "build", "--release", "--target", "wasm32-unknown-unknown",
               "--manifest-path", str(HERE / "Cargo.toml")]
        if subprocess.run(cmd).returncode != 0:
            print("error: building the WebAssembly module failed (is the target installed? "
                  "rustup target add wasm32-unknown-unknown)", file=sys.stderr)
            return 1
        wasm = HERE / "target/wasm32-unknown-unknown/release/ccsim_wasm.wasm"
    module = base64.b64encode(wasm.read_bytes()).decode("ascii")
    examples = [{"file": p.name, "toml": p.read_text(encoding="utf-8")}
                for p in sorted((ROOT / "scenarios").glob("*.toml"))]
    bundle = json.dumps({"start": start, "examples": examples}, ensure_ascii=True)
    # `</` cannot end the script early inside a JSON string: escape the slash.
    bundle = bundle.replace("</", "<\\/")
    page = (HERE / "page/whatif.html").read_text(encoding="utf-8")
    page = page.replace("/*CCSIM_WASM_BASE64*/", module, 1).replace("/*CCSIM_BUNDLE*/null", bundle, 1)
    a.out.write_text(page, encoding="utf-8")
    print(f"{a.out}: {len(page.encode()) / 1e6:.1f} MB (module {wasm.stat().st_size / 1e6:.1f} MB), "
          f"opens {start['file']}; {len(examples)} examples bundled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
