"""Write the gateway's and each service's OpenAPI document to frontend/openapi/ (input of `npm run gen:api`)."""

import importlib
import json
import sys
import tempfile
from pathlib import Path

from halfsky_common.keys import ensure_key_pair

OUT = Path(__file__).resolve().parents[1] / "openapi"
COMPONENTS = ("gateway", "cases", "projects", "indicators")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        private, public = ensure_key_pair(Path(tmp))
        for name in COMPONENTS:
            config = importlib.import_module(f"halfsky_{name}.config")
            main_module = importlib.import_module(f"halfsky_{name}.main")
            keys = {"jwt_public_key_file": public}
            if name == "gateway":
                keys["jwt_private_key_file"] = private
            app = main_module.create_app(config.Settings(**keys))
            text = json.dumps(app.openapi(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            target = OUT / f"{name}.json"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                print(f"updated {target.relative_to(OUT.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
