"""deploy/k8s as `make deploy-check` renders it: with the real kustomize (`kubectl kustomize`), as a cluster would."""

from pathlib import Path

import pytest
import yaml
from check import KustomizeError, check_kubernetes, render
from deploy_system import DEPLOY


def write(folder: Path, name: str, docs: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump_all(docs, allow_unicode=True))


def deployment(name: str) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": "halfsky/cases", "envFrom": [{"configMapRef": {}}]}]},
            },
        },
    }


def test_an_overlay_renders_with_everything_kustomize_does(tmp_path: Path) -> None:
    """A generator (hash-suffixed name, references rewritten) and a strategic-merge patch: kustomize's own work."""
    app = deployment("cases")
    app["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"] = "cases-env"
    write(tmp_path, "app.yaml", [app])
    patch = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "cases"}, "spec": {"replicas": 3}}
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "halfsky",
        "resources": ["app.yaml"],
        "configMapGenerator": [{"name": "cases-env", "literals": ["CASES_NOTE=妇联"]}],
        "patches": [{"patch": yaml.safe_dump(patch)}],
    }
    write(tmp_path, "kustomization.yaml", [kustomization])
    by_kind = {d["kind"]: d for d in render(tmp_path)}
    cm, cases = by_kind["ConfigMap"], by_kind["Deployment"]
    assert cm["metadata"]["name"].startswith("cases-env-") and cm["data"] == {"CASES_NOTE": "妇联"}
    assert cases["spec"]["replicas"] == 3 and cases["metadata"]["namespace"] == "halfsky"
    (container,) = cases["spec"]["template"]["spec"]["containers"]
    assert container["envFrom"] == [{"configMapRef": {"name": cm["metadata"]["name"]}}]


@pytest.mark.parametrize(
    ("kustomization", "says"),
    [
        ({"resources": ["missing.yaml"]}, "missing.yaml"),
        # Deprecated fields render, with a warning on stderr: the check refuses them too.
        ({"resources": ["app.yaml"], "commonLabels": {"a": "b"}}, "'commonLabels' is deprecated"),
    ],
)
def test_what_kustomize_refuses_or_warns_about_fails_the_check(tmp_path: Path, kustomization: dict, says: str) -> None:
    write(tmp_path, "app.yaml", [deployment("cases")])
    write(tmp_path, "kustomization.yaml", [kustomization])
    with pytest.raises(KustomizeError, match=says):
        render(tmp_path)


def test_the_production_overlay_runs_every_component_from_the_registry() -> None:
    docs = render(DEPLOY / "k8s" / "overlays" / "production")
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    assert set(deployments) == {"gateway", "cases", "projects", "indicators"}
    for name, d in deployments.items():
        assert d["metadata"]["namespace"] == "halfsky"
        assert d["metadata"]["labels"]["app.kubernetes.io/part-of"] == "halfsky"
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
    hosts = [r["host"] for d in docs if d["kind"] == "Ingress" for r in d["spec"]["rules"]]
    assert hosts == ["halfsky.example.org", "halfsky.example.org"]


def test_every_overlay_renders_and_validates() -> None:
    """What `make deploy-check` asks of deploy/k8s, in the normal test suite."""
    assert check_kubernetes() == []
