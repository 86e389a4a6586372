"""The pure-Python kustomize that `make deploy-check` renders deploy/k8s with: it must do what kustomize does."""

from pathlib import Path

import pytest
import yaml
from deploy_system import DEPLOY
from kustomize_lite import KustomizeError, image_name, render


def write(folder: Path, name: str, docs: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump_all(docs, allow_unicode=True))


def deployment(name: str, image: str) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "initContainers": [{"name": "migrate", "image": image}],
                    "containers": [{"name": name, "image": image}],
                },
            },
        },
    }


def test_an_overlay_sets_namespace_labels_images_and_patches(tmp_path: Path) -> None:
    base, overlay = tmp_path / "base", tmp_path / "overlay"
    write(base, "app.yaml", [deployment("cases", "halfsky/cases"), deployment("other", "nginx:1.27")])
    write(base, "ns.yaml", [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "halfsky"}}])
    write(base, "kustomization.yaml", [{"resources": ["app.yaml", "ns.yaml"], "labels": [{"pairs": {"team": "fl"}}]}])
    patch = "- op: replace\n  path: /spec/template/spec/containers/0/name\n  value: renamed\n"
    patch += "- op: add\n  path: /metadata/annotations\n  value: {note: 妇联}\n"
    patch += "- op: remove\n  path: /spec/template/spec/initContainers\n"
    write(
        overlay,
        "kustomization.yaml",
        [
            {
                "namespace": "halfsky",
                "resources": ["../base"],
                "images": [{"name": "halfsky/cases", "newName": "reg.example.org/halfsky/cases", "newTag": "1.2.3"}],
                "patches": [{"target": {"kind": "Deployment", "name": "cases"}, "patch": patch}],
            }
        ],
    )
    cases, other, ns = render(overlay)
    assert cases["metadata"]["namespace"] == "halfsky" and "namespace" not in ns["metadata"]
    assert cases["metadata"]["labels"] == {"team": "fl"}
    assert cases["spec"]["template"]["metadata"]["labels"] == {"app": "cases"}  # templates untouched
    assert cases["spec"]["template"]["spec"]["containers"][0] == {
        "name": "renamed",
        "image": "reg.example.org/halfsky/cases:1.2.3",
    }
    assert "initContainers" not in cases["spec"]["template"]["spec"]
    assert cases["metadata"]["annotations"] == {"note": "妇联"}
    assert other["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert other["spec"]["template"]["spec"]["initContainers"][0]["image"] == "nginx:1.27"


@pytest.mark.parametrize(
    "kustomization",
    [
        {"resources": [], "configMapGenerator": [{"name": "x"}]},
        {"resources": [], "labels": [{"pairs": {"a": "b"}, "includeSelectors": True}]},
        {"resources": ["app.yaml"], "patches": [{"target": {"kind": "Deployment", "name": "nope"}, "patch": "[]"}]},
        {"resources": ["app.yaml"], "patches": [{"target": {"kind": "Deployment"}, "patch": "spec: {}"}]},
    ],
)
def test_what_it_cannot_do_is_refused_not_ignored(tmp_path: Path, kustomization: dict) -> None:
    write(tmp_path, "app.yaml", [deployment("cases", "halfsky/cases")])
    write(tmp_path, "kustomization.yaml", [kustomization])
    with pytest.raises(KustomizeError):
        render(tmp_path)


def test_image_names_lose_tag_and_digest_but_keep_the_registry_port() -> None:
    assert image_name("reg.example.org:5000/halfsky/cases:1.0") == "reg.example.org:5000/halfsky/cases"
    assert image_name("halfsky/cases@sha256:abc") == "halfsky/cases"
    assert image_name("halfsky/cases") == "halfsky/cases"


def test_the_production_overlay_runs_every_component_from_the_registry() -> None:
    docs = render(DEPLOY / "k8s" / "overlays" / "production")
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    assert set(deployments) == {"gateway", "cases", "projects", "indicators"}
    for name, d in deployments.items():
        assert d["metadata"]["namespace"] == "halfsky"
        (container,) = d["spec"]["template"]["spec"]["containers"]
        assert container["image"].startswith(f"registry.example.org/halfsky/{name}:")
    (job,) = [d for d in docs if d["kind"] == "Job"]
    steps = job["spec"]["template"]["spec"]["initContainers"] + job["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in steps] == ["gateway", "cases", "projects", "indicators", "indicators-catalogue"]
    assert all(c["command"] == ["alembic", "-c", "/app/alembic.ini", "upgrade", "head"] for c in steps[:4])
    assert steps[4]["command"] == ["python", "-m", "halfsky_indicators.cli", "seed-catalogue"]
    assert [c["image"].rsplit(":", 1)[0].rsplit("/", 1)[-1] for c in steps] == [c["name"] for c in steps[:4]] + [
        "indicators"
    ]
