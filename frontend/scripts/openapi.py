"""Write the gateway's and each service's OpenAPI document to frontend/openapi/ (input of `npm run gen:api`).

A service whose live document has fewer than half of the paths the SPA was built against is the placeholder of a
service not merged into this checkout yet: its committed snapshot is kept, with a warning. Otherwise the live document
wins, and the TypeScript build then fails wherever the SPA no longer matches the API.
"""

import importlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from halfsky_common.keys import ensure_key_pair

OUT = Path(__file__).resolve().parents[1] / "openapi"
COMPONENTS = ("gateway", "cases", "projects", "indicators")
OPS = {"/health", "/ready"}


def live_document(name: str, private: Path, public: Path) -> dict[str, Any]:
    config = importlib.import_module(f"halfsky_{name}.config")
    main_module = importlib.import_module(f"halfsky_{name}.main")
    keys = {"jwt_public_key_file": public}
    if name == "gateway":
        keys["jwt_private_key_file"] = private
    return main_module.create_app(config.Settings(**keys)).openapi()  # type: ignore[no-any-return]


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        private, public = ensure_key_pair(Path(tmp))
        for name in COMPONENTS:
            target = OUT / f"{name}.json"
            document = live_document(name, private, public)
            if target.exists() and name != "gateway":
                wanted = set(json.loads(target.read_text(encoding="utf-8"))["paths"]) - OPS
                if len(wanted & set(document["paths"])) * 2 < len(wanted):
                    print(f"warning: {name} is not in this checkout yet; keeping {target.name}", file=sys.stderr)
                    continue
            text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                print(f"updated {target.relative_to(OUT.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
